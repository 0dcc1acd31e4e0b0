"""Reading school and community lists from Excel: columns, per-row checks, a dry-run result.

The sheet's first row holds the column names (a few spellings accepted). Every row is checked
on its own and against the rest of the file and the register (a name given twice, a name
already registered in another 街镇); each problem is reported with the row number the user sees
in Excel. Nothing is written here: `services.register_import` applies a clean result.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from qpdo.org import clock
from qpdo.org.models import Unit
from qpdo.org.resources import cell_text

from .enums import CommunityKind, SchoolStage, TeamMemberKind

YES = frozenset({"", "是", "在册", "1", "Y", "YES", "TRUE"})
NO = frozenset({"否", "不在册", "撤并", "停办", "0", "N", "NO", "FALSE"})


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _choice(choices, aliases: dict[str, str]) -> Callable[[str], str]:
    by_label = {c.label: c.value for c in choices} | aliases

    def parse(text: str) -> str:
        key = _squeeze(text)
        if key not in by_label:
            raise ValueError(f"“{text}”无法识别，应填写：{'、'.join(choices.labels)}")
        return by_label[key]

    return parse


def _yes_no(text: str) -> bool:
    key = _squeeze(text).upper()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(f"“{text}”无法识别，应填写：是、否")


def _limited(max_length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if len(text) > max_length:
            raise ValueError(f"不能超过 {max_length} 个字")
        return text

    return parse


def _count(minimum: int, maximum: int = 100000) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(_squeeze(text))
        except ValueError:
            raise ValueError(f"“{text}”不是整数") from None
        if not minimum <= value <= maximum:
            raise ValueError(f"应在 {minimum} 至 {maximum} 之间")
        return value

    return parse


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _date(text: str) -> datetime.date:
    """A date as Excel gives it (a date cell reads as “2027-03-15 00:00:00”) or as typed."""
    key = _squeeze(text)
    key = re.sub(r"(\d)(00:00:00)$", r"\1", key)
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(key, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}”不是日期，请按 2027-03-15 的格式填写")


def _names(text: str) -> tuple[str, ...]:
    """Several names in one cell, separated by 、，, ; or spaces (“张三、李四”)."""
    names = tuple(n for n in re.split(r"[、，,；;\s]+", text) if n)
    for name in names:
        if len(name) > 30:
            raise ValueError(f"“{name}”超过 30 个字")
    return names


@dataclass(frozen=True)
class ImportColumn:
    header: str
    attr: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[str], object] | None = None
    default: object = ""


@dataclass(frozen=True)
class ImportSpec:
    """What one register's sheet looks like."""

    code: str
    label: str  # 学校 / 社区（村、居委）
    name_header: str
    columns: tuple[ImportColumn, ...]
    # Names must be unique in the whole district (schools) or only within a 街镇 (communities).
    unique_in_district: bool
    row_hint: str = ""  # what one row of the sheet is, when not one place

    @property
    def has_town(self) -> bool:
        return any(c.attr == "town" for c in self.columns)

    @property
    def is_records(self) -> bool:
        return False

    def column_for(self, header: str) -> ImportColumn | None:
        key = _squeeze(header)
        for column in self.columns:
            if key == column.header or key in column.aliases:
                return column
        return None


TOWN = ImportColumn("街镇", "town", ("所属街镇", "街道/镇", "街道镇", "镇/街道"))
COMMUNITY_NAME = ImportColumn(
    "名称",
    "name",
    ("村居委名称", "村/居委", "社区名称", "社区", "村居委"),
    required=True,
    parse=_limited(100),
)

SCHOOLS = ImportSpec(
    code="schools",
    label="学校",
    name_header="学校名称",
    unique_in_district=True,
    columns=(
        TOWN,
        ImportColumn("学校名称", "name", ("学校", "名称"), required=True, parse=_limited(100)),
        ImportColumn(
            "学段",
            "stage",
            ("学校类型", "类型", "办学类型"),
            parse=_choice(
                SchoolStage,
                {
                    "初中": SchoolStage.JUNIOR,
                    "高中": SchoolStage.SENIOR,
                    "九年一贯制": SchoolStage.NINE_YEAR,
                    "中职": SchoolStage.VOCATIONAL,
                    "职校": SchoolStage.VOCATIONAL,
                    "特殊教育": SchoolStage.SPECIAL,
                    "特教": SchoolStage.SPECIAL,
                },
            ),
            default=SchoolStage.OTHER,
        ),
        ImportColumn("地址", "address", ("学校地址",), parse=_limited(200)),
        ImportColumn("联系人", "contact_name", (), parse=_limited(30)),
        ImportColumn("联系电话", "contact_phone", ("电话", "手机"), parse=_limited(30)),
        ImportColumn("在册", "is_active", ("是否在册",), parse=_yes_no, default=True),
        ImportColumn("备注", "note", (), parse=_limited(200)),
    ),
)

