"""Writes of the 岗位之星 programme. Each runs in one transaction and refuses bad input with a
Chinese message before anything is written; approval state changes go through qpdo.workflow.
"""

from __future__ import annotations

import datetime
import gc
import io
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from campaigns.enums import ExchangeKind
from campaigns.models import Campaign, CompetitionEntry, Exchange
from campaigns.services import Speaker, check_open, exchange_save
from qpdo.documents.qr import verification_code
from qpdo.documents.uploads import (
    IMAGE_EXTENSIONS,
    atomic_with_files,
    clean_image,
    clean_photo,
    extension_of,
    file_size,
)
from qpdo.errors import Refused
from qpdo.jobs.models import Job
from qpdo.jobs.registry import JobOutput, JobRefused
from qpdo.jobs.services import job_request
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.dates import cn_date
from qpdo.org.enums import AuditAction, Education, Gender, PoliticalStatus, Role, UnitKind
from qpdo.org.models import Staff, Unit
from qpdo.org.scoping import display_name, user_unit, users_with_role
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

from . import rules, selectors
from .enums import (
    ACTIVITY_TEXT_MAX_CHARS,
    CITATION_MAX_CHARS,
    DEEDS_MAX_CHARS,
    NOMINEE_MAX_AGE,
    NOMINEE_MIN_AGE,
    PLAN_TEXT_MAX_CHARS,
    PUBLICITY_WORKING_DAYS,
    SCORE_MAX,
    SOURCES_OF_FORM,
    VISIT_TEXT_MAX_CHARS,
    YEARS_ON_POST_MAX,
    ActivityKind,
    Carrier,
    ObjectionResult,
    PlanMethod,
    PostForm,
    Source,
    Standard,
)
from .exports import NominationDocxExporter, NominationPdfExporter
from .models import (
    EVIDENCE_VALIDATOR,
    PHOTO_VALIDATOR,
    SUMMARY_VALIDATOR,
    ActivityEvidence,
    CultivationPlan,
    ImplementationActivity,
    Nomination,
    Objection,
    Post,
    PostCategory,
    PrintedCopy,
    Score,
    Star,
    StarYear,
    SummaryReport,
    SupervisionVisit,
)
from .text import count_chars, normalise_text, unprintable_chars

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.core.files.uploadedfile import UploadedFile

    from qpdo.workflow.models import Approval

POLITICAL_STATUS_LIST = "、".join(label for _, label in PoliticalStatus.choices)


def _star_year_locked(campaign: Campaign) -> StarYear:
    """Return the year's settings under a row lock: selections and announcement queue here."""
    star_year = StarYear.objects.select_for_update().filter(campaign=campaign).first()
    if star_year is None:
        raise ValidationError(f"尚未建立{campaign.year}年度“岗位之星”培树工作。")
    return star_year


def _refuse_if_announced(campaign: Campaign) -> None:
    star_year = StarYear.objects.filter(campaign=campaign).first()
    if star_year is not None and star_year.is_announced:
        raise ValidationError(f"{campaign.year}年度“岗位之星”已公布，不再受理申报或调整。")


# Cultivation plans ----------------------------------------------------------------------------

PLAN_FIELDS = ("focus", "method", "carriers", "standards", "arrangements", "deadline")


def _plan_clean(
    *,
    campaign: Campaign,
    focus: str,
    method: str | None,
    carriers: Sequence[str] | None,
    standards: str,
    arrangements: str,
    deadline: datetime.date | None,
) -> dict:
    errors: dict[str, str] = {}
    cleaned = {
        "focus": normalise_text(focus),
        "standards": normalise_text(standards),
        "arrangements": normalise_text(arrangements),
        "method": method or "",
        "carriers": list(dict.fromkeys(carriers or [])),
        "deadline": deadline,
    }
    for field, label in (("focus", "工作重点"), ("standards", "培树标准")):
        if not cleaned[field]:
            errors[field] = f"请填写{label}。"
    for field, label in (
        ("focus", "工作重点"),
        ("standards", "培树标准"),
        ("arrangements", "实施安排"),
    ):
        size = count_chars(cleaned[field])
        if size > PLAN_TEXT_MAX_CHARS:
            errors[field] = f"{label}不超过{PLAN_TEXT_MAX_CHARS}字，当前为{size}字。"
    if cleaned["method"] not in PlanMethod.values:
        errors["method"] = "请选择培树方式：比武竞赛、评选推荐，或两者相结合。"
    unknown = [c for c in cleaned["carriers"] if c not in Carrier.values]
    if unknown:
        errors["carriers"] = "活动载体只能从技能培训、知识学习、实际实操、风采展示中选择。"
    deadline = cleaned["deadline"]
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = "请填写完成时限。"
    elif not campaign.start <= deadline <= campaign.end:
        errors["deadline"] = (
            f"完成时限须在实践活动期间（{cn_date(campaign.start)}至{cn_date(campaign.end)}）。"
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def plan_create(
    *,
    acting_user: User,
    post: Post,
    focus: str = "",
    method: str | None = "",
    carriers: Sequence[str] | None = (),
    standards: str = "",
    arrangements: str = "",
    deadline: datetime.date | None = None,
) -> CultivationPlan:
    """Start the post's 培树工作实施计划 as a draft, for the post's responsible unit."""
    check_open(post.campaign)
    if not rules.may_file_plan(acting_user, post):
        raise Refused(f"“{post.name}”岗位的培树计划由{post.unit.name}制定。")
    cleaned = _plan_clean(
        campaign=post.campaign,
        focus=focus,
        method=method,
        carriers=carriers,
        standards=standards,
        arrangements=arrangements,
        deadline=deadline,
    )
    with transaction.atomic():
        if CultivationPlan.objects.select_for_update().filter(post=post).exists():
            raise ValidationError(f"“{post.name}”岗位已有培树工作实施计划，请在原计划上修改。")
        now = clock.now()
        plan = CultivationPlan(
            campaign=post.campaign, post=post, unit=post.unit, created_at=now, updated_at=now
        )
        for field in PLAN_FIELDS:
            setattr(plan, field, cleaned[field])
        return workflow.subject_create(plan, acting_user=acting_user)


def plan_update(
    *,
    acting_user: User,
    plan: CultivationPlan,
    focus: str = "",
    method: str | None = "",
    carriers: Sequence[str] | None = (),
    standards: str = "",
    arrangements: str = "",
    deadline: datetime.date | None = None,
) -> CultivationPlan:
    """Change a draft, returned or withdrawn plan."""
    with transaction.atomic():
        workflow.ensure_editable(plan)
        if not rules.may_edit_plan(acting_user, plan):
            raise Refused("只有本科室负责人可以修改该计划。")
        cleaned = _plan_clean(
            campaign=plan.campaign,
            focus=focus,
            method=method,
            carriers=carriers,
            standards=standards,
            arrangements=arrangements,
            deadline=deadline,
        )
        for field in PLAN_FIELDS:
            setattr(plan, field, cleaned[field])
        plan.updated_at = clock.now()
        plan.save()
        workflow.subject_refresh_title(plan)
    return plan


def plan_delete(*, acting_user: User, plan: CultivationPlan) -> None:
    """Delete a plan that was never submitted."""
    with transaction.atomic():
        if not rules.may_delete_plan(acting_user, plan):
            raise Refused("只能删除本科室尚未提交过的计划草稿。")
        workflow.subject_delete_draft(plan, acting_user=acting_user)


def plan_submit(*, acting_user: User, plan: CultivationPlan) -> Approval:
    """Submit the plan (科室提交) to the 机关党支部 for review."""
    return workflow.approval_submit(subject=plan, acting_user=acting_user)


# Summaries (培树工作总结) -----------------------------------------------------------------------


def summary_upload(
    *, acting_user: User, campaign: Campaign, upload: UploadedFile, note: str = ""
) -> SummaryReport:
    """Store the acting unit's 培树工作总结; the newest upload replaces the previous as current."""
    check_open(campaign)
    unit = user_unit(acting_user)
    responsible = set(selectors.responsible_units(campaign).values_list("pk", flat=True))
    if not rules.may_upload_summary(acting_user, unit, responsible):
        raise Refused("只有负责培树岗位的科室（机关党支部）可以报送培树工作总结。")
    if upload is None:
        raise ValidationError({"file": "请选择总结文件。"})
    SUMMARY_VALIDATOR(upload)
    note = " ".join((note or "").split())[:200]
    with atomic_with_files() as saved:
        report = SummaryReport(
            campaign=campaign,
            unit=unit,
            file_name=upload.name[:200],
            size=upload.size,
            note=note,
            uploaded_by=acting_user,
            uploaded_by_name=display_name(acting_user),
            uploaded_at=clock.now(),
        )
        saved.save(report.file, upload.name, upload)
        report.save()
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=report,
            detail=f"报送培树工作总结：{report.file_name}",
        )
    return report


