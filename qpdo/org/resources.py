"""The staff roster as an Excel sheet: Chinese columns in and out (django-import-export).

Rows are checked cell by cell and across the file (a name twice in one unit); every problem is
reported with the row number the user sees in Excel (the header is row 1), in Chinese.
Exported cells that a spreadsheet would run as a formula get a leading apostrophe.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, resources, widgets
from import_export.formats.base_formats import XLSX
from import_export.results import Result, RowResult
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from qpdo.org import clock

from .enums import Education, Gender, PoliticalStatus
from .models import Staff, Unit

ROSTER_MAX_BYTES = 2 * 1024 * 1024
# An xlsx is a zip: cap what it unpacks to, so a small "zip bomb" cannot exhaust memory.
ROSTER_MAX_UNPACKED_BYTES = 40 * 1024 * 1024
ROSTER_MAX_ROWS = 5000

# A cell starting with one of these is run as a formula by Excel, WPS or LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADER_ALIASES = {
    "所在单位": "单位",
    "单位名称": "单位",
    "职务": "职务/岗位",
    "岗位": "职务/岗位",
    "职务岗位": "职务/岗位",
    "电话": "联系电话",
    "手机": "联系电话",
    "是否在职": "在职",
}
REQUIRED_HEADERS = ("单位", "姓名")
ROSTER_FIELDS = (
    "unit",
    "name",
    "gender",
    "position",
    "native_place",
    "political_status",
    "education",
    "birth_month",
    "post_since",
    "phone",
    "is_active",
)

GENDER_BY_LABEL = {choice.label: choice.value for choice in Gender}
POLITICAL_STATUS_BY_LABEL = {choice.label: choice.value for choice in PoliticalStatus} | {
    "党员": PoliticalStatus.CPC_MEMBER,
    "中国共产党党员": PoliticalStatus.CPC_MEMBER,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL_MEMBER,
    "民主党派": PoliticalStatus.DEMOCRATIC_PARTY,
}
EDUCATION_BY_LABEL = {choice.label: choice.value for choice in Education} | {
    "硕士研究生": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
    "本科": Education.BACHELOR,
    "大专": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "中专": Education.SECONDARY,
}
YES_VALUES = frozenset({"是", "在职", "1", "Y", "YES", "TRUE"})
NO_VALUES = frozenset({"否", "不在职", "离职", "0", "N", "NO", "FALSE"})


def neutralise_formula(value):
    """Return `value` with a leading apostrophe if a spreadsheet would read it as a formula.

    Control characters that xlsx cannot hold are dropped. (qpdo.documents.excel does the same
    for its exports; org sits below documents and cannot import it.)
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def cell_text(value) -> str:
    """Return a cell as trimmed text: whole numbers lose their ".0", our apostrophe is undone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u3000", " ").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def _is_blank(value) -> bool:
    return cell_text(value) == ""


def _squeeze(text: str) -> str:
    """Drop all whitespace: rosters pad two-character names ("王  静") to line them up."""
    return re.sub(r"\s+", "", text)


def check_roster_upload(upload) -> None:
    """Refuse an upload that is too large or not an .xlsx file, before anything parses it."""
    if upload.size > ROSTER_MAX_BYTES:
        raise ValidationError(
            f"文件过大：{upload.size / 1024 / 1024:.1f} MiB，上限为 "
            f"{ROSTER_MAX_BYTES // 1024 // 1024} MiB。"
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError("只能导入 Excel 文件（.xlsx）。")
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationError(
            "文件不是有效的 Excel 文件（.xlsx），请用 Excel 或 WPS 另存后再导入。"
        )


def check_roster_bytes(data: bytes) -> None:
    """Refuse xlsx content that is too large, packed or unpacked, before openpyxl opens it."""
    if len(data) > ROSTER_MAX_BYTES:
        raise ValidationError(f"文件过大，上限为 {ROSTER_MAX_BYTES // 1024 // 1024} MiB。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValidationError("文件不是有效的 Excel 文件（.xlsx）。") from exc
    if unpacked > ROSTER_MAX_UNPACKED_BYTES:
        raise ValidationError("文件内容过大，请拆分后分批导入。")


class RosterXLSX(XLSX):
    """xlsx with our size checks on import and our formula neutralisation on export."""

    def create_dataset(self, in_stream):
        check_roster_bytes(in_stream)
        return super().create_dataset(in_stream)

    def _escape_formulae(self, dataset):
        # The library's own escaping turns every cell into text and only strips "=".
        rows = [[neutralise_formula(cell) for cell in row] for row in dataset]
        del dataset[:]
        for row in rows:
            dataset.append(row)


# --- cells ---------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    """Plain text; `required` names the column in the message for an empty cell."""

    def __init__(self, *, required: bool = False, squeeze: bool = False):
        super().__init__()
        self.required = required
        self.squeeze = squeeze

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if self.squeeze:
            text = _squeeze(text)
        if self.required and not text:
            raise ValueError("不能为空")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class PhoneWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text and not re.fullmatch(r"[0-9+\-()（）\s转]+", text):
            raise ValueError(f"“{text}”不是有效的电话号码（只能包含数字、空格和 - + ( ) 转）")
        return text


class ChoiceLabelWidget(widgets.Widget):
    """A choice written by its Chinese label (a few common spellings accepted)."""

    def __init__(self, choices, by_label: dict[str, str]):
        super().__init__()
        self.choices = choices
        self.by_label = by_label

    def clean(self, value, row=None, **kwargs):
        text = _squeeze(cell_text(value))
        if not text:
            return ""
        if text not in self.by_label:
            allowed = "、".join(self.choices.labels)
            raise ValueError(f"“{text}”无法识别，应填写：{allowed}")
        return str(self.by_label[text])

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class MonthWidget(widgets.Widget):
    """A year and month written YYYY-MM (also 1990.03, 1990/3, 1990年3月, 199003 or a date cell).

    With `keep_day`, a full date (YYYY-MM-DD) keeps its day; otherwise the day is the 1st.
    """

    def __init__(self, *, keep_day: bool = False):
        super().__init__()
        self.keep_day = keep_day

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return None
        parsed = self._parse(value)
        if parsed is None:
            example = "1990-03 或 2019-03-15" if self.keep_day else "1990-03"
            raise ValueError(f"“{cell_text(value)}”不是有效的年月，应写作 YYYY-MM（如 {example}）")
        if parsed.year < 1900:
            raise ValueError(f"“{cell_text(value)}”早于 1900 年")
        if parsed > clock.today():
            raise ValueError(f"“{cell_text(value)}”晚于今天")
        return parsed

    def _parse(self, value) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value if self.keep_day else value.replace(day=1)
        if isinstance(value, float):
            # Excel turns a typed "1990.10" into the number 1990.1: read two decimals as the month.
            year = int(value)
            return self._date(year, round((value - year) * 100), 1)
        text = cell_text(value)
        text = re.sub(r"\s+", "", text).replace("年", "-").replace("月", "-").replace("日", "")
        text = re.sub(r"[./]", "-", text).strip("-")
        if match := re.fullmatch(r"(\d{4})(\d{2})", text):
            return self._date(int(match[1]), int(match[2]), 1)
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            return self._date(int(match[1]), int(match[2]), 1)
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            full = self._date(int(match[1]), int(match[2]), int(match[3]))
            if full is None or self.keep_day:
                return full
            return full.replace(day=1)
        return None

    @staticmethod
    def _date(year: int, month: int, day: int) -> datetime.date | None:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        if self.keep_day and value.day != 1:
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m")


class YesNoWidget(widgets.Widget):
    """是 / 否; an empty cell means 是."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).upper()
        if not text or text in YES_VALUES:
            return True
        if text in NO_VALUES:
            return False
        raise ValueError(f"“{cell_text(value)}”无法识别，应填写：是、否")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class UnitWidget(widgets.Widget):
    """A unit written by its full name or its short name."""

    def __init__(self):
        super().__init__()
        self._by_name: dict[str, Unit] | None = None
        self._by_short: dict[str, list[Unit]] = {}

    def _load(self) -> None:
        if self._by_name is not None:
            return
        self._by_name = {}
        self._by_short = defaultdict(list)
        for unit in Unit.objects.all():
            self._by_name[_squeeze(unit.name)] = unit
            if unit.short_name:
                self._by_short[_squeeze(unit.short_name)].append(unit)

    def lookup(self, value) -> Unit:
        text = _squeeze(cell_text(value))
        if not text:
            raise ValueError("不能为空")
        self._load()
        unit = self._by_name.get(text)
        if unit is None:
            candidates = self._by_short.get(text, [])
            if len(candidates) > 1:
                raise ValueError(f"简称“{text}”对应多个单位，请填写单位全称")
            unit = candidates[0] if candidates else None
        if unit is None:
            raise ValueError(f"找不到单位“{text}”（请填写单位全称或简称）")
        if not unit.is_active:
            raise ValueError(f"单位“{unit.name}”已停用")
        return unit

    def clean(self, value, row=None, **kwargs):
        return self.lookup(value)

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# --- the result: every problem with its Excel row number ----------------------------------


