"""Forms of the 六进 programme: they validate input; services apply the rules."""

from __future__ import annotations

from django import forms

from qpdo.documents.forms import KeepUploadsMixin, MultipleFileField
from qpdo.documents.uploads import FileKind, FileValidator
from qpdo.org import clock
from qpdo.workflow.enums import Action

from .enums import (
    DOCUMENT_KINDS,
    MAX_DOCUMENTS,
    MAX_PHOTOS,
    PHOTO_KINDS,
    REGISTER_FILE_KINDS,
    REGISTER_IMPORT_MAX_BYTES,
    REPORT_STATE_LABELS,
    VIDEO,
    DrillOccasion,
    ExerciseKind,
    ReportKind,
    TeamMemberKind,
)
from .models import REPORT_FIELDS, Front, Plan, PlanItem, Report


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def single_file_field(label: str, *kinds: FileKind, required: bool = False) -> forms.FileField:
    validator = FileValidator(*kinds)
    return forms.FileField(
        label=label,
        required=required,
        validators=[validator],
        help_text=validator.help_text,
        widget=forms.ClearableFileInput(attrs={"accept": validator.accept}),
    )


# --- plans ---------------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    year = forms.TypedChoiceField(label="年度", coerce=int)

    class Meta:
        model = Plan
        fields = ["year", "goals", "measures", "contact_name", "contact_phone"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if years is None:
            del self.fields["year"]
        else:
            self.fields["year"].choices = [(y, f"{y}年") for y in years]


class PlanItemForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    month = forms.TypedChoiceField(
        label="月份", coerce=int, choices=[("", "—")] + [(m, f"{m}月") for m in range(1, 13)]
    )

    class Meta:
        model = PlanItem
        fields = [
            "front",
            "month",
            "title",
            "form",
            "audience",
            "expected_count",
            "budget",
            "budget_line",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"placeholder": "如：国防教育日集中宣传"}),
            "audience": forms.TextInput(attrs={"placeholder": "如：辖区中小学师生"}),
            "budget": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }

    def __init__(self, *args, fronts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["front"].queryset = fronts if fronts is not None else Front.objects.all()
        self.fields["front"].empty_label = "—"
        self.fields["form"].choices = [("", "—"), *self.fields["form"].choices[1:]]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
        for name in ("front", "month", "form"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        for name, field in self.fields.items():
            verb = "选择" if name in ("front", "month", "form") else "填写"
            field.error_messages["required"] = f"请{verb}{field.label}。"

    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget < 0:
            raise forms.ValidationError("经费预算不能为负数。")
        return budget


class BasePlanItemFormSet(forms.BaseFormSet):
    """The activity rows of a plan: the plan's own items, then rows that may stay blank.

    The plan's saved items are the formset's *initial* forms (they must validate, or be ticked
    删除). Every other row is an *extra* form, so an untouched one is skipped: a row preset
    with a front (one per front the unit is responsible for) and the blank rows alike. The
    page posts INITIAL_FORMS = the number of saved items, exactly as it rendered it.
    """

    def __init__(self, *args, fronts=None, presets=(), **kwargs):
        self.fronts = fronts
        self.presets = list(presets)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = {**super().get_form_kwargs(index), "fronts": self.fronts}
        if index is not None:
            extra_index = index - self.initial_form_count()
            if 0 <= extra_index < len(self.presets):
                kwargs["initial"] = self.presets[extra_index]
        return kwargs

    def items(self) -> list[dict]:
        """Return the rows to save: saved items kept, new rows filled in, deleted ones left out."""
        rows = []
        for index, form in enumerate(self.forms):
            if self._should_delete_form(form):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            rows.append(form.cleaned_data)
        return rows

    def error_rows(self) -> list[tuple[int, object]]:
        """Return (row number from 1, form) for each row with an error, for the summary."""
        if not self.is_bound:
            return []
        return [(n, form) for n, form in enumerate(self.forms, start=1) if form.errors]


PlanItemFormSet = forms.formset_factory(
    PlanItemForm,
    formset=BasePlanItemFormSet,
    extra=0,
    can_delete=True,
    can_delete_extra=False,
    max_num=60,
)


def plan_item_formset(
    data=None,
    *,
    items: list[dict] = (),
    presets: list[dict] = (),
    blank: int = 0,
    fronts=None,
) -> BasePlanItemFormSet:
    """Return the plan's row formset: `items` as initial forms, presets and blanks as extras."""
    formset = PlanItemFormSet(
        data, initial=list(items) or None, prefix="items", fronts=fronts, presets=presets
    )
    formset.extra = len(presets) + blank
    return formset


def item_initial(item: PlanItem) -> dict:
    return {
        "id": item.pk,
        "front": item.front_id,
        "month": item.month,
        "title": item.title,
        "form": item.form,
        "audience": item.audience,
        "expected_count": item.expected_count,
        "budget": item.budget,
        "budget_line": item.budget_line,
    }


# --- reports -------------------------------------------------------------------------------


class PlanItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanItem) -> str:
        return f"{obj.plan.year}年{obj.month}月 · {obj.front.name} · {obj.title}"


class ReportForm(KeepUploadsMixin, forms.ModelForm):
    fronts = forms.ModelMultipleChoiceField(
        label="所属方面",
        queryset=Front.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="可多选；本单位涉及的方面已标出。",
        error_messages={"required": "请至少选择一个所属方面。"},
    )
    plan_item = PlanItemChoiceField(
        label="对应年度计划",
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label="计划外活动（不对应年度计划）",
        help_text="落实年度计划中某项活动的，请选择该项。",
    )
    photos = MultipleFileField(
        label="现场照片",
        required=False,
        validator=FileValidator(*PHOTO_KINDS),
    )
    video = single_file_field("视频", VIDEO)
    documents = MultipleFileField(
        label="其他材料", required=False, validator=FileValidator(*DOCUMENT_KINDS)
    )

    class Meta:
        model = Report
        fields = ["fronts", *REPORT_FIELDS]
        widgets = {
            "kind": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "held_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 7}),
            "audience_count": forms.NumberInput(attrs={"min": "0"}),
        }

    def __init__(self, *args, fronts, plan_items, photos=(), attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fronts"].queryset = fronts
        self.fields["plan_item"].queryset = plan_items
        self.fields["held_on"].widget.attrs["max"] = clock.today().isoformat()
        self.fields["photos"].help_text = (
            f"可一次选择多张，最多 {MAX_PHOTOS} 张；{self.fields['photos'].help_text}。"
            "上传后自动去除拍摄地点等位置信息，HEIC 照片自动转为 JPEG。"
            "“活动”类信息提交时须至少有 1 张照片。"
        )
        self.fields[
            "video"
        ].help_text = f"仅限 MP4 格式，单个视频不超过 {VIDEO.max_mb} MB；重新上传会替换原视频。"
        self.fields["documents"].help_text = (
            f"如新闻稿、方案、签到表等，最多 {MAX_DOCUMENTS} 个；"
            f"{self.fields['documents'].help_text}。"
        )
        self.existing_photos = list(photos)
        self.existing_attachments = list(attachments)
        self.fields["remove_photos"] = forms.MultipleChoiceField(
            label="删除照片",
            required=False,
            choices=[(p.pk, p.original_name) for p in self.existing_photos],
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["remove_attachments"] = forms.MultipleChoiceField(
            label="删除附件",
            required=False,
            choices=[(a.pk, a.original_name) for a in self.existing_attachments],
            widget=forms.CheckboxSelectMultiple,
        )

    def clean_remove_photos(self):
        return [int(pk) for pk in self.cleaned_data["remove_photos"]]

    def clean_remove_attachments(self):
        return [int(pk) for pk in self.cleaned_data["remove_attachments"]]


class ReportFilterForm(forms.Form):
    """The filters of the report list and its export (all optional)."""

    year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None)
    unit = forms.ModelChoiceField(
        label="单位", queryset=None, required=False, empty_label="全部单位"
    )
    front = forms.ModelChoiceField(
        label="方面", queryset=Front.objects.all(), required=False, empty_label="全部方面"
    )
    kind = forms.ChoiceField(label="类别", required=False)
    state = forms.ChoiceField(label="状态", required=False)
    date_from = forms.DateField(label="活动日期自", required=False, widget=DateInput())
    date_to = forms.DateField(label="至", required=False, widget=DateInput())
    query = forms.CharField(label="关键词", required=False, max_length=50)

    def __init__(self, *args, units, years, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].choices = [("", "全部年度")] + [(y, f"{y}年") for y in years]
        self.fields["kind"].choices = [("", "全部类别"), *ReportKind.choices]
        self.fields["state"].choices = [("", "全部状态"), *REPORT_STATE_LABELS.items()]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("活动日期的起始日不能晚于截止日。")
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "year": data.get("year"),
            "unit": data.get("unit"),
            "front": data.get("front"),
            "kind": data.get("kind") or "",
            "state": data.get("state") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "query": (data.get("query") or "").strip(),
        }


class ReviewForm(forms.Form):
    """The office's decision on a plan or a report, with the labels of its chain."""

    expected_step = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="审核决定", widget=forms.RadioSelect)
    opinion = forms.CharField(
        label="意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回修改须写明需要修改的内容。",
    )

    def __init__(self, *args, labels: dict, step_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(a.value, label) for a, label in labels.items()]
        self.fields["decision"].initial = Action.APPROVE.value
        self.fields["expected_step"].initial = step_code


