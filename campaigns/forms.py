"""Forms of the campaign: they validate input; services apply the rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from qpdo.documents.forms import KeepUploadsMixin, MultipleFileField
from qpdo.org.models import Staff, Unit

from .enums import (
    MAX_EXCHANGE_PHOTOS,
    SECTION_EXCHANGE_KINDS,
    AppraisalKind,
    CompetitionLevel,
    FourQuestions,
    ItemKind,
    OutputKind,
    RecheckOutcome,
    TeamKind,
)
from .models import EVIDENCE_VALIDATOR, MINUTES_VALIDATOR, KeyTask, Milestone
from .models.exchange import PHOTO_VALIDATOR as EXCHANGE_PHOTO_VALIDATOR
from .services import campaign_preview

DATE = {"type": "date"}


def date_input():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class ByUnitIterator(forms.models.ModelChoiceIterator):
    """Offer people grouped by their unit (one <optgroup> per unit, in the units' order)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for obj in self.queryset.select_related("unit"):
            groups.setdefault(obj.unit.name, []).append(self.choice(obj))
        yield from groups.items()


class PersonField(forms.ModelChoiceField):
    iterator = ByUnitIterator

    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name}（{obj.position}）" if obj.position else obj.name


class PeopleField(forms.ModelMultipleChoiceField):
    iterator = ByUnitIterator

    def label_from_instance(self, obj: Staff) -> str:
        return obj.name


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class FilesField(MultipleFileField):
    """Several evidence files at once (工作痕迹), each checked by extension, size and content."""

    def __init__(self, *args, validator=EVIDENCE_VALIDATOR, **kwargs):
        kwargs.setdefault("help_text", validator.help_text + "，可多选")
        super().__init__(*args, validator=validator, **kwargs)


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class WorkItemForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=ItemKind.choices, initial=ItemKind.TASK)
    key_task = forms.ModelChoiceField(label="重点任务", queryset=KeyTask.objects.none())
    title = forms.CharField(label="事项名称", max_length=100)
    goal = forms.CharField(
        label="工作目标",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="目标化：这件事做到什么程度算完成。",
    )
    problem = forms.CharField(
        label="存在问题",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="整改事项填写：查摆出的问题。",
    )
    measures = forms.CharField(
        label="工作措施 / 整改措施",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rectify_mode = forms.ChoiceField(
        label="整改方式",
        required=False,
        choices=[("", "——（工作事项不填）"), ("immediate", "立行立改"), ("long_term", "长期整改")],
    )
    unit = UnitField(label="责任单位", queryset=Unit.objects.none())
    owner = PersonField(
        label="责任人", queryset=Staff.objects.none(), help_text="须为责任单位的人员。"
    )
    deadline = forms.DateField(label="完成时限", widget=date_input())
    recheck_on = forms.DateField(
        label="回头看日期",
        required=False,
        widget=date_input(),
        help_text="整改事项填写：销号后组织“回头看”的日期，届时提醒责任人。",
    )

    def __init__(self, *args, key_tasks, units, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_task"].queryset = key_tasks
        self.fields["unit"].queryset = units
        self.fields["owner"].queryset = owners
        self.helper = _helper()
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-4"), Column("key_task", css_class="col-md-8")),
            "title",
            "goal",
            "problem",
            "measures",
            Row(Column("unit"), Column("owner"), Column("rectify_mode")),
            Row(Column("deadline"), Column("recheck_on")),
        )


class MilestoneForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="节点内容", max_length=100, required=False)
    due_on = forms.DateField(label="节点日期", required=False, widget=date_input())


class BaseMilestoneFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or (not data.get("title") and not data.get("due_on")):
                if data.get("id"):
                    rows.append({"id": data["id"], "delete": True})
                continue
            if self.can_delete and data.get("DELETE"):
                if data.get("id"):
                    rows.append({"id": data["id"], "delete": True})
                continue
            rows.append(
                {
                    "id": data.get("id"),
                    "title": data.get("title") or "",
                    "due_on": data.get("due_on"),
                }
            )
        return rows


MilestoneFormSet = forms.formset_factory(
    MilestoneForm, formset=BaseMilestoneFormSet, extra=3, can_delete=True, max_num=20
)