COMMUNITIES = ImportSpec(
    code="communities",
    label="社区（村、居委）",
    name_header="名称",
    unique_in_district=False,
    columns=(
        TOWN,
        COMMUNITY_NAME,
        ImportColumn(
            "类型",
            "kind",
            ("村/居", "村居类型"),
            parse=_choice(
                CommunityKind,
                {
                    "居委": CommunityKind.RESIDENTS,
                    "居": CommunityKind.RESIDENTS,
                    "居民委员会": CommunityKind.RESIDENTS,
                    "村委": CommunityKind.VILLAGE,
                    "村": CommunityKind.VILLAGE,
                    "村民委员会": CommunityKind.VILLAGE,
                },
            ),
            default=CommunityKind.RESIDENTS,
        ),
        ImportColumn("在册", "is_active", ("是否在册",), parse=_yes_no, default=True),
        ImportColumn("备注", "note", (), parse=_limited(200)),
    ),
)
ENTERPRISES = ImportSpec(
    code="enterprises",
    label="企业（园区）",
    name_header="企业名称",
    # An enterprise is one place in the district: a row naming one registered under another
    # 街镇 is refused, not added twice.
    unique_in_district=True,
    columns=(
        TOWN,
        ImportColumn(
            "企业名称",
            "name",
            ("企业", "名称", "企业（园区）名称", "单位名称"),
            required=True,
            parse=_limited(100),
        ),
        ImportColumn("所在园区", "park", ("园区",), parse=_limited(100)),
        ImportColumn(
            "已成立工作小组",
            "has_group",
            ("工作小组", "是否成立工作小组"),
            parse=_yes_no,
            default=False,
        ),
        ImportColumn("工作小组依托部门", "group_basis", ("依托部门",), parse=_limited(60)),
        ImportColumn(
            "专人", "contact_name", ("负责人", "联系人", "专人（负责人）"), parse=_limited(30)
        ),
        ImportColumn("联系电话", "contact_phone", ("电话", "手机"), parse=_limited(30)),
        ImportColumn("在册", "is_active", ("是否在册",), parse=_yes_no, default=True),
        ImportColumn("备注", "note", (), parse=_limited(200)),
    ),
)


@dataclass(frozen=True)
class RecordSpec(ImportSpec):
    """A sheet of one register year's records: each row names a place (or none, for 党校).

    `place_label` is what a row names (学校, 社区); empty when the records hang on no place.
    Dates in `year_attrs` must fall in the register year; those in `past_attrs` not after today.
    """

    place_label: str = ""
    year_attrs: tuple[str, ...] = ()
    past_attrs: tuple[str, ...] = ()
    # The attributes that make a row the same record as another (a duplicate, or one on file).
    key_attrs: tuple[str, ...] = ()

    @property
    def is_records(self) -> bool:
        return True


YEAR = ImportColumn("年度", "year", ("年份",), parse=_count(2000, 2100), default=None)

SCHOOL_COURSES = RecordSpec(
    code="school-courses",
    label="学校课程与课时",
    name_header="学校名称",
    unique_in_district=True,
    row_hint="每行一门课程：学校、课程名称和课时",
    place_label="学校",
    key_attrs=("title",),
    columns=(
        TOWN,
        ImportColumn("学校名称", "name", ("学校", "名称"), required=True, parse=_limited(100)),
        YEAR,
        ImportColumn("课程", "title", ("课程名称", "课程内容"), required=True, parse=_limited(100)),
        ImportColumn("课时", "hours", ("课时数",), required=True, parse=_count(1, 500)),
        ImportColumn("说明", "note", ("备注",), parse=_limited(200)),
    ),
)

TEAM_COLUMNS = tuple(
    ImportColumn(
        f"宣教队伍（{kind.label}）",
        f"team_{kind.value}",
        (f"{kind.label}队员", f"宣教队伍{kind.label}", f"宣教队伍({kind.label})"),
        parse=_names,
        default=(),
    )
    for kind in TeamMemberKind
)