# Nominations ----------------------------------------------------------------------------------

NOMINATION_FIELDS = (
    "post",
    "nominee",
    "name",
    "gender",
    "native_place",
    "political_status",
    "education",
    "birth_month",
    "years_on_post",
    "source",
    "competition_record",
    "deeds",
)
# What a complete 申报表 must hold before it is submitted (label as on 附表2).
REQUIRED_TO_SUBMIT = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("native_place", "籍贯"),
    ("political_status", "政治面貌"),
    ("education", "学历"),
    ("birth_month", "出生年月"),
    ("post", "工作岗位"),
    ("years_on_post", "在岗年限"),
    ("source", "产生方式"),
    ("deeds", "主要事迹"),
)


def _age_in(year: int, month: int, birth: datetime.date) -> int:
    return year - birth.year - (month < birth.month)


def nomination_clean(
    *, campaign: Campaign, unit, data: dict, instance: Nomination | None = None
) -> dict:
    """Return the 申报表 data checked against the programme's rules, or raise ValidationError by
    field. A draft may leave fields empty; what is filled in must be right."""
    errors: dict[str, str] = {}
    today = clock.today()
    cleaned = {field: data.get(field) for field in NOMINATION_FIELDS}
    # The form offers 比武 entries; the 申报表 keeps the 比武 (entries are re-created when its
    # results are saved again) and reads the nominee's result from it.
    entry = data.get("competition_entry")
    for field in ("name", "native_place"):
        cleaned[field] = " ".join(str(cleaned[field] or "").split())
    for field in ("gender", "political_status", "education", "source"):
        cleaned[field] = cleaned[field] or ""
    cleaned["deeds"] = normalise_text(cleaned["deeds"] or "")

    nominee = cleaned["nominee"]
    if not isinstance(nominee, Staff):
        errors["nominee"] = "请选择被推荐人。"
    elif nominee.unit_id != unit.pk or not nominee.is_active:
        errors["nominee"] = f"被推荐人须为本科室（{unit.name}）在职人员。"
    else:
        others = Nomination.objects.filter(campaign=campaign, nominee=nominee)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            errors["nominee"] = (
                f"{nominee.name}已有{campaign.year}年度申报表，同一人每年只能申报一次。"
            )
    if not cleaned["name"]:
        errors["name"] = "请填写姓名。"
    elif len(cleaned["name"]) > 30:
        errors["name"] = "姓名不超过30个字。"

    post = cleaned["post"]
    if post is not None and (not isinstance(post, Post) or post.campaign_id != campaign.pk):
        errors["post"] = f"所选工作岗位不在{campaign.year}年度12个培树岗位之中。"
        post = None
    if cleaned["gender"] and cleaned["gender"] not in Gender.values:
        errors["gender"] = "性别只能为男或女。"
    if cleaned["political_status"] and cleaned["political_status"] not in PoliticalStatus.values:
        errors["political_status"] = f"政治面貌须为{POLITICAL_STATUS_LIST}之一。"
    if cleaned["education"] and cleaned["education"] not in Education.values:
        errors["education"] = "请从列表中选择学历。"
    if len(cleaned["native_place"]) > 30:
        errors["native_place"] = "籍贯不超过30个字，例如“上海青浦”。"

    birth = cleaned["birth_month"]
    if birth is not None:
        birth = birth.replace(day=1)
        cleaned["birth_month"] = birth
        if (birth.year, birth.month) > (today.year, today.month):
            errors["birth_month"] = "出生年月不能晚于当前月份。"
        else:
            age = _age_in(campaign.year, 10, birth)
            if not NOMINEE_MIN_AGE <= age <= NOMINEE_MAX_AGE:
                errors["birth_month"] = (
                    f"按出生年月计算，被推荐人{campaign.year}年时{age}岁，"
                    f"应在{NOMINEE_MIN_AGE}至{NOMINEE_MAX_AGE}岁之间，请核对。"
                )
    years = cleaned["years_on_post"]
    if years is not None:
        if not isinstance(years, int) or not 0 <= years <= YEARS_ON_POST_MAX:
            errors["years_on_post"] = f"在岗年限须为0至{YEARS_ON_POST_MAX}之间的整数（年）。"
        elif birth is not None and "birth_month" not in errors:
            possible = max(0, _age_in(today.year, today.month, birth) - 16)
            if years > possible:
                errors["years_on_post"] = (
                    f"在岗年限{years}年超过了按出生年月推算的最长工作年限（{possible}年），请核对。"
                )

    source = cleaned["source"]
    if source and source not in Source.values:
        errors["source"] = "产生方式只能为比武竞赛或评选推荐。"
    elif source and post is not None and source not in SOURCES_OF_FORM[PostForm(post.form)]:
        errors["source"] = (
            f"“{post.name}”岗位的培树形式为{post.get_form_display()}，"
            f"不能以{Source(source).label}方式产生。"
        )
    cleaned["competition_record"] = None
    if source == Source.COMPETITION and entry is not None:
        if not isinstance(entry, CompetitionEntry) or (
            entry.competition.campaign_id != campaign.pk
        ):
            errors["competition_entry"] = f"所选比武成绩不在{campaign.year}年度的比武记录中。"
        elif isinstance(nominee, Staff) and entry.staff_id != nominee.pk:
            errors["competition_entry"] = (
                f"所选比武成绩属于{entry.staff.name}，不是被推荐人{nominee.name}的成绩。"
            )
        elif entry.score is None and not entry.award:
            errors["competition_entry"] = (
                f"“{entry.competition.title}”尚未登记{entry.staff.name}的成绩，"
                "请先在比武记录中登记成绩。"
            )
        else:
            cleaned["competition_record"] = entry.competition

    for field, label in (("name", "姓名"), ("native_place", "籍贯"), ("deeds", "主要事迹")):
        odd = unprintable_chars(cleaned[field])
        if odd and field not in errors:
            errors[field] = (
                f"{label}中含有申报表上无法打印的字符：{'、'.join(odd[:5])}"
                "（如表情符号），请删除或改用常用字。"
            )
    size = count_chars(cleaned["deeds"])
    if cleaned["deeds"] and size == 0 and "deeds" not in errors:
        # Only blanks or invisible characters (zero-width spaces, joiners): nothing to print.
        errors["deeds"] = "主要事迹不能只有空白或不可见的字符（如零宽空格），请填写事迹内容。"
    if size > DEEDS_MAX_CHARS:
        errors["deeds"] = (
            f"主要事迹须在{DEEDS_MAX_CHARS}字以内（不计空格和换行），当前为{size}字，"
            f"请删减{size - DEEDS_MAX_CHARS}字。"
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def nomination_missing(nomination: Nomination) -> list[tuple[str, str]]:
    """Return the (field, label) pairs a 申报表 still lacks before it can be submitted."""
    missing = []
    for field, label in REQUIRED_TO_SUBMIT:
        value = getattr(nomination, f"{field}_id" if field == "post" else field)
        if value is None or value == "":
            missing.append((field, label))
    if nomination.source == Source.COMPETITION and not (
        nomination.competition_record_id
        and CompetitionEntry.objects.filter(
            competition_id=nomination.competition_record_id, staff_id=nomination.nominee_id
        )
        .filter(Q(score__isnull=False) | ~Q(award=""))
        .exists()
    ):
        missing.append(("competition_entry", "比武成绩（从比武记录中选择）"))
    return missing


def nomination_check_complete(nomination: Nomination) -> None:
    """Raise ValidationError naming what a 申报表 lacks (the engine calls it on submit)."""
    missing = nomination_missing(nomination)
    if missing:
        raise ValidationError(
            f"申报表尚未填写完整，请填写：{'、'.join(label for _, label in missing)}。"
        )
    _refuse_if_announced(nomination.campaign)


def _store_photo(saved, nomination: Nomination, upload) -> list[str]:
    """Store a cleaned photo and its thumbnail; return the names of the files they replace."""
    PHOTO_VALIDATOR(upload)
    old = [name for name in (nomination.photo.name, nomination.photo_thumb.name) if name]
    cleaned, thumb = clean_photo(upload, max_side=1600, thumb_size=480)
    saved.save(nomination.photo, cleaned.name, cleaned)
    saved.save(nomination.photo_thumb, thumb.name, thumb)
    return old


def _delete_files_after_commit(storage, names: list[str]) -> None:
    for name in names:
        transaction.on_commit(lambda n=name: storage.delete(n))


def _nomination_write(
    saved,
    *,
    acting_user: User,
    nomination: Nomination | None,
    campaign: Campaign,
    data: dict,
    photo=None,
    remove_photo: bool = False,
) -> Nomination:
    unit = nomination.unit if nomination is not None else user_unit(acting_user)
    if nomination is None:
        if not rules.may_nominate(acting_user):
            raise Refused("只有各科室（中心）负责人可以填报“岗位之星”申报表。")
        _refuse_if_announced(campaign)
    else:
        workflow.ensure_editable(nomination)
        if not rules.may_edit_nomination(acting_user, nomination):
            raise Refused("只有本科室负责人可以修改该申报表。")
    cleaned = nomination_clean(campaign=campaign, unit=unit, data=data, instance=nomination)
    now = clock.now()
    created = nomination is None
    if created:
        nomination = Nomination(campaign=campaign, unit=unit, created_at=now)
    for field in NOMINATION_FIELDS:
        setattr(nomination, field, cleaned[field])
    if nomination.competition_record_id or nomination.source != Source.COMPETITION:
        nomination.competition_legacy = ""  # the 比武 record now answers for the result
    nomination.updated_at = now
    replaced: list[str] = []
    if photo:
        replaced = _store_photo(saved, nomination, photo)
    elif remove_photo:
        replaced = [n for n in (nomination.photo.name, nomination.photo_thumb.name) if n]
        nomination.photo = nomination.photo_thumb = ""
    if created:
        workflow.subject_create(nomination, acting_user=acting_user)
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=nomination,
            detail=f"填报岗位之星申报表：{nomination.name}",
        )
    else:
        nomination.save()
        workflow.subject_refresh_title(nomination)
    if replaced:
        _delete_files_after_commit(nomination.photo.storage, replaced)
    return nomination