# --- registers -----------------------------------------------------------------------------


class EvacuationPlanForm(KeepUploadsMixin, forms.Form):
    compiled_on = forms.DateField(label="编制（修订）日期", widget=DateInput())
    file = single_file_field("方案文件", *REGISTER_FILE_KINDS, required=True)


class ReportChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Report) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.title}"


class SchoolDrillForm(forms.Form):
    held_on = forms.DateField(label="演练日期", widget=DateInput())
    participants = forms.IntegerField(label="参演人数", min_value=1, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)
    report = ReportChoiceField(
        label="关联活动信息", queryset=Report.objects.none(), required=False, empty_label="不关联"
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports


class CommunityExerciseForm(SchoolDrillForm):
    kind = forms.ChoiceField(
        label="类别", choices=ExerciseKind.choices, widget=forms.RadioSelect, initial="training"
    )
    field_order = ["kind", "held_on", "participants", "note", "report"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].label = "日期"
        self.fields["participants"].label = "参加人数"


class EnterpriseDrillForm(SchoolDrillForm):
    occasion = forms.ChoiceField(
        label="结合节点", choices=DrillOccasion.choices, initial=DrillOccasion.DEFENCE_DAY
    )
    field_order = ["held_on", "occasion", "participants", "note", "report"]


class EnterpriseGroupForm(forms.Form):
    has_group = forms.BooleanField(label="已成立工作小组", required=False)
    group_basis = forms.CharField(
        label="依托部门", max_length=60, required=False, help_text="如：人民武装部、安全生产部门。"
    )
    contact_name = forms.CharField(label="专人（负责人）", max_length=30, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)


class DatedFileForm(KeepUploadsMixin, forms.Form):
    compiled_on = forms.DateField(label="编制（修订）日期", widget=DateInput())
    file = single_file_field("方案文件", *REGISTER_FILE_KINDS, required=True)


class AirRaidPlanForm(DatedFileForm):
    file = single_file_field("方案文本（可不上传）", *REGISTER_FILE_KINDS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compiled_on"].label = "修订日期"


class CommunityPositionsForm(forms.Form):
    has_story_corridor = forms.BooleanField(label="故事长廊", required=False)
    has_micro_museum = forms.BooleanField(label="微展馆", required=False)
    has_experience_corner = forms.BooleanField(label="体验角", required=False)


class TeamMemberForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=TeamMemberKind.choices)
    name = forms.CharField(label="姓名", max_length=30)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)