COMMUNITY_YEAR = RecordSpec(
    code="community-year",
    label="社区年度台账",
    name_header="名称",
    unique_in_district=False,
    row_hint="每行一个社区（村、居委）：本年度防空袭方案修订、固定阵地和宣教队伍",
    place_label="社区（村、居委）",
    year_attrs=("plan_revised_on",),
    past_attrs=("plan_revised_on",),
    columns=(
        TOWN,
        COMMUNITY_NAME,
        ImportColumn(
            "防空袭方案修订日期",
            "plan_revised_on",
            ("防空袭方案修订", "方案修订日期", "修订日期"),
            parse=_date,
            default=None,
        ),
        ImportColumn("故事长廊", "has_story_corridor", (), parse=_yes_no, default=False),
        ImportColumn("微展馆", "has_micro_museum", (), parse=_yes_no, default=False),
        ImportColumn("体验角", "has_experience_corner", (), parse=_yes_no, default=False),
        *TEAM_COLUMNS,
    ),
)

PARTY_SCHOOL_COURSES = RecordSpec(
    code="party-school-courses",
    label="党校培训计划课程",
    name_header="课程名称",
    unique_in_district=True,
    row_hint="每行一门纳入党校培训计划的国防动员课程",
    year_attrs=("taught_on",),
    key_attrs=("title", "class_name"),
    columns=(
        YEAR,
        ImportColumn("课程名称", "title", ("课程",), required=True, parse=_limited(100)),
        ImportColumn("培训班次", "class_name", ("班次",), required=True, parse=_limited(100)),
        ImportColumn("课时", "hours", ("课时数",), parse=_count(1, 500), default=1),
        ImportColumn("授课人", "speaker", ("主讲人", "授课老师"), parse=_limited(60)),
        ImportColumn("授课日期", "taught_on", ("日期",), parse=_date, default=None),
    ),
)

BASE_VISITS = RecordSpec(
    code="base-visits",
    label="人防科普教育基地参观",
    name_header="培训班次",
    unique_in_district=True,
    row_hint="每行一次参观：日期、培训班次和人数",
    year_attrs=("visited_on",),
    past_attrs=("visited_on",),
    key_attrs=("visited_on", "class_name"),
    columns=(
        ImportColumn("参观日期", "visited_on", ("日期",), required=True, parse=_date, default=None),
        ImportColumn("培训班次", "class_name", ("班次",), required=True, parse=_limited(100)),
        ImportColumn("参观人数", "participants", ("人数",), required=True, parse=_count(1, 100000)),
        ImportColumn("科普教育基地", "base_name", ("基地", "基地名称"), parse=_limited(100)),
        ImportColumn("说明", "note", ("备注",), parse=_limited(200)),
    ),
)

SPECS = {
    spec.code: spec
    for spec in (
        SCHOOLS,
        COMMUNITIES,
        ENTERPRISES,
        SCHOOL_COURSES,
        COMMUNITY_YEAR,
        PARTY_SCHOOL_COURSES,
        BASE_VISITS,
    )
}


@dataclass
class RowOutcome:
    line: int  # the row number in Excel
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    action: str = ""  # new, update, same
    existing_pk: int | None = None
    detail: str = ""  # what a row of yearly records would record, for the dry-run table

    ACTION_LABELS = {"new": "新增", "update": "更新", "same": "无变化"}

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, "")

    @property
    def town_name(self) -> str:
        town = self.values.get("town")
        return town.name if town else ""


@dataclass
class ImportResult:
    spec: ImportSpec
    rows: list[RowOutcome] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # The attributes the sheet has a column for: an update changes only these (a sheet
    # without, say, 已成立工作小组 leaves what the register recorded untouched).
    present_attrs: set[str] = field(default_factory=set)
    applied: bool = False

    @property
    def error_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.errors]

    @property
    def is_clean(self) -> bool:
        return not self.file_errors and not self.error_rows and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def count_new(self) -> int:
        return self.count("new")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_same(self) -> int:
        return self.count("same")


class TownLookup:
    """Find a 街镇 by its name, short name, or name without 镇/街道."""

    def __init__(self, towns: Iterable[Unit]) -> None:
        self.by_key: dict[str, Unit] = {}
        for town in towns:
            for key in (town.name, town.short_name, re.sub(r"(镇|街道)$", "", town.name)):
                if key:
                    self.by_key[_squeeze(key)] = town

    def find(self, text: str) -> Unit | None:
        return self.by_key.get(_squeeze(text))