def nomination_create(
    *,
    acting_user: User,
    campaign: Campaign,
    post: Post | None = None,
    nominee: Staff | None = None,
    name: str | None = "",
    gender: str | None = "",
    native_place: str | None = "",
    political_status: str | None = "",
    education: str | None = "",
    birth_month: datetime.date | None = None,
    years_on_post: int | None = None,
    source: str | None = "",
    competition_entry: CompetitionEntry | None = None,
    deeds: str | None = "",
    photo: UploadedFile | None = None,
    submit_opinion: str | None = None,
) -> Nomination:
    """Save a new 申报表 for the acting section head's own unit (a draft, or submitted with the
    section's opinion when `submit_opinion` is given). Nothing is kept if any step fails."""
    check_open(campaign)
    # The 申报表 as filled in, for nomination_clean (a draft may leave any of it empty).
    data = {
        "post": post,
        "nominee": nominee,
        "name": name,
        "gender": gender,
        "native_place": native_place,
        "political_status": political_status,
        "education": education,
        "birth_month": birth_month,
        "years_on_post": years_on_post,
        "source": source,
        "competition_entry": competition_entry,
        "deeds": deeds,
    }
    with atomic_with_files() as saved:
        nomination = _nomination_write(
            saved,
            acting_user=acting_user,
            nomination=None,
            campaign=campaign,
            data=data,
            photo=photo,
        )
        if submit_opinion is not None:
            nomination_submit(
                acting_user=acting_user, nomination=nomination, opinion=submit_opinion
            )
    return nomination