class SchoolCourseForm(forms.Form):
    title = forms.CharField(label="课程", max_length=100)
    hours = forms.IntegerField(label="课时", min_value=1, max_value=200)
    note = forms.CharField(label="说明", max_length=200, required=False)


class PartySchoolCourseForm(forms.Form):
    title = forms.CharField(label="课程名称", max_length=100)
    class_name = forms.CharField(label="培训班次", max_length=100)
    hours = forms.IntegerField(label="课时", min_value=1, max_value=100, initial=2)
    speaker = forms.CharField(label="授课人", max_length=60, required=False)
    taught_on = forms.DateField(label="授课日期", widget=DateInput(), required=False)


class BaseVisitForm(forms.Form):
    visited_on = forms.DateField(label="参观日期", widget=DateInput())
    class_name = forms.CharField(label="培训班次", max_length=100)
    participants = forms.IntegerField(label="参观人数", min_value=1)
    base_name = forms.CharField(
        label="科普教育基地", max_length=100, required=False, initial="青浦区人防科普教育基地"
    )
    note = forms.CharField(label="说明", max_length=200, required=False)


class RegisterImportForm(KeepUploadsMixin, forms.Form):
    file = single_file_field(
        "Excel 文件",
        FileKind("XLSX", ("xlsx",), REGISTER_IMPORT_MAX_BYTES // (1024 * 1024)),
        required=True,
    )

    def __init__(self, *args, years=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        if years is not None:  # a sheet of one register year's records
            self.fields["year"] = forms.TypedChoiceField(
                label="台账年度",
                choices=[(y, f"{y}年") for y in years],
                coerce=int,
                initial=year,
                help_text="表中的日期须在该年度内。",
            )
            self.order_fields(["year", "file"])