def check_rows(
    spec: ImportSpec,
    raw_rows: Sequence[tuple[int, Sequence[object]]],
    *,
    towns: Iterable[Unit],
    allowed_town_ids: set[int] | None,
    default_town: Unit | None,
    existing: dict[tuple[int | None, str], object],
) -> ImportResult:
    """Check the sheet's rows (the first is the header row) and say what each would do.

    `existing` maps (town id, name) — or (None, name) for district-unique names — to the
    registered record. `allowed_town_ids` limits the 街镇 a 填报员 may import for (None: any).
    """
    result = ImportResult(spec)
    if not raw_rows:
        result.file_errors.append(
            f"文件中没有数据：第 1 行应为列名，第 2 行起每行一个{spec.label}。"
        )
        return result
    columns = _read_header(spec, raw_rows[0], result, default_town)
    if columns is None:
        return result
    lookup = TownLookup(towns)
    first_line_of: dict[tuple, list[int]] = defaultdict(list)

    for line, cells in raw_rows[1:]:
        outcome = _parse_cells(spec, columns, line, cells)
        outcome.values["town"] = _row_town(outcome, cells, columns, lookup, default_town)
        town = outcome.values["town"]
        if town is not None and allowed_town_ids is not None and town.pk not in allowed_town_ids:
            outcome.errors.append(
                f"街镇：只能导入本街镇（{default_town.name if default_town else ''}）的{spec.label}"
            )
        name = _squeeze(str(outcome.values.get("name") or ""))
        outcome.values["name"] = name
        if name and town is not None:
            key = (None, name) if spec.unique_in_district else (town.pk, name)
            first_line_of[key].append(line)
            record = existing.get(key)
            if record is not None and record.town_id != town.pk:
                outcome.errors.append(
                    f"{spec.name_header}：“{name}”已登记在{record.town.name}，"
                    "如需调整所属街镇请联系区国动办"
                )
            elif record is not None:
                outcome.existing_pk = record.pk
                changed = any(
                    getattr(record, c.attr) != outcome.values[c.attr]
                    for c in spec.columns
                    if c.attr not in ("town", "name") and c.attr in result.present_attrs
                )
                outcome.action = "update" if changed else "same"
            else:
                outcome.action = "new"
        result.rows.append(outcome)

    for lines in first_line_of.values():
        if len(lines) < 2:
            continue
        for row in result.rows:
            if row.line in lines:
                others = "、".join(str(n) for n in lines if n != row.line)
                row.errors.append(f"{spec.name_header}重复（另见第 {others} 行）")
    if not result.rows:
        result.file_errors.append(f"文件中只有列名，没有{spec.label}数据。")
    return result


def check_record_rows(
    spec: RecordSpec,
    raw_rows: Sequence[tuple[int, Sequence[object]]],
    *,
    year: int,
    towns: Iterable[Unit],
    allowed_town_ids: set[int] | None,
    default_town: Unit | None,
    places: dict[str, list] | None,
    classify: Callable[[RowOutcome, set[str]], str],
) -> ImportResult:
    """Check a sheet of one register year's records, like `check_rows` checks a list of places.

        `places` maps a registered place's name to its records (one per 街镇 that has it); None for
        records that name no place. `classify(row, present_attrs)` says what a clean row would do
    (new, update or same).
    """
    result = ImportResult(spec)
    if not raw_rows:
        result.file_errors.append(f"文件中没有数据：第 1 行应为列名，第 2 行起{spec.row_hint}。")
        return result
    columns = _read_header(spec, raw_rows[0], result, default_town)
    if columns is None:
        return result
    lookup = TownLookup(towns)
    today = clock.today()
    headers = {c.attr: c.header for c in spec.columns}
    first_line_of: dict[tuple, list[int]] = defaultdict(list)
    for line, cells in raw_rows[1:]:
        outcome = _parse_cells(spec, columns, line, cells)
        if "year" in outcome.values:
            if outcome.values["year"] not in (None, year):
                outcome.errors.append(f"年度：{outcome.values['year']} 与导入年度 {year} 不符")
            outcome.values["year"] = year
        for attr in spec.year_attrs:
            value = outcome.values.get(attr)
            if isinstance(value, datetime.date) and value.year != year:
                outcome.errors.append(f"{headers[attr]}：{value:%Y-%m-%d} 不在 {year} 年度内")
        for attr in spec.past_attrs:
            value = outcome.values.get(attr)
            if isinstance(value, datetime.date) and value > today:
                outcome.errors.append(f"{headers[attr]}：{value:%Y-%m-%d} 晚于今天，不能登记")
        if places is not None:
            _match_place(spec, outcome, cells, columns, lookup, default_town, allowed_town_ids)
            _find_place(spec, outcome, places)
        else:  # the row's own title stands for the place in the dry-run table
            title = next(c.attr for c in spec.columns if c.header == spec.name_header)
            outcome.values["name"] = outcome.values[title]
        key = tuple(outcome.values.get(a) for a in ("place", *spec.key_attrs))
        if spec.key_attrs and all(v not in (None, "") for v in key[1:]):
            first_line_of[key].append(line)
        if not outcome.errors:
            outcome.action = classify(outcome, result.present_attrs)
        result.rows.append(outcome)
    what = spec.place_label or spec.label
    for lines in first_line_of.values():
        if len(lines) < 2:
            continue
        for row in result.rows:
            if row.line in lines:
                others = "、".join(str(n) for n in lines if n != row.line)
                row.errors.append(f"与第 {others} 行重复（同一{what}的同一条记录）")
                row.action = ""
    if not result.rows:
        result.file_errors.append(f"文件中只有列名，没有{spec.label}数据。")
    return result