def nomination_update(
    *,
    acting_user: User,
    nomination: Nomination,
    post: Post | None = None,
    nominee: Staff | None = None,
    name: str | None = "",
    gender: str | None = "",
    native_place: str | None = "",
    political_status: str | None = "",
    education: str | None = "",
    birth_month: datetime.date | None = None,
    years_on_post: int | None = None,
    source: str | None = "",
    competition_entry: CompetitionEntry | None = None,
    deeds: str | None = "",
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
    submit_opinion: str | None = None,
) -> Nomination:
    """Change a draft, returned or withdrawn 申报表 (and submit it when asked)."""
    data = {
        "post": post,
        "nominee": nominee,
        "name": name,
        "gender": gender,
        "native_place": native_place,
        "political_status": political_status,
        "education": education,
        "birth_month": birth_month,
        "years_on_post": years_on_post,
        "source": source,
        "competition_entry": competition_entry,
        "deeds": deeds,
    }
    with atomic_with_files() as saved:
        nomination = _nomination_write(
            saved,
            acting_user=acting_user,
            nomination=nomination,
            campaign=nomination.campaign,
            data=data,
            photo=photo,
            remove_photo=remove_photo,
        )
        if submit_opinion is not None:
            nomination_submit(
                acting_user=acting_user, nomination=nomination, opinion=submit_opinion
            )
    return nomination


def nomination_delete(*, acting_user: User, nomination: Nomination) -> None:
    """Delete a 申报表 that was never submitted (with its photo)."""
    with transaction.atomic():
        if not rules.may_delete_nomination(acting_user, nomination):
            raise Refused("只能删除本科室尚未提交过的申报表草稿。")
        files = [n for n in (nomination.photo.name, nomination.photo_thumb.name) if n]
        storage = nomination.photo.storage
        workflow.subject_delete_draft(nomination, acting_user=acting_user)
        _delete_files_after_commit(storage, files)


def nomination_submit(*, acting_user: User, nomination: Nomination, opinion: str) -> Approval:
    """Submit the 申报表 and sign the 推荐科室意见 in one go (both or neither)."""
    if not (opinion or "").strip():
        raise ValidationError({"opinion": "请填写推荐科室意见。"})
    with transaction.atomic():
        workflow.approval_submit(subject=nomination, acting_user=acting_user)
        nomination.approval.refresh_from_db()
        return workflow.approval_decide(
            subject=nomination,
            acting_user=acting_user,
            decision=Action.APPROVE,
            opinion=opinion.strip(),
            expected_step="unit",
        )


# Scores and stars -----------------------------------------------------------------------------


def _score_value(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(f"“{label}”请填写0至{SCORE_MAX}之间的分数。") from None
    if not number.is_finite() or not 0 <= number <= SCORE_MAX:
        raise ValidationError(f"“{label}”须在0至{SCORE_MAX}分之间。")
    if number != number.quantize(Decimal("0.1")):
        raise ValidationError(f"“{label}”最多保留一位小数。")
    return number.quantize(Decimal("0.1"))


def score_save(
    *,
    acting_user: User,
    nomination: Nomination,
    political: Decimal | str | None,
    skill: Decimal | str | None,
    performance: Decimal | str | None,
    note: str = "",
) -> Score:
    """Record or change the acting 办党组 member's scores of a nominee on the three standards."""
    raw = {
        "political": (political, Standard.POLITICAL),
        "skill": (skill, Standard.SKILL),
        "performance": (performance, Standard.PERFORMANCE),
    }
    values = {}
    errors = {}
    for field, (value, standard) in raw.items():
        try:
            values[field] = _score_value(value, standard.label)
        except ValidationError as error:
            errors[field] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        star_year = _star_year_locked(nomination.campaign)
        if not rules.may_select(acting_user):
            raise Refused("只有办党组成员可以评分。")
        if star_year.is_announced:
            raise ValidationError(f"{star_year.year}年度“岗位之星”已公布，评分已结束。")
        nomination.approval.refresh_from_db()
        if not rules.is_scorable(nomination):
            raise ValidationError("该申报表尚未报送至办党组，暂不能评分。")
        now = clock.now()
        score, created = Score.objects.update_or_create(
            nomination=nomination,
            scorer=acting_user,
            defaults={
                **values,
                "note": " ".join((note or "").split())[:200],
                "scorer_name": display_name(acting_user),
                "updated_at": now,
            },
            create_defaults={
                **values,
                "note": " ".join((note or "").split())[:200],
                "scorer_name": display_name(acting_user),
                "created_at": now,
                "updated_at": now,
            },
        )
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=nomination,
            detail=f"{'评分' if created else '修改评分'}：{values['political']}/"
            f"{values['skill']}/{values['performance']}",
        )
    return score


def star_select(*, acting_user: User, nomination: Nomination, citation: str = "") -> Star:
    """Choose a nominee as a star; refuse beyond the year's quota and say why."""
    citation = normalise_text(citation)
    if count_chars(citation) > CITATION_MAX_CHARS:
        raise ValidationError(f"事迹简介不超过{CITATION_MAX_CHARS}字。")
    with transaction.atomic():
        star_year = _star_year_locked(nomination.campaign)
        if not rules.may_select(acting_user):
            raise Refused("只有办党组可以确定“岗位之星”。")
        if star_year.is_announced:
            raise ValidationError(f"{star_year.year}年度“岗位之星”已公布，不能再调整人选。")
        _refuse_if_publicized(star_year)
        nomination.approval.refresh_from_db()
        if not rules.is_selectable(nomination):
            raise ValidationError(
                f"{nomination.name}的申报表当前为“{nomination.approval.state_label}”："
                "只有推荐科室、办机关党支部、办党组三级意见均为同意的人选方可确定为“岗位之星”。"
            )
        if Star.objects.filter(nomination=nomination).exists():
            raise ValidationError(f"{nomination.name}已确定为“岗位之星”。")
        chosen = list(
            Star.objects.filter(campaign=nomination.campaign)
            .select_related("nomination")
            .order_by("selected_at", "id")
        )
        if len(chosen) >= star_year.quota:
            names = "、".join(star.nomination.name for star in chosen)
            raise ValidationError(
                f"{star_year.year}年度“岗位之星”名额为{star_year.quota}名，已确定{len(chosen)}名"
                f"（{names}），不能再确定第{len(chosen) + 1}名。"
                "如需调整，请先取消其中一名。"
            )
        star = Star.objects.create(
            campaign=nomination.campaign,
            nomination=nomination,
            citation=citation,
            selected_by=acting_user,
            selected_by_name=display_name(acting_user),
            selected_at=clock.now(),
        )
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=nomination,
            detail=f"确定为{star_year.year}年度“岗位之星”（{len(chosen) + 1}/{star_year.quota}）",
        )
    return star


