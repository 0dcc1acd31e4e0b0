"""Forms of the 岗位之星 programme. They read and check input; services apply the rules."""

from __future__ import annotations

import datetime
import re

from crispy_forms.helper import FormHelper
from django import forms

from campaigns.enums import MAX_EXCHANGE_PHOTOS
from campaigns.models import MINUTES_VALIDATOR as REFLECTION_VALIDATOR
from campaigns.models.exchange import PHOTO_VALIDATOR as EXCHANGE_PHOTO_VALIDATOR
from qpdo.documents.forms import KeepUploadsMixin, MultipleFileField
from qpdo.org.enums import Education, Gender, PoliticalStatus

from .enums import (
    ACTIVITY_TEXT_MAX_CHARS,
    CITATION_MAX_CHARS,
    DEEDS_MAX_CHARS,
    SCORE_MAX,
    STANDARD_TEXTS,
    VISIT_TEXT_MAX_CHARS,
    YEARS_ON_POST_MAX,
    ActivityKind,
    Carrier,
    ObjectionResult,
    PlanMethod,
    Source,
    Standard,
)
from .models import EVIDENCE_VALIDATOR, PHOTO_VALIDATOR, SUMMARY_VALIDATOR, Post
from .services import REQUIRED_TO_SUBMIT

POLITICAL_STATUS_LIST = "、".join(label for _, label in PoliticalStatus.choices)
YEAR_MONTH = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*$")


class MonthInput(forms.TextInput):
    """An <input type="month">: the browser offers year and month only (value 1990-03)."""

    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value


class YearMonthField(forms.CharField):
    """A year and month (出生年月), typed as 1990-03, 1990.3 or 1990年3月; stored as its 1st."""

    widget = MonthInput

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        text = super().to_python(value)
        if not text:
            return None
        match = YEAR_MONTH.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            raise forms.ValidationError("出生年月请按“1990-03”的格式填写年和月。", code="invalid")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def _choices(enum, empty: str = "请选择"):
    return [("", empty), *enum.choices]


def entry_label(entry) -> str:
    """Return a 比武 entry as offered on the 申报表: whose, which 比武, what result."""
    parts = [entry.award] if entry.award else []
    if entry.score is not None:
        parts.append(f"{entry.score.normalize():f}分")
    result = "，".join(parts) or "尚未登记成绩"
    return f"{entry.staff.name}：{entry.competition.title}（{result}）"