@dataclass(frozen=True)
class RosterProblem:
    line: int | None  # the row number in Excel (the header is row 1); None: the whole file
    reasons: tuple[str, ...]


def _messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    return [f"无法处理（{type(error).__name__}）"]


class RosterResult(Result):
    """An import result that lists its problems in Chinese, by Excel row number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: list[int] = []
        self.column_names: dict[str, str] = {}

    def line_of(self, number: int) -> int:
        """Return the Excel row of the `number`-th data row (blank rows are not counted)."""
        if 0 < number <= len(self.lines):
            return self.lines[number - 1]
        return number + 1

    def problems(self) -> list[RosterProblem]:
        found = [RosterProblem(None, tuple(_messages(e.error))) for e in self.base_errors]
        rows: list[RosterProblem] = []
        for row in self.invalid_rows:
            reasons = []
            for key, messages in row.error_dict.items():
                label = "" if key == NON_FIELD_ERRORS else self.column_names.get(key, key)
                reasons += [f"{label}：{m}" if label else str(m) for m in messages]
            rows.append(RosterProblem(self.line_of(row.number), tuple(reasons)))
        for row in self.error_rows:
            reasons = [m for error in row.errors for m in _messages(error.error)]
            rows.append(RosterProblem(self.line_of(row.number), tuple(reasons)))
        return found + sorted(rows, key=lambda p: p.line or 0)

    def is_clean(self) -> bool:
        return not (self.has_errors() or self.has_validation_errors())

    def count(self, import_type: str) -> int:
        return self.totals[import_type]


# --- the resource --------------------------------------------------------------------------


class StaffResource(resources.ModelResource):
    """The staff roster: one row per person, matched to an existing person by unit and name."""

    unit = fields.Field(attribute="unit", column_name="单位", widget=UnitWidget())
    name = fields.Field(
        attribute="name", column_name="姓名", widget=TextWidget(required=True, squeeze=True)
    )
    gender = fields.Field(
        attribute="gender", column_name="性别", widget=ChoiceLabelWidget(Gender, GENDER_BY_LABEL)
    )
    position = fields.Field(attribute="position", column_name="职务/岗位", widget=TextWidget())
    native_place = fields.Field(attribute="native_place", column_name="籍贯", widget=TextWidget())
    political_status = fields.Field(
        attribute="political_status",
        column_name="政治面貌",
        widget=ChoiceLabelWidget(PoliticalStatus, POLITICAL_STATUS_BY_LABEL),
    )
    education = fields.Field(
        attribute="education",
        column_name="学历",
        widget=ChoiceLabelWidget(Education, EDUCATION_BY_LABEL),
    )
    birth_month = fields.Field(
        attribute="birth_month", column_name="出生年月", widget=MonthWidget()
    )
    post_since = fields.Field(
        attribute="post_since", column_name="任现岗位时间", widget=MonthWidget(keep_day=True)
    )
    phone = fields.Field(attribute="phone", column_name="联系电话", widget=PhoneWidget())
    is_active = fields.Field(attribute="is_active", column_name="在职", widget=YesNoWidget())

    class Meta:
        model = Staff
        name = "人员名册"
        fields = ROSTER_FIELDS
        import_order = ROSTER_FIELDS
        export_order = ROSTER_FIELDS
        import_id_fields = ("unit", "name")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._lines: list[int] = []
        self._duplicates: dict[int, list[int]] = {}
        self._file_invalid = False

    @classmethod
    def get_result_class(cls):
        return RosterResult

    def column_names(self) -> dict[str, str]:
        return {f.attribute: f.column_name for f in self.fields.values()}

    # Import ----------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Tidy the sheet (headers, blank rows) and find the names given twice in one unit."""
        problems = self._tidy(dataset)
        if not problems:
            self._find_duplicates(dataset)
        if problems:
            self._file_invalid = True
            raise ValidationError(problems)

    def _tidy(self, dataset) -> list[str]:
        known = [f.column_name for f in self.fields.values()]
        headers = [cell_text(h) for h in (dataset.headers or [])]
        headers = [HEADER_ALIASES.get(_squeeze(h), _squeeze(h)) for h in headers]
        rows = [list(r) for r in dataset]
        problems: list[str] = []

        keep = []
        for index, header in enumerate(headers):
            if header:
                keep.append(index)
            elif any(not _is_blank(r[index]) for r in rows):
                problems.append(f"第 {index + 1} 列有数据但没有列名。")
        unknown = [headers[i] for i in keep if headers[i] not in known]
        if unknown:
            problems.append(
                f"无法识别的列：{'、'.join(unknown)}。"
                f"可用的列：{'、'.join(known)}（第 1 行须为列名）。"
            )
        present = [headers[i] for i in keep]
        twice = sorted({h for h in present if present.count(h) > 1})
        if twice:
            problems.append(f"列名重复：{'、'.join(twice)}。")
        missing = [h for h in REQUIRED_HEADERS if h not in present]
        if missing:
            problems.append(f"缺少必填列：{'、'.join(missing)}。")

        kept_rows, lines = [], []
        for offset, row in enumerate(rows):
            if all(_is_blank(v) for v in row):
                continue
            kept_rows.append([row[i] for i in keep])
            lines.append(offset + 2)  # row 1 of the sheet is the header
        if not kept_rows:
            problems.append("文件中没有人员数据。")
        if len(kept_rows) > ROSTER_MAX_ROWS:
            problems.append(f"一次最多导入 {ROSTER_MAX_ROWS} 行，本文件有 {len(kept_rows)} 行。")

        dataset.wipe()
        if keep:
            dataset.headers = [headers[i] for i in keep]
            for row in kept_rows:
                dataset.append(row)
        self._lines = lines
        return problems

    def _find_duplicates(self, dataset) -> None:
        unit_widget: UnitWidget = self.fields["unit"].widget
        seen: dict[tuple, list[int]] = defaultdict(list)
        for number, row in enumerate(dataset.dict, start=1):
            name = _squeeze(cell_text(row.get("姓名")))
            if not name:
                continue
            try:
                unit_key = unit_widget.lookup(row.get("单位")).pk
            except ValueError:
                unit_key = _squeeze(cell_text(row.get("单位")))
            seen[(unit_key, name)].append(number)
        self._duplicates = {
            number: [n for n in numbers if n != number]
            for numbers in seen.values()
            if len(numbers) > 1
            for number in numbers
        }

    def import_row(self, row, instance_loader, **kwargs):
        if self._file_invalid:
            skipped = self.get_row_result_class()()
            skipped.import_type = RowResult.IMPORT_TYPE_SKIP
            return skipped
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        # A unit that cannot be found is reported by import_instance(), with its reason.
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, ValidationError):
            return None

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        others = self._duplicates.get(kwargs.get("row_number"))
        if others:
            lines = "、".join(str(self._line(n)) for n in others)
            errors.setdefault("name", []).append(
                ValidationError(f"同一单位内姓名重复（另见第 {lines} 行）")
            )
        if (
            "birth_month" not in errors
            and "post_since" not in errors
            and instance.birth_month
            and instance.post_since
            and instance.post_since < instance.birth_month
        ):
            errors.setdefault("post_since", []).append(ValidationError("早于出生年月"))
        if errors:
            raise ValidationError(errors)

    def _line(self, number: int) -> int:
        if 0 < number <= len(self._lines):
            return self._lines[number - 1]
        return number + 1

    def _check_import_id_fields(self, headers):
        # before_import() reports missing columns, in Chinese.
        return

    def after_import(self, dataset, result, **kwargs):
        result.lines = list(self._lines)
        result.column_names = self.column_names()
        super().after_import(dataset, result, **kwargs)

    # Export ----------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("unit")

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))