def star_unselect(*, acting_user: User, star: Star) -> None:
    """Take a nominee off the list of stars before the announcement."""
    with transaction.atomic():
        star_year = _star_year_locked(star.campaign)
        if not rules.may_select(acting_user):
            raise Refused("只有办党组可以调整“岗位之星”人选。")
        if star_year.is_announced:
            raise ValidationError(f"{star_year.year}年度“岗位之星”已公布，不能再调整人选。")
        _refuse_if_publicized(star_year)
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=star.nomination,
            detail=f"取消{star_year.year}年度“岗位之星”人选",
        )
        star.delete()


def star_citation_set(*, acting_user: User, star: Star, citation: str) -> Star:
    """Change a star's 事迹简介 (shown on the 交流展示 page)."""
    citation = normalise_text(citation)
    if count_chars(citation) > CITATION_MAX_CHARS:
        raise ValidationError(f"事迹简介不超过{CITATION_MAX_CHARS}字。")
    with transaction.atomic():
        star_year = _star_year_locked(star.campaign)
        if not rules.may_edit_citation(acting_user):
            raise Refused("只有办党组或机关党支部可以修改事迹简介。")
        star.citation = citation
        star.save(update_fields=["citation"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=star.nomination,
            detail=f"修改{star_year.year}年度“岗位之星”事迹简介",
        )
    return star


def _refuse_if_publicized(star_year: StarYear) -> None:
    if star_year.is_publicized:
        raise ValidationError(
            f"{star_year.year}年度“岗位之星”人选正在公示（"
            f"{selectors.cn_date(star_year.publicity_starts_on)}至"
            f"{selectors.cn_date(star_year.publicity_ends_on)}），不能调整人选；"
            "如需调整，请先撤销公示。"
        )


def stars_publicize(
    *,
    acting_user: User,
    star_year: StarYear,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> StarYear:
    """Publish the chosen stars for a 公示 (default: from today, 5 working days)."""
    with transaction.atomic():
        locked = _star_year_locked(star_year.campaign)
        if not rules.may_select(acting_user):
            raise Refused("只有办党组可以发布“岗位之星”人选公示。")
        if locked.is_announced:
            raise ValidationError(f"{locked.year}年度“岗位之星”已公布，不再公示。")
        if locked.is_publicized:
            raise ValidationError(
                f"{locked.year}年度“岗位之星”人选已在公示（至"
                f"{selectors.cn_date(locked.publicity_ends_on)}）。"
            )
        chosen = selectors.stars_of(locked.campaign).count()
        if chosen != locked.quota:
            raise ValidationError(
                f"{locked.year}年度“岗位之星”名额为{locked.quota}名，目前已确定{chosen}名，"
                f"须确定满{locked.quota}名后方可公示。"
            )
        today = clock.today()
        starts_on = starts_on or today
        if starts_on < today:
            raise ValidationError("公示开始日期不能早于今天。")
        ends_on = ends_on or selectors.publicity_end(starts_on, PUBLICITY_WORKING_DAYS)
        if ends_on < starts_on:
            raise ValidationError("公示截止日期不能早于开始日期。")
        locked.publicity_starts_on, locked.publicity_ends_on = starts_on, ends_on
        locked.publicized_by = acting_user
        locked.save(update_fields=["publicity_starts_on", "publicity_ends_on", "publicized_by"])
        names = "、".join(s.nomination.name for s in selectors.stars_of(locked.campaign))
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=locked,
            detail=(
                f"公示{locked.year}年度“岗位之星”人选（{names}）："
                f"{selectors.cn_date(starts_on)}至{selectors.cn_date(ends_on)}"
            ),
        )
    return locked


def stars_publicity_withdraw(*, acting_user: User, star_year: StarYear, reason: str) -> StarYear:
    """Withdraw a 公示 (to change the chosen stars after an objection); objections stay."""
    reason = normalise_text(reason)
    with transaction.atomic():
        locked = _star_year_locked(star_year.campaign)
        if not rules.may_select(acting_user):
            raise Refused("只有办党组可以撤销“岗位之星”人选公示。")
        if locked.is_announced or not locked.is_publicized:
            raise ValidationError(f"{locked.year}年度“岗位之星”没有正在进行的公示。")
        if not reason:
            raise ValidationError("请填写撤销公示的原因。")
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=locked,
            detail=(
                f"撤销{locked.year}年度“岗位之星”人选公示（"
                f"{selectors.cn_date(locked.publicity_starts_on)}至"
                f"{selectors.cn_date(locked.publicity_ends_on)}）：{reason[:200]}"
            ),
        )
        locked.publicity_starts_on = locked.publicity_ends_on = None
        locked.publicized_by = None
        locked.save(update_fields=["publicity_starts_on", "publicity_ends_on", "publicized_by"])
    return locked


def objection_record(
    *,
    acting_user: User,
    star_year: StarYear,
    nomination: Nomination,
    received_on: datetime.date,
    raised_by: str,
    content: str,
) -> Objection:
    """Record an objection received during the 公示 (机关党支部 or 办党组)."""
    content, raised_by = normalise_text(content), " ".join((raised_by or "").split())
    with transaction.atomic():
        locked = _star_year_locked(star_year.campaign)
        if not rules.may_handle_objections(acting_user):
            raise Refused("只有机关党支部或办党组可以登记公示异议。")
        if not locked.is_publicized or locked.is_announced:
            raise ValidationError("只有公示期间（公布之前）可以登记公示异议。")
        errors = {}
        if not Star.objects.filter(campaign=locked.campaign, nomination=nomination).exists():
            errors["nomination"] = f"{nomination.name}不在公示的“岗位之星”人选之中。"
        if not isinstance(received_on, datetime.date):
            errors["received_on"] = "请填写收到日期。"
        elif not locked.publicity_starts_on <= received_on <= clock.today():
            errors["received_on"] = (
                f"收到日期须在公示开始（{selectors.cn_date(locked.publicity_starts_on)}）"
                "之后、不晚于今天。"
            )
        if not content:
            errors["content"] = "请填写反映内容。"
        elif count_chars(content) > 1000:
            errors["content"] = "反映内容不超过1000字。"
        if len(raised_by) > 60:
            errors["raised_by"] = "反映人不超过60个字。"
        if errors:
            raise ValidationError(errors)
        objection = Objection.objects.create(
            star_year=locked,
            nomination=nomination,
            received_on=received_on,
            raised_by=raised_by,
            content=content,
            recorded_by=acting_user,
            recorded_by_name=display_name(acting_user),
            recorded_at=clock.now(),
        )
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=nomination,
            detail=f"登记{locked.year}年度“岗位之星”公示异议（涉及{nomination.name}）",
        )
    return objection