class EntrySelect(forms.Select):
    """A select whose options name the person they belong to (the page shows only the
    chosen nominee's entries; the server checks it again)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-staff"] = str(instance.staff_id)
        return option


class NominationForm(KeepUploadsMixin, forms.Form):
    """Every field of 附表2, the nominee it is about, how they emerged, and the section's
    opinion (needed only when the form is submitted)."""

    nominee = forms.ModelChoiceField(
        label="被推荐人",
        queryset=None,
        empty_label="请选择本科室人员",
        help_text="选择后自动带出人员档案中的信息，可核对修改。",
        error_messages={
            "required": "请选择被推荐人。",
            "invalid_choice": "被推荐人须为本科室在职人员。",
        },
    )
    name = forms.CharField(label="姓名", max_length=30)
    gender = forms.ChoiceField(
        label="性别",
        choices=_choices(Gender),
        required=False,
        error_messages={"invalid_choice": "性别只能为男或女。"},
    )
    native_place = forms.CharField(
        label="籍贯", max_length=30, required=False, help_text="例如：上海青浦"
    )
    political_status = forms.ChoiceField(
        label="政治面貌",
        choices=_choices(PoliticalStatus),
        required=False,
        error_messages={"invalid_choice": f"政治面貌须为{POLITICAL_STATUS_LIST}之一。"},
    )
    education = forms.ChoiceField(
        label="学历",
        choices=_choices(Education),
        required=False,
        error_messages={"invalid_choice": "请从列表中选择学历。"},
    )
    birth_month = YearMonthField(label="出生年月", required=False, help_text="只填年和月。")
    post = forms.TypedChoiceField(
        label="工作岗位",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "所选工作岗位不在本年度12个培树岗位之中。"},
    )
    years_on_post = forms.IntegerField(
        label="在岗年限",
        required=False,
        min_value=0,
        max_value=YEARS_ON_POST_MAX,
        help_text="单位：年",
        error_messages={
            "invalid": f"在岗年限须为0至{YEARS_ON_POST_MAX}之间的整数（年）。",
            "min_value": f"在岗年限须为0至{YEARS_ON_POST_MAX}之间的整数（年）。",
            "max_value": f"在岗年限须为0至{YEARS_ON_POST_MAX}之间的整数（年）。",
        },
    )
    source = forms.ChoiceField(
        label="产生方式",
        choices=Source.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="采取比武竞赛或评选推荐方式产生培树对象初步人选。",
        error_messages={"invalid_choice": "产生方式只能为比武竞赛或评选推荐。"},
    )
    competition_entry = forms.ModelChoiceField(
        label="比武成绩",
        queryset=None,
        required=False,
        empty_label="请选择被推荐人的比武成绩",
        widget=EntrySelect,
        help_text="成绩以“比武”记录为准：列出本科室人员本年度已登记的比武成绩；"
        "比武尚未登记的，请先由组织单位在“比武”中登记成绩。",
        error_messages={"invalid_choice": "所选比武成绩不是本科室人员本年度的比武成绩。"},
    )
    deeds = forms.CharField(
        label=f"主要事迹（{DEEDS_MAX_CHARS}字以内）",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 14, "data-count-max": DEEDS_MAX_CHARS, "data-counter": "deeds"}
        ),
        help_text="围绕政治素质过硬、业务技能精湛、工作实绩突出三条标准填写；空格和换行不计入字数。",
    )
    photo = forms.FileField(
        label="个人照片",
        required=False,
        validators=[PHOTO_VALIDATOR],
        help_text="用于“岗位之星”交流展示，可不上传。" + PHOTO_VALIDATOR.help_text + "。",
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_VALIDATOR.accept}),
    )
    remove_photo = forms.BooleanField(label="删除已上传的照片", required=False)
    opinion = forms.CharField(
        label="推荐科室意见",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="提交时由科室负责人签署，将印在申报表“推荐科室意见”栏。",
    )

    def __init__(
        self, *args, staff, posts, entries, submitting: bool = False, has_photo=False, **kw
    ):
        super().__init__(*args, **kw)
        self.submitting = submitting
        self.posts = {post.pk: post for post in posts}
        self.fields["competition_entry"].queryset = entries
        self.fields["competition_entry"].label_from_instance = entry_label
        self.fields["nominee"].queryset = staff
        self.fields["nominee"].label_from_instance = lambda s: (
            f"{s.name}（{s.position}）" if s.position else s.name
        )
        groups: dict[str, list] = {}
        for post in posts:
            groups.setdefault(post.category.name, []).append(
                (post.pk, f"{post.name}（{post.unit.display_name}负责）")
            )
        self.fields["post"].choices = [("", "请选择岗位"), *groups.items()]
        if not has_photo:
            del self.fields["remove_photo"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_post(self) -> Post | None:
        value = self.cleaned_data.get("post")
        if value is None:
            return None
        if value not in self.posts:
            raise forms.ValidationError("所选工作岗位不在本年度12个培树岗位之中。")
        return self.posts[value]

    def clean(self):
        cleaned = super().clean()
        if not self.submitting:
            return cleaned
        for field, label in REQUIRED_TO_SUBMIT:
            if field in self.errors:
                continue
            if cleaned.get(field) in (None, ""):
                self.add_error(field, f"提交前请填写{label}。")
        entry_field = "competition_entry"
        lacks_entry = not cleaned.get(entry_field) and entry_field not in self.errors
        if cleaned.get("source") == Source.COMPETITION and lacks_entry:
            self.add_error(entry_field, "以比武竞赛方式产生的，请从比武记录中选择比武成绩。")
        if not (cleaned.get("opinion") or "").strip():
            self.add_error("opinion", "提交时请填写推荐科室意见。")
        return cleaned


class SubmitForm(forms.Form):
    """The 推荐科室意见 signed when a finished 申报表 is submitted from its page."""

    opinion = forms.CharField(
        label="推荐科室意见",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写推荐科室意见。"},
    )


class PlanForm(forms.Form):
    focus = forms.CharField(
        label="工作重点",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="结合年度工作推进，针对该业务岗位特点明确培树工作重点。",
        error_messages={"required": "请填写工作重点。"},
    )
    method = forms.ChoiceField(
        label="培树方式",
        choices=PlanMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择培树方式。", "invalid_choice": "请选择培树方式。"},
    )
    carriers = forms.MultipleChoiceField(
        label="活动载体",
        choices=Carrier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "活动载体只能从技能培训、知识学习、实际实操、风采展示中选择。"
        },
    )
    standards = forms.CharField(
        label="培树标准",
        widget=forms.Textarea(attrs={"rows": 6}),
        initial="\n".join(f"{s.label}：{STANDARD_TEXTS[s]}" for s in Standard),
        error_messages={"required": "请填写培树标准。"},
    )
    arrangements = forms.CharField(
        label="实施安排",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="政策法规学习、业务技能培训、比武竞赛或评选推荐的时间安排。",
    )
    deadline = forms.DateField(
        label="完成时限",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写完成时限。", "invalid": "请填写正确的日期。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class SummaryUploadForm(KeepUploadsMixin, forms.Form):
    file = forms.FileField(
        label="培树工作总结",
        validators=[SUMMARY_VALIDATOR],
        help_text=SUMMARY_VALIDATOR.help_text + "。再次报送将替换为最新版本（历史版本保留）。",
        widget=forms.ClearableFileInput(attrs={"accept": SUMMARY_VALIDATOR.accept}),
        error_messages={"required": "请选择总结文件。"},
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _score_field(standard: Standard) -> forms.DecimalField:
    message = f"“{standard.label}”请填写0至{SCORE_MAX}之间的分数，最多一位小数。"
    return forms.DecimalField(
        label=standard.label,
        min_value=0,
        max_value=SCORE_MAX,
        max_digits=3,
        decimal_places=1,
        help_text=STANDARD_TEXTS[standard],
        widget=forms.NumberInput(attrs={"step": "0.1", "min": 0, "max": SCORE_MAX}),
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
            "max_digits": message,
            "max_decimal_places": message,
            "max_whole_digits": message,
        },
    )


class ScoreForm(forms.Form):
    political = _score_field(Standard.POLITICAL)
    skill = _score_field(Standard.SKILL)
    performance = _score_field(Standard.PERFORMANCE)
    note = forms.CharField(label="评语", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CitationForm(forms.Form):
    citation = forms.CharField(
        label="事迹简介",
        required=False,
        max_length=CITATION_MAX_CHARS * 2,
        widget=forms.Textarea(attrs={"rows": 3, "data-count-max": CITATION_MAX_CHARS}),
        help_text=f"交流展示时使用，{CITATION_MAX_CHARS}字以内；不填则取主要事迹开头。",
    )


class AnnounceForm(forms.Form):
    text = forms.CharField(
        label="公布说明",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不填则写明“经办党组研究，确定……为本年度“岗位之星”。”",
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="校验码",
        max_length=20,
        help_text="申报表页脚印有10位校验码，如 ABCDE-12345；也可用手机扫描二维码。",
        error_messages={"required": "请输入校验码。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class PublicizeForm(forms.Form):
    starts_on = forms.DateField(
        label="公示开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不填则从今天开始。",
        error_messages={"invalid": "请填写正确的日期。"},
    )
    ends_on = forms.DateField(
        label="公示截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不填则为5个工作日（不含周六、周日）。",
        error_messages={"invalid": "请填写正确的日期。"},
    )


class PublicityWithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写撤销公示的原因。"},
    )


class ObjectionForm(forms.Form):
    nomination = forms.ModelChoiceField(
        label="涉及人选",
        queryset=None,
        empty_label="请选择",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={
            "required": "请选择涉及的人选。",
            "invalid_choice": "所选人员不在公示的人选之中。",
        },
    )
    received_on = forms.DateField(
        label="收到日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写收到日期。", "invalid": "请填写正确的日期。"},
    )
    raised_by = forms.CharField(
        label="反映人", max_length=60, required=False, help_text="可不填（匿名反映）。"
    )
    content = forms.CharField(
        label="反映内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写反映内容。"},
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = nominations
        self.fields["nomination"].label_from_instance = lambda n: (
            f"{n.name}（{n.post.name}）" if n.post_id else n.name
        )


class ObjectionHandleForm(forms.Form):
    handling = forms.CharField(
        label="核查处理情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写核查处理情况。"},
    )
    result = forms.ChoiceField(
        label="处理结果",
        choices=ObjectionResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择处理结果。", "invalid_choice": "请选择处理结果。"},
    )


class SharingForm(KeepUploadsMixin, forms.Form):
    """The 岗位之星 交流展示 session: date, place, the speakers with their 体会, photos.

    One row per possible speaker (the year's stars first, then the nominees): a tick, the
    体会 as text and/or a file.
    """

    title = forms.CharField(label="主题", max_length=100)
    held_on = forms.DateField(
        label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label="地点", max_length=100)
    summary = forms.CharField(
        label="交流情况",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="交流会的议程、参加范围和反响，3000字以内。",
    )
    photos = MultipleFileField(
        label="现场照片",
        validator=EXCHANGE_PHOTO_VALIDATOR,
        help_text=EXCHANGE_PHOTO_VALIDATOR.help_text
        + f"，可多选，每场最多 {MAX_EXCHANGE_PHOTOS} 张；保存时去除拍摄位置等信息",
    )
    remove_photos = forms.TypedMultipleChoiceField(
        label="删除照片",
        coerce=int,
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates, photos=(), kept_files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.kept_files = kept_files or {}  # staff pk -> the 体会 file already handed in
        for staff in self.candidates:
            self.fields[f"speaker_{staff.pk}"] = forms.BooleanField(
                label=f"{staff.name}（{staff.unit.display_name}）"
                + ("★ 岗位之星" if getattr(staff, "is_star", False) else ""),
                required=False,
            )
            self.fields[f"reflection_{staff.pk}"] = forms.CharField(
                label="交流体会",
                max_length=3000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"file_{staff.pk}"] = forms.FileField(
                label="体会材料",
                required=False,
                validators=[REFLECTION_VALIDATOR],
                help_text=REFLECTION_VALIDATOR.help_text,
                widget=forms.FileInput(attrs={"accept": REFLECTION_VALIDATOR.accept}),
            )
        if photos:
            self.fields["remove_photos"].choices = [(p.pk, p.original_name) for p in photos]
        else:
            del self.fields["remove_photos"]

    def speaker_rows(self):
        """Return per candidate (staff, tick, 体会 text, 体会 file, the file already handed in)
        for the page."""
        return [
            (
                staff,
                self[f"speaker_{staff.pk}"],
                self[f"reflection_{staff.pk}"],
                self[f"file_{staff.pk}"],
                self.kept_files.get(staff.pk, ""),
            )
            for staff in self.candidates
        ]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"speaker_{s.pk}") for s in self.candidates):
            raise forms.ValidationError("请至少勾选一名交流发言人。")
        return cleaned

    def speakers(self):
        """Return the ticked speakers as (staff, 体会 text, 体会 file)."""
        return [
            (
                staff,
                self.cleaned_data.get(f"reflection_{staff.pk}") or "",
                self.cleaned_data.get(f"file_{staff.pk}"),
            )
            for staff in self.candidates
            if self.cleaned_data.get(f"speaker_{staff.pk}")
        ]


# 组织实施 and 督查 -------------------------------------------------------------------------------


def _date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": f"请填写{label}。", "invalid": "请填写正确的日期。"},
    )


class ActivityForm(KeepUploadsMixin, forms.Form):
    """An activity under a plan: date, kind, people, what was done, evidence files/photos."""

    held_on = _date_field("开展日期")
    kind = forms.ChoiceField(
        label="活动类型",
        choices=[("", "请选择"), *ActivityKind.choices],
        error_messages={"required": "请选择活动类型。"},
    )
    title = forms.CharField(
        label="活动名称",
        max_length=80,
        help_text="如：通信警报器维护保养专题培训。",
        error_messages={"required": "请填写活动名称。"},
    )
    people = forms.CharField(
        label="参加人员",
        max_length=300,
        help_text="参加的人员姓名，或“全科室××人”。",
        error_messages={"required": "请填写参加人员。"},
    )
    headcount = forms.IntegerField(label="参加人数", min_value=1, max_value=999, required=False)
    summary = forms.CharField(
        label="活动情况",
        max_length=ACTIVITY_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="做了什么、达到什么效果。培树工作总结引用这里的文字。",
        error_messages={"required": "请填写活动情况。"},
    )
    files = MultipleFileField(label="佐证材料（文件或照片）", validator=EVIDENCE_VALIDATOR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class VisitForm(forms.Form):
    """A 督查 of a section by the 机关党支部."""

    visited_on = _date_field("督查日期")
    unit = forms.ModelChoiceField(
        label="被督查科室",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择被督查的科室。", "invalid_choice": "请选择科室。"},
    )
    plan = forms.ModelChoiceField(
        label="督查的实施计划",
        queryset=None,
        required=False,
        empty_label="科室培树工作整体",
        help_text="不选则为对科室培树工作的整体督查。",
        error_messages={"invalid_choice": "所选实施计划不在本年度已提交的计划之中。"},
    )
    findings = forms.CharField(
        label="督查发现",
        max_length=VISIT_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写督查发现的情况。"},
    )
    follow_up_required = forms.BooleanField(label="需要整改跟进", required=False)
    follow_up_request = forms.CharField(
        label="整改要求",
        max_length=VISIT_TEXT_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up_due = _date_field("整改时限", required=False)

    def __init__(self, *args, units, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: (
            f"{p.post.name}（{p.unit.display_name}）"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False


class FollowUpForm(forms.Form):
    done_on = _date_field("整改完成日期")
    note = forms.CharField(
        label="整改情况",
        max_length=VISIT_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写整改情况。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