def milestone_initial(milestones: list[Milestone]) -> list[dict]:
    return [{"id": m.pk, "title": m.title, "due_on": m.due_on} for m in milestones]


class ReportForm(KeepUploadsMixin, forms.Form):
    milestone = forms.ModelChoiceField(
        label="本次达到的节点",
        queryset=Milestone.objects.none(),
        required=False,
        empty_label="（不涉及节点）",
    )
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    text = forms.CharField(
        label="进展情况",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="做了什么、达到什么效果、下步怎么做。",
    )
    is_final = forms.BooleanField(
        label="已全部完成，申请核验（整改事项即申请销号）",
        required=False,
        help_text="须上传工作痕迹，核验通过后事项即为完成。",
    )
    files = FilesField(label="工作痕迹（佐证材料）")

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = milestones
        self.helper = _helper()


class RecheckForm(forms.Form):
    checked_on = forms.DateField(label="回头看日期", widget=date_input())
    outcome = forms.ChoiceField(
        label="结论", choices=RecheckOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="回头看情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_up_deadline = forms.DateField(
        label="再整改完成时限", required=False, widget=date_input(), help_text="问题反弹时填写。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class TeamForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=TeamKind.choices)
    name = forms.CharField(label="名称", max_length=60)
    key_task = forms.ModelChoiceField(
        label="重点任务", queryset=KeyTask.objects.none(), required=False
    )
    topic = forms.CharField(
        label="攻坚课题/任务", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    goals = forms.CharField(
        label="目标与成果要求",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    leader = PersonField(label="负责人", queryset=Staff.objects.none())
    members = PeopleField(
        label="成员",
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="可跨科室选择（按住 Ctrl 多选）。",
    )
    formed_on = forms.DateField(label="组建日期", widget=date_input())
    ends_on = forms.DateField(label="计划完成日期", required=False, widget=date_input())

    def __init__(self, *args, key_tasks, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_task"].queryset = key_tasks
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people
        self.helper = _helper()


class TeamOutputForm(KeepUploadsMixin, forms.Form):
    kind = forms.ChoiceField(label="成果类别", choices=OutputKind.choices)
    title = forms.CharField(label="成果名称", max_length=100)
    achieved_on = forms.DateField(label="形成日期", widget=date_input())
    description = forms.CharField(
        label="成果简介", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label="成果文件",
        required=False,
        validators=[EVIDENCE_VALIDATOR],
        help_text=EVIDENCE_VALIDATOR.help_text,
        widget=forms.FileInput(attrs={"accept": EVIDENCE_VALIDATOR.accept}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class PairForm(forms.Form):
    mentor = PersonField(label="带教人", queryset=Staff.objects.none(), help_text="业务骨干。")
    mentee = PersonField(
        label="被带教人", queryset=Staff.objects.none(), help_text="年轻干部职工。"
    )
    goals = forms.CharField(
        label="带教目标",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="传经验、带业务、帮思想、解难题：写明要达到的目标。",
    )
    starts_on = forms.DateField(label="带教开始", widget=date_input())
    ends_on = forms.DateField(label="带教结束", widget=date_input())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = people
        self.fields["mentee"].queryset = people
        self.helper = _helper()


class CheckInForm(forms.Form):
    held_on = forms.DateField(label="日期", widget=date_input())
    content = forms.CharField(
        label="带教内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label="下步安排", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class RotationForm(forms.Form):
    staff = PersonField(label="交流人员", queryset=Staff.objects.none())
    to_unit = UnitField(label="交流单位（本系统内）", queryset=Unit.objects.none(), required=False)
    to_name = forms.CharField(
        label="交流单位（系统外）",
        max_length=60,
        required=False,
        help_text="如市国动办、区应急管理局。",
    )
    post = forms.CharField(label="交流岗位", max_length=60)
    starts_on = forms.DateField(label="开始日期", widget=date_input())
    ends_on = forms.DateField(label="结束日期", widget=date_input())
    purpose = forms.CharField(
        label="锻炼目标", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary = forms.CharField(
        label="交流锻炼小结",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, people, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = people
        self.fields["to_unit"].queryset = units
        self.helper = _helper()


class CompetitionForm(forms.Form):
    title = forms.CharField(label="比武名称", max_length=100)
    discipline = forms.CharField(
        label="专业/岗位", max_length=40, help_text="如通信警报、潜力调查。"
    )
    level = forms.ChoiceField(label="层级", choices=CompetitionLevel.choices)
    organiser = forms.CharField(label="组织单位", max_length=60, initial="市国动办")
    held_on = forms.DateField(label="比武日期", widget=date_input())
    place = forms.CharField(label="地点", max_length=100, required=False)
    max_score = forms.DecimalField(label="满分", max_digits=6, decimal_places=2, initial=100)
    note = forms.CharField(
        label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class EntryForm(forms.Form):
    staff = PersonField(label="参赛人员", queryset=Staff.objects.none(), required=False)
    score = forms.DecimalField(label="成绩", max_digits=6, decimal_places=2, required=False)
    award = forms.CharField(label="获奖等次", max_length=30, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = people
        self.fields["staff"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["score"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["award"].widget.attrs["class"] = "form-control form-control-sm"


class BaseEntryFormSet(forms.BaseFormSet):
    def __init__(self, *args, people, **kwargs):
        self.people = people
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"people": self.people}

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("staff")
            and not form.cleaned_data.get("DELETE")
        ]


EntryFormSet = forms.formset_factory(
    EntryForm, formset=BaseEntryFormSet, extra=4, can_delete=True, max_num=100
)


class QuarterStarForm(forms.Form):
    """A 科室负责人 recommends one person of their own 科室 for a quarter."""

    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=())
    staff = PersonField(label="推荐人选", queryset=Staff.objects.none())
    deeds = forms.CharField(
        label="主要事迹",
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="写明本季度的突出表现和工作实绩，1500字以内。",
    )

    def __init__(self, *args, quarters, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.value, q.label) for q in quarters]
        self.fields["staff"].queryset = people
        self.helper = _helper()


class QuarterStarEditForm(forms.Form):
    deeds = forms.CharField(
        label="主要事迹", max_length=1500, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class DiscussionForm(KeepUploadsMixin, forms.Form):
    unit = UnitField(label="科室", queryset=Unit.objects.none())
    held_on = forms.DateField(label="日期", widget=date_input())
    place = forms.CharField(label="地点", max_length=100)
    host = PersonField(label="主持人", queryset=Staff.objects.none())
    participants = PeopleField(
        label="参加人员",
        queryset=Staff.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="按住 Ctrl 多选；主持人自动计入。",
    )
    questions = forms.MultipleChoiceField(
        label="对照内容", choices=FourQuestions.choices, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(
        label="讨论纪要", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    problems = forms.CharField(
        label="查摆问题", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label="整改措施", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label="纪要扫描件",
        required=False,
        validators=[MINUTES_VALIDATOR],
        help_text=MINUTES_VALIDATOR.help_text,
        widget=forms.FileInput(attrs={"accept": MINUTES_VALIDATOR.accept}),
    )

    def __init__(self, *args, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["host"].queryset = people
        self.fields["participants"].queryset = people
        self.helper = _helper()


class CopyForm(forms.Form):
    year = forms.IntegerField(label="新年度", min_value=2000, max_value=2100)
    doc_number = forms.CharField(label="文号", max_length=40, help_text="如 青国动〔2025〕X号。")
    name = forms.CharField(label="活动名称", max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class NewYearForm(forms.Form):
    """The new year's campaign: its heading, its period and every key date (shifted a year)."""

    doc_number = forms.CharField(
        label="文号", max_length=40, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    name = forms.CharField(
        label="活动名称", max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    start = forms.DateField(label="开始日期", widget=DATE_WIDGET)
    end = forms.DateField(label="结束日期", widget=DATE_WIDGET)

    def __init__(self, *args, source, year: int, **kwargs):
        preview = campaign_preview(source=source, year=year)
        kwargs["initial"] = {
            "doc_number": f"青国动〔{year}〕号",
            "name": source.name,
            "start": preview["start"],
            "end": preview["end"],
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.key_date_names: list[str] = []
        self._codes: dict[str, str] = {}
        for kd, shifted in preview["key_dates"]:
            name = f"kd_{kd.code}"
            self.fields[name] = forms.DateField(
                label=kd.title,
                initial=shifted,
                widget=DATE_WIDGET,
                help_text=f"{source.year}年：{kd.date:%Y-%m-%d}",
            )
            self.key_date_names.append(name)
            self._codes[name] = kd.code
        self.year = year

    def clean(self):
        cleaned = super().clean()
        for name in self.key_date_names:
            day = cleaned.get(name)
            if day is not None and abs(day.year - self.year) > 1:
                self.add_error(name, f"日期应在{self.year}年前后。")
        return cleaned

    def key_dates(self) -> dict:
        """Return the key dates the office changed (the others follow their rules)."""
        return {
            self._codes[name]: self.cleaned_data[name]
            for name in self.key_date_names
            if self.cleaned_data[name] != self.fields[name].initial
        }


class SheetForm(forms.Form):
    """Print a 清单 as of a day: which list, the day, the scope, the format."""

    kind = forms.ChoiceField(
        label="清单", choices=[(ItemKind.TASK, "工作清单"), (ItemKind.RECTIFICATION, "整改清单")]
    )
    as_of = forms.DateField(
        label="截至日期",
        widget=DATE_WIDGET,
        help_text="按该日结束时的记录（报告、核验、回头看）打印各事项当时的状态。",
    )
    unit = forms.ModelChoiceField(label="范围", queryset=Unit.objects.none(), required=False)
    format = forms.ChoiceField(
        label="格式", choices=[("xlsx", "Excel"), ("pdf", "PDF"), ("docx", "Word")]
    )

    def __init__(self, *args, units, whole_office: bool, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["unit"]
        field.queryset = units
        field.required = not whole_office
        field.empty_label = "全办" if whole_office else None
        self.fields["as_of"].initial = today
        for name in ("kind", "unit"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["as_of"].widget.attrs["class"] = "form-control form-control-sm"

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day > self.today:
            raise forms.ValidationError("截至日期不能晚于今天。")
        return day


class ExchangeForm(KeepUploadsMixin, forms.Form):
    """A section's 交流展示: kind, date, unit, people, summary, material and photos."""

    kind = forms.ChoiceField(
        label="类别", choices=[(k.value, k.label) for k in SECTION_EXCHANGE_KINDS]
    )
    title = forms.CharField(label="主题", max_length=100)
    held_on = forms.DateField(label="日期", widget=date_input())
    place = forms.CharField(label="地点", max_length=100, required=False)
    unit = UnitField(label="组织科室", queryset=Unit.objects.none())
    people = PeopleField(
        label="参加人员",
        queryset=Staff.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="交流发言、展示、观摩的人员，按住 Ctrl 多选；计入每人的个人实践档案。",
    )
    summary = forms.CharField(
        label="内容摘要",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="观摩了什么、展示了哪些成果、交流了哪些经验，3000字以内。",
    )
    material = forms.FileField(
        label="交流材料",
        required=False,
        validators=[EVIDENCE_VALIDATOR],
        help_text=EVIDENCE_VALIDATOR.help_text + "；修改时不选则保留原材料",
        widget=forms.FileInput(attrs={"accept": EVIDENCE_VALIDATOR.accept}),
    )
    photos = MultipleFileField(
        label="现场照片",
        validator=EXCHANGE_PHOTO_VALIDATOR,
        help_text=EXCHANGE_PHOTO_VALIDATOR.help_text
        + f"，可多选，每条最多 {MAX_EXCHANGE_PHOTOS} 张；保存时去除拍摄位置等信息",
    )
    remove_photos = forms.TypedMultipleChoiceField(
        label="删除照片",
        coerce=int,
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, units, people, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["people"].queryset = people
        if photos:
            self.fields["remove_photos"].choices = [(p.pk, p.original_name) for p in photos]
        else:
            del self.fields["remove_photos"]
        self.helper = _helper()  # the page's own <form> carries the fields (no nested form)


class AppraisalMarkForm(forms.Form):
    """A 办领导 or 办党组 member marks one person for 优秀等次 or 评先表彰, with the reason."""

    kind = forms.ChoiceField(
        label="推荐类别", choices=AppraisalKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="推荐理由",
        max_length=800,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="写明在活动中的突出表现和一贯表现，800字以内；作为推荐意见签署姓名和日期，"
        "提交办党组研究确定。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