def objection_handle(
    *, acting_user: User, objection: Objection, handling: str, result: str
) -> Objection:
    """Conclude an objection: what was checked and done, and the result (once)."""
    handling = normalise_text(handling)
    with transaction.atomic():
        locked = _star_year_locked(objection.star_year.campaign)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if not rules.may_handle_objections(acting_user):
            raise Refused("只有机关党支部或办党组可以办理公示异议。")
        if locked.is_announced:
            raise ValidationError(f"{locked.year}年度“岗位之星”已公布，不能再办理异议。")
        if objection.is_handled:
            raise ValidationError(
                f"该异议已由{objection.handled_by_name}于{selectors.cn_date(objection.handled_at)}办结。"
            )
        errors = {}
        if not handling:
            errors["handling"] = "请填写核查处理情况。"
        elif count_chars(handling) > 1000:
            errors["handling"] = "核查处理情况不超过1000字。"
        if result not in ObjectionResult.values:
            errors["result"] = "请选择处理结果。"
        if errors:
            raise ValidationError(errors)
        objection.handling, objection.result = handling, result
        objection.handled_by, objection.handled_by_name = acting_user, display_name(acting_user)
        objection.handled_at = clock.now()
        objection.save()
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=objection.nomination,
            detail=(
                f"办结{locked.year}年度“岗位之星”公示异议（涉及{objection.nomination.name}）："
                f"{objection.get_result_display()}"
            ),
        )
    return objection