def _match_place(spec, outcome, cells, columns, lookup, default_town, allowed_town_ids) -> None:
    outcome.values["town"] = town = _row_town(outcome, cells, columns, lookup, default_town)
    if town is not None and allowed_town_ids is not None and town.pk not in allowed_town_ids:
        outcome.errors.append(
            f"街镇：只能导入本街镇（{default_town.name if default_town else ''}）的"
            f"{spec.place_label}"
        )
        outcome.values["town"] = None


def _find_place(spec, outcome, places: dict[str, list]) -> None:
    name = _squeeze(str(outcome.values.get("name") or ""))
    outcome.values["name"] = name
    town = outcome.values.get("town")
    outcome.values["place"] = None
    if not name or town is None:
        return
    candidates = places.get(name, [])
    place = next((p for p in candidates if p.town_id == town.pk), None)
    if place is not None:
        outcome.values["place"] = place
    elif candidates:
        outcome.errors.append(
            f"{spec.name_header}：“{name}”是{candidates[0].town.name}的{spec.place_label}，"
            f"不能导入{town.name}的台账"
        )
    else:
        outcome.errors.append(
            f"{spec.name_header}：{town.name}没有登记“{name}”，请先在{spec.place_label}台账中添加"
        )


def _read_header(spec, header_row, result: ImportResult, default_town) -> dict | None:
    """Map the header row's columns to the spec's; None (and a file error) when unusable."""
    header_line, header = header_row
    columns: dict[int, ImportColumn] = {}
    seen_headers: set[str] = set()
    for index, value in enumerate(header):
        text = cell_text(value)
        if not text:
            continue
        column = spec.column_for(text)
        if column is None:
            result.ignored_columns.append(text)
            continue
        if column.header in seen_headers:
            result.file_errors.append(f"列名重复：{column.header}。")
        seen_headers.add(column.header)
        columns[index] = column
    missing = [c.header for c in spec.columns if c.required and c.header not in seen_headers]
    if spec.has_town and default_town is None and "街镇" not in seen_headers:
        missing.insert(0, "街镇")
    if missing:
        known = "、".join(c.header for c in spec.columns)
        result.file_errors.append(
            f"缺少必填列：{'、'.join(missing)}（第 {header_line} 行须为列名，可用的列：{known}）。"
        )
        return None
    result.present_attrs = {c.attr for c in columns.values()}
    return columns


def _parse_cells(spec, columns: dict, line: int, cells) -> RowOutcome:
    """Parse one row's cells (all but the 街镇) into values, collecting each cell's problem."""
    outcome = RowOutcome(line)
    for index, column in columns.items():
        text = cell_text(cells[index] if index < len(cells) else None)
        if column.attr == "town":
            continue
        if not text:
            if column.required:
                outcome.errors.append(f"{column.header}不能为空")
            outcome.values[column.attr] = column.default
            continue
        try:
            outcome.values[column.attr] = column.parse(text) if column.parse else text
        except ValueError as error:
            outcome.errors.append(f"{column.header}：{error}")
    for column in spec.columns:
        outcome.values.setdefault(column.attr, column.default)
    return outcome


def _row_town(outcome, cells, columns, lookup: TownLookup, default_town):
    index = next((i for i, c in columns.items() if c.attr == "town"), None)
    text = cell_text(cells[index] if index is not None and index < len(cells) else None)
    if not text:
        if default_town is None:
            outcome.errors.append("街镇不能为空")
        return default_town
    town = lookup.find(text)
    if town is None:
        outcome.errors.append(f"街镇：找不到“{text}”（请填写街镇全称，如 朱家角镇、夏阳街道）")
    return town