def stars_announce(*, acting_user: User, star_year: StarYear, text: str = "") -> StarYear:
    """Announce the year's stars once exactly the quota is chosen; tell the office."""

    with transaction.atomic():
        locked = _star_year_locked(star_year.campaign)
        if not rules.may_select(acting_user):
            raise Refused("只有办党组可以公布“岗位之星”。")
        blockers = selectors.announce_blockers(locked)
        if blockers:
            raise ValidationError(blockers)
        stars = list(selectors.stars_of(locked.campaign))
        names = "、".join(f"{s.nomination.name}（{s.nomination.post.name}）" for s in stars)
        locked.announced_at = clock.now()
        locked.announced_by = acting_user
        locked.announcement = normalise_text(text)[:1000] or (
            f"经办党组研究，确定{names}为{locked.year}年度“岗位之星”。"
        )
        locked.save(update_fields=["announced_at", "announced_by", "announcement"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=locked,
            detail=f"公布{locked.year}年度“岗位之星”：{names}",
        )
        recipients = {
            u.pk: u
            for role in (Role.SECTION_HEAD, Role.PARTY_BRANCH, Role.PARTY_GROUP, Role.OFFICE_LEADER)
            for u in users_with_role(role)
        }
        for star in stars:
            account = star.nomination.nominee.user
            if account is not None and account.is_active:
                recipients[account.pk] = account
        url = reverse("stars:showcase") + f"?year={locked.year}"
        title = f"{locked.year}年度“岗位之星”已公布"
        body = locked.announcement
        transaction.on_commit(
            lambda: workflow.notify(list(recipients.values()), title=title, body=body, url=url)
        )
    return locked


# Printing and verification --------------------------------------------------------------------


def nomination_print_forms(
    *, acting_user: User, nominations: Sequence[Nomination], verify_url: Callable[[str], str]
) -> list[dict]:
    """Record a printed copy of each 申报表 and return what each printed form shows.

    `verify_url(code)` returns the portal link printed as a QR code.
    """
    forms = []
    nominations = selectors.with_competition_texts(nominations)
    with transaction.atomic():
        now = clock.now()
        for nomination in nominations:
            content = selectors.nomination_print_content(nomination)
            digest = selectors.content_digest(content)
            code = verification_code("stars.nomination", nomination.pk, digest)
            copy, created = PrintedCopy.objects.get_or_create(
                code=code,
                defaults={
                    "nomination": nomination,
                    "digest": digest,
                    "content": content,
                    "state_label": nomination.approval.state_label[:40],
                    "first_printed_at": now,
                    "first_printed_by": acting_user,
                    "last_printed_at": now,
                },
            )
            if not created:
                PrintedCopy.objects.filter(pk=copy.pk).update(
                    last_printed_at=now, times=copy.times + 1
                )
            forms.append(
                {
                    "nomination": nomination,
                    "fields": content["fields"],
                    "opinions": selectors.nomination_opinion_cells(nomination),
                    "code": code,
                    "code_display": f"{code[:5]}-{code[5:]}",
                    "verify_url": verify_url(code),
                    "is_draft": nomination.approval.round == 0,
                    "state_label": nomination.approval.state_label,
                    "is_late": selectors.nomination_submitted_late(nomination),
                }
            )
        audit_record(
            action=AuditAction.EXPORT,
            actor=acting_user,
            detail="打印岗位之星申报表："
            + "、".join(f"{n.name}（{n.pk}）" for n in nominations)[:1000],
        )
    return forms


BATCH_JOB = "stars.batch"
BATCH_CHUNK = 10  # forms per render: one document per chunk keeps fonts shared and shows progress
BATCH_FORMATS = {"pdf": "PDF", "docx": "Word"}


def batch_print_request(
    *,
    acting_user: User,
    campaign: Campaign,
    nominations: list[Nomination],
    label: str,
    base_url: str,
    fmt: str = "pdf",
) -> Job:
    """Queue a batch of 申报表 to be printed by a background worker as one PDF, or as one
    Word file (fmt="docx"), each form starting on a new page."""
    if not nominations:
        raise ValidationError("请至少选择一份申报表。")
    if fmt not in BATCH_FORMATS:
        raise ValidationError("请选择 PDF 或 Word 格式。")
    return job_request(
        kind=BATCH_JOB,
        label=label,
        params={
            "campaign": campaign.pk,
            "nominations": [n.pk for n in nominations],
            "base_url": base_url[:200],
            "format": fmt,
        },
        total=len(nominations),
        acting_user=acting_user,
    )


def batch_print_run(job: Job, progress) -> JobOutput:
    """Render a queued batch as one PDF, or one .docx (the handler of the stars.batch job)."""

    user = job.requested_by
    campaign = Campaign.objects.get(pk=job.params["campaign"])
    nominations = list(
        selectors.nomination_list_for(user=user, campaign=campaign)
        .filter(pk__in=job.params["nominations"])
        .order_by("post__number", "unit__order", "id")
    )
    if not nominations:
        raise JobRefused("所选申报表已不存在或您已无权查看。")
    base_url = job.params.get("base_url", "")
    verify = reverse("stars:verify")
    total = len(nominations)
    progress(0, total)
    if job.params.get("format") == "docx":
        forms = []
        for start in range(0, total, BATCH_CHUNK):
            chunk = nominations[start : start + BATCH_CHUNK]
            forms += nomination_print_forms(
                acting_user=user,
                nominations=chunk,
                verify_url=lambda code: f"{base_url}{verify}?code={code}",
            )
            progress(start + len(chunk), total)
        return JobOutput(
            filename=f"岗位之星申报表-{job.label}.docx",
            content=NominationDocxExporter(forms, title=job.label).render(),
            note=f"共 {total} 份申报表，每份另起一页，页码各自从 1 起",
        )
    writer = PdfWriter()
    for start in range(0, total, BATCH_CHUNK):
        chunk = nominations[start : start + BATCH_CHUNK]
        forms = nomination_print_forms(
            acting_user=user,
            nominations=chunk,
            verify_url=lambda code: f"{base_url}{verify}?code={code}",
        )
        data = NominationPdfExporter(forms, title=job.label).render()
        writer.append(PdfReader(io.BytesIO(data)))
        gc.collect()
        progress(start + len(chunk), total)
    out = io.BytesIO()
    writer.write(out)
    pages = len(writer.pages)
    return JobOutput(
        filename=f"岗位之星申报表-{job.label}.pdf",
        content=out.getvalue(),
        note=f"共 {pages} 页（{total} 份申报表，每份另起一页）",
    )


def export_record(*, acting_user: User, what: str) -> None:
    """Write the audit record of an Excel export."""
    audit_record(
        action=AuditAction.EXPORT,
        actor=acting_user,
        detail=f"导出：{what}",
    )


# --- copying the programme to another year --------------------------------------------------


def posts_copy(source: Campaign, target: Campaign) -> str:
    """Copy the year's posts (附表1), their categories and the number of stars.

    A step of `campaigns.services.campaign_copy` (the programme's copy hook): it runs in that
    service's transaction, whose audit record lists what each programme copied.
    """
    quota = StarYear.objects.filter(campaign=source).values_list("quota", flat=True).first()
    StarYear.objects.get_or_create(campaign=target, defaults={"quota": quota or 4})
    categories = {}
    for category in PostCategory.objects.filter(campaign=source).order_by("number"):
        categories[category.pk], _ = PostCategory.objects.get_or_create(
            campaign=target, number=category.number, defaults={"name": category.name}
        )
    existing = set(Post.objects.filter(campaign=target).values_list("number", flat=True))
    posts = [
        Post(
            campaign=target,
            category=categories[post.category_id],
            number=post.number,
            name=post.name,
            unit_id=post.unit_id,
            form=post.form,
        )
        for post in Post.objects.filter(campaign=source).order_by("number")
        if post.number not in existing
    ]
    Post.objects.bulk_create(posts)
    return f"培树岗位 {len(posts)} 个，名额 {quota or 4} 名"


# 交流展示 (11月上旬) -------------------------------------------------------------------------


def star_sharing_save(
    *,
    acting_user: User,
    star_year: StarYear,
    title: str | None = None,
    held_on: datetime.date | None = None,
    place: str | None = None,
    summary: str | None = None,
    speakers: Sequence[Speaker],
    photos: Sequence[UploadedFile] = (),
    remove_photos: Sequence[int] = (),
    exchange: Exchange | None = None,
) -> Exchange:
    """Record (or change) the year's 岗位之星 交流展示: date, place, speakers with their 体会
    (text or file) and photos, as a campaigns 交流展示 record of the stars' kind.

    The 机关党支部 records it; the speakers are the year's stars or nominees (of a submitted
    申报表). The record counts in each speaker's 个人实践档案 and shows on 风采展示.
    """
    if not rules.may_record_sharing(acting_user):
        raise Refused("“岗位之星”交流展示由机关党支部登记。")
    allowed = {staff.pk for staff in selectors.sharing_speakers(star_year)}
    strangers = [s.staff.name for s in speakers if s.staff.pk not in allowed]
    if strangers:
        raise ValidationError(
            {"speakers": f"{'、'.join(strangers)}不是{star_year.year}年度“岗位之星”或被推荐人。"}
        )
    if not speakers:
        raise ValidationError({"speakers": "请至少选择一名交流发言人。"})
    unit = user_unit(acting_user) or Unit.objects.filter(kind=UnitKind.PARTY_BRANCH).first()
    return exchange_save(
        acting_user=acting_user,
        campaign=star_year.campaign,
        kind=ExchangeKind.STAR_SHARING,
        title=title,
        held_on=held_on,
        place=place,
        unit=unit,
        summary=summary,
        people=speakers,
        photos=photos,
        remove_photos=remove_photos,
        exchange=exchange,
    )


# 组织实施: activities under the plans, the 机关党支部's 督查 -------------------------------


def _refuse_errors(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _in_year(campaign: Campaign, day, field: str, errors: dict, label: str) -> None:
    if day is None:
        errors[field] = f"请填写{label}。"
    elif day.year != campaign.year:
        errors[field] = f"{label}须在{campaign.year}年内。"
    elif day > clock.today():
        errors[field] = f"{label}不能晚于今天。"


def _activity_clean(*, campaign: Campaign, data: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned = {
        "held_on": data.get("held_on"),
        "kind": data.get("kind") or "",
        "title": " ".join((data.get("title") or "").split()),
        "people": " ".join((data.get("people") or "").split()),
        "headcount": data.get("headcount"),
        "summary": normalise_text(data.get("summary") or ""),
    }
    _in_year(campaign, cleaned["held_on"], "held_on", errors, "开展日期")
    if cleaned["kind"] not in ActivityKind.values:
        errors["kind"] = "请选择活动类型（培训、学习、实操、风采展示）。"
    if not cleaned["title"]:
        errors["title"] = "请填写活动名称。"
    elif len(cleaned["title"]) > 80:
        errors["title"] = "活动名称不超过80字。"
    if not cleaned["people"]:
        errors["people"] = "请填写参加人员。"
    elif len(cleaned["people"]) > 300:
        errors["people"] = "参加人员不超过300字。"
    if not cleaned["summary"]:
        errors["summary"] = "请填写活动情况。"
    elif count_chars(cleaned["summary"]) > ACTIVITY_TEXT_MAX_CHARS:
        errors["summary"] = f"活动情况不超过{ACTIVITY_TEXT_MAX_CHARS}字。"
    _refuse_errors(errors)
    return cleaned


def _store_activity_evidence(saved, activity, uploads, acting_user: User) -> int:
    count = 0
    for upload in uploads:
        EVIDENCE_VALIDATOR(upload)
        is_photo = extension_of(upload.name) in IMAGE_EXTENSIONS
        content = clean_image(upload) if is_photo else upload
        evidence = ActivityEvidence(
            activity=activity,
            original_name=upload.name[:200],
            size=file_size(content),
            is_photo=is_photo,
            uploaded_by=acting_user,
            uploaded_at=clock.now(),
        )
        saved.save(evidence.file, content.name, content)
        evidence.save()
        count += 1
    return count


def activity_record(
    *,
    acting_user: User,
    plan: CultivationPlan,
    held_on: datetime.date | None,
    kind: str,
    title: str,
    people: str,
    summary: str,
    headcount: int | None = None,
    files: Sequence[UploadedFile] = (),
) -> ImplementationActivity:
    """Record an activity carried out under the plan (培训、学习、实操、风采展示) with its
    evidence files and photos, for the plan's section."""
    check_open(plan.campaign)
    if not rules.may_record_activity(acting_user, plan):
        raise Refused(
            f"“{plan.post.name}”岗位的组织实施活动由{plan.unit.name}负责人在计划提交后登记。"
        )
    cleaned = _activity_clean(
        campaign=plan.campaign,
        data={
            "held_on": held_on,
            "kind": kind,
            "title": title,
            "people": people,
            "headcount": headcount,
            "summary": summary,
        },
    )
    with atomic_with_files() as saved:
        activity = ImplementationActivity.objects.create(
            campaign=plan.campaign,
            plan=plan,
            unit=plan.unit,
            recorded_by=acting_user,
            recorded_by_name=display_name(acting_user),
            recorded_at=clock.now(),
            **cleaned,
        )
        count = _store_activity_evidence(saved, activity, files, acting_user)
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=activity,
            detail=f"登记“{plan.post.name}”岗位组织实施活动：{activity}（佐证材料{count}个）",
        )
    return activity


def activity_delete(*, acting_user: User, activity: ImplementationActivity) -> None:
    """Delete a wrongly entered activity and, once committed, its files."""
    check_open(activity.campaign)
    if not rules.may_delete_activity(acting_user, activity):
        raise Refused("只有本科室负责人可以删除本科室登记的组织实施活动。")
    with transaction.atomic():
        evidence = list(activity.evidence.all())
        names = [e.file.name for e in evidence]
        storage = evidence[0].file.storage if evidence else None
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=activity,
            detail=f"删除组织实施活动：{activity}",
        )
        activity.delete()
        if storage is not None:
            _delete_files_after_commit(storage, names)


def _visit_clean(*, campaign: Campaign, data: dict) -> dict:
    errors: dict[str, str] = {}
    plan = data.get("plan")
    unit = data.get("unit")
    if plan is not None:
        if plan.campaign_id != campaign.pk:
            errors["plan"] = "所选实施计划不属于本年度。"
        elif unit is not None and unit.pk != plan.unit_id:
            errors["unit"] = "所选实施计划不是该科室的。"
        unit = plan.unit
    responsible = set(selectors.responsible_units(campaign).values_list("pk", flat=True))
    if unit is None:
        errors["unit"] = "请选择被督查的科室。"
    elif unit.pk not in responsible:
        errors["unit"] = "被督查科室须是负责培树岗位的科室。"
    cleaned = {
        "unit": unit,
        "plan": plan,
        "visited_on": data.get("visited_on"),
        "findings": normalise_text(data.get("findings") or ""),
        "follow_up_required": bool(data.get("follow_up_required")),
        "follow_up_request": normalise_text(data.get("follow_up_request") or ""),
        "follow_up_due": data.get("follow_up_due"),
    }
    _in_year(campaign, cleaned["visited_on"], "visited_on", errors, "督查日期")
    if not cleaned["findings"]:
        errors["findings"] = "请填写督查发现的情况。"
    elif count_chars(cleaned["findings"]) > VISIT_TEXT_MAX_CHARS:
        errors["findings"] = f"督查发现不超过{VISIT_TEXT_MAX_CHARS}字。"
    if cleaned["follow_up_required"]:
        if not cleaned["follow_up_request"]:
            errors["follow_up_request"] = "需要整改跟进的，请填写整改要求。"
        due = cleaned["follow_up_due"]
        if due is not None and cleaned["visited_on"] is not None and due < cleaned["visited_on"]:
            errors["follow_up_due"] = "整改时限不能早于督查日期。"
    else:
        cleaned["follow_up_request"] = ""
        cleaned["follow_up_due"] = None
    _refuse_errors(errors)
    return cleaned


def visit_record(
    *,
    acting_user: User,
    campaign: Campaign,
    unit: Unit | None,
    visited_on: datetime.date | None,
    findings: str,
    plan: CultivationPlan | None = None,
    follow_up_required: bool = False,
    follow_up_request: str = "",
    follow_up_due: datetime.date | None = None,
) -> SupervisionVisit:
    """Record a 督查 of a section's 培树工作 (a plan, or the whole section) by the 机关党支部."""
    check_open(campaign)
    if not rules.may_record_visit(acting_user):
        raise Refused("培树工作督查由机关党支部登记。")
    cleaned = _visit_clean(
        campaign=campaign,
        data={
            "unit": unit,
            "plan": plan,
            "visited_on": visited_on,
            "findings": findings,
            "follow_up_required": follow_up_required,
            "follow_up_request": follow_up_request,
            "follow_up_due": follow_up_due,
        },
    )
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            campaign=campaign,
            recorded_by=acting_user,
            recorded_by_name=display_name(acting_user),
            recorded_at=clock.now(),
            **cleaned,
        )
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=visit,
            detail=f"登记培树工作督查：{visit}"
            + ("（需整改跟进）" if visit.follow_up_required else ""),
        )
    return visit


def visit_follow_up_record(
    *, acting_user: User, visit: SupervisionVisit, done_on: datetime.date | None, note: str
) -> SupervisionVisit:
    """Record that the follow-up a visit asked for was done (date and what was done)."""
    check_open(visit.campaign)
    with transaction.atomic():
        visit = SupervisionVisit.objects.select_for_update().get(pk=visit.pk)
        if not visit.follow_up_required:
            raise Refused("该次督查没有整改要求。")
        if visit.follow_up_done_on is not None:
            raise Refused("该次督查的整改情况已登记。")
        if not rules.may_record_follow_up(acting_user, visit):
            raise Refused("整改情况由被督查科室负责人或机关党支部登记。")
        errors: dict[str, str] = {}
        note = normalise_text(note or "")
        if done_on is None:
            errors["done_on"] = "请填写整改完成日期。"
        elif done_on < visit.visited_on:
            errors["done_on"] = "整改完成日期不能早于督查日期。"
        elif done_on > clock.today():
            errors["done_on"] = "整改完成日期不能晚于今天。"
        if not note:
            errors["note"] = "请填写整改情况。"
        elif count_chars(note) > VISIT_TEXT_MAX_CHARS:
            errors["note"] = f"整改情况不超过{VISIT_TEXT_MAX_CHARS}字。"
        _refuse_errors(errors)
        visit.follow_up_done_on = done_on
        visit.follow_up_note = note
        visit.follow_up_by_name = display_name(acting_user)
        visit.save(update_fields=["follow_up_done_on", "follow_up_note", "follow_up_by_name"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=visit,
            detail=f"登记督查整改情况：{visit}（{cn_date(done_on)}完成）",
        )
    return visit
