"""Writes of the 六进 programme. Approval state changes go through qpdo.workflow only.

Each write runs in one transaction. Uploads are checked by content before anything is stored;
files stored by a write that does not commit are deleted again (`atomic_with_files`), and
files a committed write replaces or removes are deleted after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from campaigns.models import Campaign, KeyDate, Programme
from qpdo.documents.uploads import (
    FileValidator,
    atomic_with_files,
    clean_photo,
    file_size,
    messages_naming,
)
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.dates import cn_date
from qpdo.org.enums import AuditAction, UnitKind
from qpdo.org.models import Unit
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State

from . import imports, rules, selectors
from .chains import DECISION_LABELS
from .enums import (
    DOCUMENT_KINDS,
    MAX_DOCUMENTS,
    MAX_PHOTOS,
    PHOTO_KINDS,
    REGISTER_FILE_KINDS,
    VIDEO,
    AttachmentKind,
    ReportKind,
    TeamMemberKind,
)
from .keydates import RULES
from .models import (
    BaseVisit,
    Community,
    CommunityAirRaidPlan,
    CommunityExercise,
    CommunityTeamMember,
    Enterprise,
    EnterpriseDrill,
    EnterpriseDrillPlan,
    EvacuationPlan,
    Front,
    PartySchoolAgreement,
    PartySchoolCourse,
    Plan,
    PlanItem,
    Report,
    ReportAttachment,
    ReportPhoto,
    School,
    SchoolCourse,
    SchoolDrill,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db import models

    from qpdo.jobs.models import Job
    from qpdo.workflow.models import Approval

PHOTO_VALIDATOR = FileValidator(*PHOTO_KINDS)
VIDEO_VALIDATOR = FileValidator(VIDEO)
DOCUMENT_VALIDATOR = FileValidator(*DOCUMENT_KINDS)
REGISTER_FILE_VALIDATOR = FileValidator(*REGISTER_FILE_KINDS)
# How far back an activity may lie (catches a mistyped year).
REPORT_YEARS_BACK = 3


# --- key dates and fronts (reference data) ---------------------------------------------------


@transaction.atomic
def key_dates_sync(*, campaign: Campaign) -> list[KeyDate]:
    """Store the campaign year's 六进 key dates from their rules.

    A fixed rule (全民国防教育日, the third Saturday of September) is rewritten when it
    differs; a default (the plan's due date, the 防空警报试鸣 day) is only added when missing,
    so a date the office set stays as it is.
    """
    stored = {kd.code: kd for kd in KeyDate.objects.filter(campaign=campaign)}
    result = []
    for rule in RULES:
        date = rule.compute(campaign.year)
        key_date = stored.get(rule.code)
        if key_date is None:
            key_date = KeyDate.objects.create(
                campaign=campaign,
                code=rule.code,
                date=date,
                title=rule.title,
                programme=Programme.OUTREACH,
                is_deadline=rule.is_deadline,
                note=rule.note,
            )
        elif rule.fixed and key_date.date != date:
            key_date.date = date
            key_date.save(update_fields=["date"])
        result.append(key_date)
    return result


@transaction.atomic
def fronts_load(rows: Iterable[dict]) -> list[Front]:
    """Create or update the fronts (reference data) with their responsible units."""
    units = {u.code: u for u in Unit.objects.all()}
    fronts = []
    for order, row in enumerate(rows, start=1):
        row = dict(row)
        unit_codes = row.pop("units", [])
        missing = [code for code in unit_codes if code not in units]
        if missing:
            raise ValueError(f"“六进”方面 {row['code']} 的涉及单位不存在：{missing}")
        front, _ = Front.objects.update_or_create(
            code=row.pop("code"), defaults={"order": order * 10, **row}
        )
        front.units.set([units[code] for code in unit_codes])
        fronts.append(front)
    return fronts


# --- annual plans --------------------------------------------------------------------------

PLAN_FIELDS = ("goals", "measures", "contact_name", "contact_phone")
ITEM_FIELDS = (
    "front",
    "month",
    "title",
    "form",
    "audience",
    "expected_count",
    "budget",
    "budget_line",
)


def plan_years_open(today: datetime.date | None = None) -> list[int]:
    """Return the years a plan may be filed for: recent years and the next one."""
    today = today or clock.today()
    return list(range(today.year + 1, today.year - REPORT_YEARS_BACK, -1))


def _validate_items(items: Sequence[dict]) -> None:
    errors = []
    for number, item in enumerate(items, start=1):
        if not 1 <= int(item.get("month") or 0) <= 12:
            errors.append(f"第 {number} 项计划活动的月份应为 1—12。")
        if item.get("budget") is not None and item["budget"] < 0:
            errors.append(f"第 {number} 项计划活动的经费预算不能为负数。")
    if errors:
        raise ValidationError(errors)


def _save_items(plan: Plan, items: Sequence[dict]) -> None:
    """Replace the plan's items by `items` (an item with an "id" is updated in place)."""
    _validate_items(items)
    current = {item.pk: item for item in plan.items.all()}
    keep = set()
    for order, data in enumerate(items, start=1):
        item = current.get(data.get("id")) or PlanItem(plan=plan)
        for key in ITEM_FIELDS:
            setattr(item, key, data.get(key))
        item.order = order
        item.save()
        keep.add(item.pk)
    for pk, item in current.items():
        if pk in keep:
            continue
        try:
            with transaction.atomic():
                item.delete()
        except ProtectedError as error:
            raise ValidationError(
                f"计划活动“{item.title}”已有活动信息对应，不能删除；可修改其内容。"
            ) from error


@transaction.atomic
def plan_create(
    *,
    acting_user: User,
    year: int,
    goals: str = "",
    measures: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    items: Sequence[dict],
) -> Plan:
    """Create a draft plan of the acting 填报员's unit for a year."""
    unit = rules.reporting_unit(acting_user)
    if unit is None:
        raise Refused("只有区国动办、各街镇和区国动委成员单位的填报员可以填报年度计划。")
    if year not in plan_years_open():
        raise ValidationError({"year": f"不能填报{year}年度的计划。"})
    if Plan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": f"本单位已有{year}年度的计划，请打开原计划修改。"})
    plan = Plan(
        unit=unit,
        year=year,
        goals=goals,
        measures=measures,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    workflow.subject_create(plan, acting_user=acting_user)
    _save_items(plan, items)
    return plan


@transaction.atomic
def plan_update(
    *,
    acting_user: User,
    plan: Plan,
    goals: str = "",
    measures: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    items: Sequence[dict],
) -> Plan:
    """Change a draft or returned plan and its items; a submitted plan is refused."""
    workflow.ensure_editable(plan)
    if not rules.may_edit_plan(acting_user, plan):
        raise Refused("只有本单位填报员可以修改该计划。")
    plan.goals, plan.measures = goals, measures
    plan.contact_name, plan.contact_phone = contact_name, contact_phone
    plan.save()
    _save_items(plan, items)
    workflow.subject_refresh_title(plan)
    audit_record(
        action=AuditAction.CHANGE, actor=acting_user, target=plan, detail=f"修改年度计划：{plan}"
    )
    return plan


def plan_check_complete(plan: Plan) -> None:
    """Refuse to hand in a plan without an activity for each front the unit is responsible for."""
    planned = set(plan.items.values_list("front_id", flat=True))
    if not planned:
        raise ValidationError("计划中还没有安排任何活动，请至少填写一项计划活动。")
    missing = [f.name for f in selectors.fronts_of_unit(plan.unit) if f.pk not in planned]
    if missing:
        raise ValidationError(
            f"按照通知，本单位涉及{'、'.join(missing)}，计划中尚未安排相应活动，请补充后再提交。"
        )


def plan_submit(*, acting_user: User, plan: Plan) -> Approval:
    """Hand the plan in (单位提交): it goes to 宣教审核."""
    return workflow.approval_submit(subject=plan, acting_user=acting_user)


# --- activity reports ----------------------------------------------------------------------

REPORT_FIELDS = (
    "kind",
    "title",
    "held_on",
    "place",
    "organiser",
    "participants",
    "audience_count",
    "content",
    "plan_item",
)


def report_validate(
    *,
    unit: Unit,
    kind: str,
    held_on: datetime.date | None,
    audience_count: int | None,
    plan_item: PlanItem | None,
    fronts: Sequence[Front],
) -> None:
    """Raise a ValidationError (by field) when a report breaks the programme's rules."""
    errors: dict[str, list[str]] = {}
    today = clock.today()
    if held_on is not None and held_on > today:
        errors.setdefault("held_on", []).append(
            f"活动日期不能晚于今天（{cn_date(today)}）：活动结束后再报送信息。"
        )
    elif held_on is not None and held_on.year < today.year - REPORT_YEARS_BACK:
        errors.setdefault("held_on", []).append("活动日期过早，请核对年份。")
    if not fronts:
        errors.setdefault("fronts", []).append("请至少选择一个所属方面。")
    if kind == ReportKind.ACTIVITY and not audience_count:
        errors.setdefault("audience_count", []).append("活动类信息请填写参加人数。")
    item = plan_item
    if item is not None:
        if item.plan.unit_id != unit.pk:
            errors.setdefault("plan_item", []).append("所选计划活动不属于本单位。")
        elif held_on is not None and item.plan.year != held_on.year:
            errors.setdefault("plan_item", []).append(
                f"所选计划活动属于{item.plan.year}年度计划，与活动日期的年度不一致。"
            )
        elif fronts and item.front_id not in {f.pk for f in fronts}:
            errors.setdefault("fronts", []).append(
                f"所选计划活动属于“{item.front.name}”，请在所属方面中勾选。"
            )
    if errors:
        raise ValidationError(errors)


def _check_uploads(photos, video, documents, *, photo_total: int, document_total: int) -> None:
    errors: dict[str, list[str]] = {}
    for field_name, validator, files in (
        ("photos", PHOTO_VALIDATOR, photos),
        ("video", VIDEO_VALIDATOR, [video] if video else []),
        ("documents", DOCUMENT_VALIDATOR, documents),
    ):
        for upload in files:
            try:
                validator(upload)
            except ValidationError as error:
                errors.setdefault(field_name, []).extend(messages_naming(upload, error))
    if photo_total > MAX_PHOTOS:
        errors.setdefault("photos", []).append(f"每条活动信息最多 {MAX_PHOTOS} 张照片。")
    if document_total > MAX_DOCUMENTS:
        errors.setdefault("documents", []).append(f"每条活动信息最多 {MAX_DOCUMENTS} 个文档。")
    if errors:
        raise ValidationError(errors)


def _store_photos(saved, report: Report, photos, start: int) -> None:
    for offset, upload in enumerate(photos):
        try:
            cleaned, thumbnail = clean_photo(upload)
        except ValidationError as error:
            raise ValidationError({"photos": messages_naming(upload, error)}) from error
        photo = ReportPhoto(report=report, original_name=upload.name[:200], order=start + offset)
        saved.save(photo.image, cleaned.name, cleaned)
        saved.save(photo.thumbnail, thumbnail.name, thumbnail)
        photo.save()


def _store_attachment(saved, report: Report, kind: AttachmentKind, upload) -> None:
    attachment = ReportAttachment(
        report=report, kind=kind, original_name=upload.name[:200], size=file_size(upload)
    )
    saved.save(attachment.file, upload.name, upload)
    attachment.save()


def _delete_after_commit(*field_files) -> None:
    for field_file in field_files:
        if field_file:
            storage, name = field_file.storage, field_file.name
            transaction.on_commit(lambda s=storage, n=name: s.delete(n))


def report_create(
    *,
    acting_user: User,
    kind: str,
    title: str,
    held_on: datetime.date,
    place: str,
    organiser: str,
    participants: str,
    audience_count: int | None,
    content: str,
    plan_item: PlanItem | None = None,
    fronts: Sequence[Front],
    photos: Sequence = (),
    video: UploadedFile | None = None,
    documents: Sequence = (),
) -> Report:
    """Create a draft report of the acting 填报员's unit with its photos, video and documents."""
    unit = rules.reporting_unit(acting_user)
    if unit is None:
        raise Refused("只有区国动办、各街镇和区国动委成员单位的填报员可以报送活动信息。")
    report_validate(
        unit=unit,
        kind=kind,
        held_on=held_on,
        audience_count=audience_count,
        plan_item=plan_item,
        fronts=fronts,
    )
    _check_uploads(photos, video, documents, photo_total=len(photos), document_total=len(documents))
    with atomic_with_files() as saved:
        report = Report(
            unit=unit,
            kind=kind,
            title=title,
            held_on=held_on,
            place=place,
            organiser=organiser,
            participants=participants,
            audience_count=audience_count,
            content=content,
            plan_item=plan_item,
        )
        workflow.subject_create(report, acting_user=acting_user)
        report.fronts.set(fronts)
        _store_photos(saved, report, photos, start=1)
        if video:
            _store_attachment(saved, report, AttachmentKind.VIDEO, video)
        for upload in documents:
            _store_attachment(saved, report, AttachmentKind.DOCUMENT, upload)
    return report


def report_update(
    *,
    acting_user: User,
    report: Report,
    kind: str,
    title: str,
    held_on: datetime.date,
    place: str,
    organiser: str,
    participants: str,
    audience_count: int | None,
    content: str,
    plan_item: PlanItem | None = None,
    fronts: Sequence[Front],
    photos: Sequence = (),
    video: UploadedFile | None = None,
    documents: Sequence = (),
    remove_photos: Iterable[int] = (),
    remove_attachments: Iterable[int] = (),
) -> Report:
    """Change a draft or returned report; new files are added, chosen ones removed.

    A new video replaces the one there was.
    """
    workflow.ensure_editable(report)
    if not rules.may_edit_report(acting_user, report):
        raise Refused("只有本单位填报员可以修改该活动信息。")
    report_validate(
        unit=report.unit,
        kind=kind,
        held_on=held_on,
        audience_count=audience_count,
        plan_item=plan_item,
        fronts=fronts,
    )
    removed_photos = list(report.photos.filter(pk__in=list(remove_photos)))
    removed_files = list(report.attachments.filter(pk__in=list(remove_attachments)))
    if video:
        removed_files += [
            a
            for a in report.attachments.filter(kind=AttachmentKind.VIDEO)
            if a not in removed_files
        ]
    kept_photos = report.photos.count() - len(removed_photos)
    kept_documents = report.attachments.filter(kind=AttachmentKind.DOCUMENT).exclude(
        pk__in=[a.pk for a in removed_files]
    )
    _check_uploads(
        photos,
        video,
        documents,
        photo_total=kept_photos + len(photos),
        document_total=kept_documents.count() + len(documents),
    )
    with atomic_with_files() as saved:
        report.kind, report.title, report.held_on = kind, title, held_on
        report.place, report.organiser, report.participants = place, organiser, participants
        report.audience_count, report.content = audience_count, content
        report.plan_item = plan_item
        report.save()
        report.fronts.set(fronts)
        for photo in removed_photos:
            _delete_after_commit(photo.image, photo.thumbnail)
            photo.delete()
        for attachment in removed_files:
            _delete_after_commit(attachment.file)
            attachment.delete()
        last = max((p.order for p in report.photos.all()), default=0)
        _store_photos(saved, report, photos, start=last + 1)
        if video:
            _store_attachment(saved, report, AttachmentKind.VIDEO, video)
        for upload in documents:
            _store_attachment(saved, report, AttachmentKind.DOCUMENT, upload)
        workflow.subject_refresh_title(report)
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=report,
            detail=(
                f"修改活动信息：{report}（新增照片 {len(photos)} 张、文档 {len(documents)} 个，"
                f"删除照片 {len(removed_photos)} 张、附件 {len(removed_files)} 个）"
            ),
        )
    return report


def report_check_complete(report: Report) -> None:
    """Refuse to hand in a report that misses what the office needs to adopt it."""
    problems = []
    if not report.fronts.exists():
        problems.append("请至少选择一个所属方面")
    if report.held_on > clock.today():
        problems.append("活动日期不能晚于今天")
    if report.kind == ReportKind.ACTIVITY and not report.photos.exists():
        problems.append("活动类信息请至少上传 1 张现场照片")
    if problems:
        raise ValidationError([f"{p}。" for p in problems])


def report_submit(*, acting_user: User, report: Report) -> Approval:
    """Hand the report in (单位提交): it goes to 宣教审核."""
    return workflow.approval_submit(subject=report, acting_user=acting_user)


def report_delete_draft(*, acting_user: User, report: Report) -> None:
    """Delete a never-submitted draft of the user's own unit, with its files."""
    if not rules.may_delete_report(acting_user, report):
        raise Refused("只能删除本单位尚未提交过的草稿。")
    with transaction.atomic():
        for photo in report.photos.all():
            _delete_after_commit(photo.image, photo.thumbnail)
        for attachment in report.attachments.all():
            _delete_after_commit(attachment.file)
        workflow.subject_delete_draft(report, acting_user=acting_user)


def subject_review(
    *,
    acting_user: User,
    subject: Plan | Report,
    decision: Action,
    opinion: str = "",
    expected_step: str | None = None,
) -> Approval:
    """Record the office's decision (采用 / 审核通过 or 退回修改) through the engine."""
    labels = DECISION_LABELS[subject.workflow_chain_code]
    if decision not in labels:
        raise workflow.TransitionRefused("请选择审核决定。")
    return workflow.approval_decide(
        subject=subject,
        acting_user=acting_user,
        decision=decision,
        opinion=opinion,
        expected_step=expected_step,
    )


@transaction.atomic
def report_promote(*, acting_user: User, report: Report) -> Report:
    """Mark an adopted report as sent on to the city office (报市国动办)."""
    locked = Report.objects.select_for_update().select_related("approval").get(pk=report.pk)
    if locked.approval.state != State.APPROVED:
        raise ValidationError("只有已采用的活动信息可以报市国动办。")
    if locked.promoted_to_city:
        raise ValidationError("该活动信息已报市国动办。")
    if not rules.may_review(acting_user):
        raise Refused("只有宣教审核人员可以报市国动办。")
    locked.promoted_to_city = True
    locked.promoted_at = clock.now()
    locked.promoted_by = acting_user
    locked.save(update_fields=["promoted_to_city", "promoted_at", "promoted_by"])
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=locked,
        detail=f"活动信息“{locked.title}”（{locked.unit.name}）报市国动办",
    )
    return locked


# --- coverage registers --------------------------------------------------------------------


def _check_town(acting_user: User, town: Unit) -> None:
    if not rules.may_maintain_town(acting_user, town):
        raise Refused(f"您不能维护{town.name}的台账。")


def _check_past(held_on: datetime.date, field_name: str = "held_on") -> None:
    if held_on > clock.today():
        raise ValidationError({field_name: "日期不能晚于今天。"})


def _check_in_year(day: datetime.date, year: int | None, field_name: str, label: str) -> None:
    """Refuse a date outside the register year the record is entered for, naming the field."""
    if year is not None and day.year != year:
        raise ValidationError(
            {field_name: f"{label}（{day:%Y-%m-%d}）不在{year}年度内：请在对应年度的台账中登记。"}
        )


def _check_linked_report(report: Report | None, town: Unit) -> None:
    if report is not None and report.unit_id != town.pk:
        raise ValidationError({"report": "只能关联本街镇报送的活动信息。"})


def evacuation_plan_add(
    *, acting_user: User, school: School, upload: UploadedFile, compiled_on: datetime.date
) -> EvacuationPlan:
    """Store a school's (new version of its) 紧急疏散行动方案."""
    _check_town(acting_user, school.town)
    _check_past(compiled_on, "compiled_on")
    try:
        REGISTER_FILE_VALIDATOR(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    with atomic_with_files() as saved:
        plan = EvacuationPlan(
            school=school,
            compiled_on=compiled_on,
            original_name=upload.name[:200],
            uploaded_by=acting_user,
        )
        saved.save(plan.file, upload.name, upload)
        plan.save()
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=school,
            detail=f"上传{school.name}紧急疏散行动方案《{upload.name}》",
        )
    return plan


@transaction.atomic
def school_drill_record(
    *,
    acting_user: User,
    school: School,
    held_on: datetime.date,
    participants: int | None = None,
    note: str = "",
    report: Report | None = None,
    year: int | None = None,
) -> SchoolDrill:
    """Record an evacuation drill held at a school (in the register year, when given)."""
    _check_town(acting_user, school.town)
    _check_past(held_on)
    _check_in_year(held_on, year, "held_on", "演练日期")
    _check_linked_report(report, school.town)
    drill = SchoolDrill.objects.create(
        school=school,
        held_on=held_on,
        participants=participants,
        note=note,
        report=report,
        recorded_by=acting_user,
    )
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=school,
        detail=f"登记{school.name} {held_on:%Y-%m-%d} 疏散演练",
    )
    return drill


@transaction.atomic
def community_exercise_record(
    *,
    acting_user: User,
    community: Community,
    kind: str,
    held_on: datetime.date,
    participants: int | None = None,
    note: str = "",
    report: Report | None = None,
    year: int | None = None,
) -> CommunityExercise:
    """Record a training or a drill held in a community (in the register year, when given)."""
    _check_town(acting_user, community.town)
    _check_past(held_on)
    _check_in_year(held_on, year, "held_on", "日期")
    _check_linked_report(report, community.town)
    exercise = CommunityExercise.objects.create(
        community=community,
        kind=kind,
        held_on=held_on,
        participants=participants,
        note=note,
        report=report,
        recorded_by=acting_user,
    )
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=community,
        detail=f"登记{community} {held_on:%Y-%m-%d} {exercise.get_kind_display()}",
    )
    return exercise


def _register_file_add(
    record, *, acting_user: User, town: Unit, target, upload, what: str, year: int | None
):
    """Store a dated plan document of a register place (file optional), audited."""
    _check_town(acting_user, town)
    _check_past(record.compiled_on, "compiled_on")
    _check_in_year(record.compiled_on, year, "compiled_on", "编制（修订）日期")
    if upload is not None:
        try:
            REGISTER_FILE_VALIDATOR(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
    record.recorded_by = acting_user
    with atomic_with_files() as saved:
        if upload is not None:
            record.original_name = upload.name[:200]
            saved.save(record.file, upload.name, upload)
        record.save()
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=target,
            detail=f"登记{target}{what}（{record.compiled_on:%Y-%m-%d}）"
            + (f"《{upload.name}》" if upload is not None else ""),
        )
    return record


def _audit_register(acting_user: User, target, detail: str) -> None:
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=target,
        detail=detail,
    )


# The office keeps the registers and the fronts on the admin pages too (who may is the admin's
# permissions and its town-scoped lists): these saves are audited like the portal's.


def _admin_row_fill(row, acting_user: User) -> None:
    for who in ("recorded_by", "uploaded_by"):
        if getattr(row, f"{who}_id", False) is None:
            setattr(row, who, acting_user)
    upload = getattr(row, "file", None)
    if upload and hasattr(row, "original_name") and not row.original_name:
        row.original_name = upload.name.rsplit("/", 1)[-1][:200]


@transaction.atomic
def admin_record_save(*, acting_user: User, record: models.Model, change: bool) -> models.Model:
    """Save a register record (a school, a course, a visit …) edited on its admin page."""
    _admin_row_fill(record, acting_user)
    record.save()
    label = record._meta.verbose_name
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=record,
        detail=f"{'修改' if change else '新建'}{label}：{record}（管理后台）",
    )
    return record


@transaction.atomic
def admin_record_delete(*, acting_user: User, record: models.Model) -> None:
    """Delete a register record on its admin page."""
    label, shown = record._meta.verbose_name, str(record)
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=record,
        detail=f"删除{label}：{shown}（管理后台）",
    )
    record.delete()


@transaction.atomic
def admin_rows_save(
    *, acting_user: User, record: models.Model, rows: Sequence, deleted: Sequence
) -> None:
    """Save the rows (drills, plans, courses, team members …) of a register record changed on its
    admin page: new rows name who recorded them, a file keeps its original name."""
    for row in rows:
        _admin_row_fill(row, acting_user)
        row.save()
    for row in deleted:
        row.delete()
    if rows or deleted:
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=record,
            detail=f"修改{record}的台账记录：保存{len(rows)}条，删除{len(deleted)}条（管理后台）",
        )


def enterprise_drill_plan_add(
    *,
    acting_user: User,
    enterprise: Enterprise,
    compiled_on: datetime.date,
    upload: UploadedFile,
    year: int | None = None,
) -> EnterpriseDrillPlan:
    """Store an enterprise's (new version of its) 防空疏散演练方案; the file is required."""
    if upload is None:
        raise ValidationError({"file": "请上传防空疏散演练方案文件。"})
    return _register_file_add(
        EnterpriseDrillPlan(enterprise=enterprise, compiled_on=compiled_on),
        acting_user=acting_user,
        town=enterprise.town,
        target=enterprise,
        upload=upload,
        what="防空疏散演练方案",
        year=year,
    )


@transaction.atomic
def enterprise_drill_record(
    *,
    acting_user: User,
    enterprise: Enterprise,
    held_on: datetime.date,
    occasion: str,
    participants: int | None = None,
    note: str = "",
    report: Report | None = None,
    year: int | None = None,
) -> EnterpriseDrill:
    """Record a 人防疏散演练 of an enterprise, in the register year when given."""
    _check_town(acting_user, enterprise.town)
    _check_past(held_on)
    _check_in_year(held_on, year, "held_on", "演练日期")
    _check_linked_report(report, enterprise.town)
    drill = EnterpriseDrill.objects.create(
        enterprise=enterprise,
        held_on=held_on,
        occasion=occasion,
        participants=participants,
        note=note,
        report=report,
        recorded_by=acting_user,
    )
    _audit_register(
        acting_user,
        enterprise,
        f"登记{enterprise.name} {held_on:%Y-%m-%d} 疏散演练（{drill.get_occasion_display()}）",
    )
    return drill


@transaction.atomic
def enterprise_group_set(
    *,
    acting_user: User,
    enterprise: Enterprise,
    has_group: bool,
    group_basis: str,
    contact_name: str,
    contact_phone: str,
) -> Enterprise:
    """Record an enterprise's 工作小组 and the person in charge (专人)."""
    _check_town(acting_user, enterprise.town)
    if has_group and not contact_name.strip():
        raise ValidationError({"contact_name": "已成立工作小组的，请填写负责的专人。"})
    enterprise.has_group = has_group
    enterprise.group_basis = group_basis.strip()
    enterprise.contact_name = contact_name.strip()
    enterprise.contact_phone = contact_phone.strip()
    enterprise.save(update_fields=["has_group", "group_basis", "contact_name", "contact_phone"])
    _audit_register(
        acting_user,
        enterprise,
        f"更新{enterprise.name}工作小组：{'已成立' if has_group else '未成立'}，专人 "
        f"{enterprise.contact_name or '—'}",
    )
    return enterprise


@transaction.atomic
def school_course_add(
    *,
    acting_user: User,
    school: School,
    year: int,
    title: str,
    hours: int,
    note: str = "",
) -> SchoolCourse:
    """Record a course of a school's 国防动员、人民防空 teaching in a year, with its 课时."""
    _check_town(acting_user, school.town)
    if year > clock.today().year + 1:
        raise ValidationError({"year": f"不能登记{year}年度的课程。"})
    if not hours or hours < 1:
        raise ValidationError({"hours": "课时至少为 1。"})
    course = SchoolCourse.objects.create(
        school=school,
        year=year,
        title=title.strip(),
        hours=hours,
        note=note,
        recorded_by=acting_user,
    )
    _audit_register(acting_user, school, f"登记{school.name} {year}年课程《{title}》{hours} 课时")
    return course


def community_air_raid_plan_add(
    *,
    acting_user: User,
    community: Community,
    compiled_on: datetime.date,
    upload: UploadedFile = None,
    year: int | None = None,
) -> CommunityAirRaidPlan:
    """Record the year's revision of a 居民区's 防空袭方案 (its text optional)."""
    return _register_file_add(
        CommunityAirRaidPlan(community=community, compiled_on=compiled_on),
        acting_user=acting_user,
        town=community.town,
        target=community,
        upload=upload,
        what="防空袭方案修订",
        year=year,
    )


@transaction.atomic
def community_positions_set(
    *,
    acting_user: User,
    community: Community,
    has_story_corridor: bool,
    has_micro_museum: bool,
    has_experience_corner: bool,
) -> Community:
    """Record which fixed positions (故事长廊、微展馆、体验角) a community has built."""
    _check_town(acting_user, community.town)
    community.has_story_corridor = has_story_corridor
    community.has_micro_museum = has_micro_museum
    community.has_experience_corner = has_experience_corner
    community.save(
        update_fields=["has_story_corridor", "has_micro_museum", "has_experience_corner"]
    )
    built = [
        label
        for label, on in (
            ("故事长廊", has_story_corridor),
            ("微展馆", has_micro_museum),
            ("体验角", has_experience_corner),
        )
        if on
    ]
    _audit_register(acting_user, community, f"更新{community}固定阵地：{'、'.join(built) or '无'}")
    return community


@transaction.atomic
def community_team_member_add(
    *, acting_user: User, community: Community, kind: str, name: str, phone: str = ""
) -> CommunityTeamMember:
    """Add a member to a community's 宣教队伍 (居委、物业 or volunteer)."""
    _check_town(acting_user, community.town)
    member = CommunityTeamMember.objects.create(
        community=community, kind=kind, name=name.strip(), phone=phone.strip()
    )
    _audit_register(
        acting_user,
        community,
        f"{community}宣教队伍增加{member.get_kind_display()} {member.name}",
    )
    return member


def _check_party_school(acting_user: User) -> None:
    if not rules.may_keep_party_school(acting_user):
        raise Refused("进党校台账由区国动办和区委党校填报员维护。")


@transaction.atomic
def party_school_course_add(
    *,
    acting_user: User,
    year: int,
    title: str,
    class_name: str,
    hours: int = 1,
    speaker: str = "",
    taught_on: datetime.date | None = None,
) -> PartySchoolCourse:
    """Record a 国防动员 course taken into the 党校培训计划 of a year."""
    _check_party_school(acting_user)
    if taught_on is not None:
        _check_in_year(taught_on, year, "taught_on", "授课日期")
    course = PartySchoolCourse.objects.create(
        year=year,
        title=title.strip(),
        class_name=class_name.strip(),
        hours=hours,
        speaker=speaker,
        taught_on=taught_on,
        recorded_by=acting_user,
    )
    _audit_register(acting_user, None, f"登记{year}年党校培训计划课程《{title}》")
    return course


@transaction.atomic
def base_visit_record(
    *,
    acting_user: User,
    visited_on: datetime.date,
    class_name: str,
    participants: int,
    base_name: str = "",
    note: str = "",
    year: int | None = None,
) -> BaseVisit:
    """Record a visit of 党校 trainees to the 人防科普教育基地."""
    _check_party_school(acting_user)
    _check_past(visited_on, "visited_on")
    _check_in_year(visited_on, year, "visited_on", "参观日期")
    visit = BaseVisit(
        visited_on=visited_on,
        class_name=class_name.strip(),
        participants=participants,
        note=note,
        recorded_by=acting_user,
    )
    if base_name:
        visit.base_name = base_name
    visit.save()
    _audit_register(
        acting_user, None, f"登记{visited_on:%Y-%m-%d} {class_name}参观{visit.base_name}"
    )
    return visit


REGISTER_MODELS = {"schools": School, "communities": Community, "enterprises": Enterprise}


def may_import(user, spec: imports.ImportSpec) -> bool:
    """Return whether the user may import this sheet (进党校 sheets: who keeps that register)."""
    if spec.is_records and not spec.place_label:
        return rules.may_keep_party_school(user)
    return rules.may_import_registers(user)


def register_import_check(
    *, user, spec_code: str, raw_rows, year: int | None = None
) -> imports.ImportResult:
    """Check an uploaded sheet against the register (a dry run: nothing is written).

    A list of places (schools, communities, enterprises) is matched by name; a sheet of one
    register year's records (`year` required) also by the place each row names.
    """
    spec = imports.SPECS[spec_code]
    if not may_import(user, spec):
        raise Refused("您不能导入台账。")
    town_list = list(selectors.towns())
    own = rules.reporting_unit(user)
    limited = own is not None and not rules.may_review(user)
    allowed = {own.pk} if limited else None
    default_town = own if limited and own.kind == UnitKind.TOWN else None
    if spec.is_records:
        return _record_import_check(
            spec, raw_rows, year=year, towns=town_list, allowed=allowed, default_town=default_town
        )
    model = REGISTER_MODELS[spec_code]
    records = model.objects.select_related("town")
    if spec.unique_in_district:
        existing = {(None, r.name): r for r in records}
    else:
        existing = {(r.town_id, r.name): r for r in records}
    return imports.check_rows(
        spec,
        raw_rows,
        towns=town_list,
        allowed_town_ids=allowed,
        default_town=default_town,
        existing=existing,
    )


def import_years() -> range:
    """The register years a sheet of yearly records may be imported for."""
    today = clock.today()
    return range(today.year - 5, today.year + 2)


def _record_import_check(spec, raw_rows, *, year, towns, allowed, default_town):
    if year is None or year not in import_years():
        result = imports.ImportResult(spec)
        years = import_years()
        result.file_errors.append(f"请选择导入年度（{years[0]}—{years[-1]} 年）。")
        return result
    places, classify = RECORD_IMPORTS[spec.code].prepare(year=year)
    return imports.check_record_rows(
        spec,
        raw_rows,
        year=year,
        towns=towns,
        allowed_town_ids=allowed,
        default_town=default_town,
        places=places,
        classify=classify,
    )


def _places_by_name(queryset) -> dict[str, list]:
    found: dict[str, list] = {}
    for place in queryset.select_related("town"):
        found.setdefault(place.name, []).append(place)
    return found


class _SchoolCourses:
    @staticmethod
    def prepare(*, year):
        on_file = set(SchoolCourse.objects.filter(year=year).values_list("school_id", "title"))

        def classify(row, present: set[str]) -> str:
            row.detail = f"《{row.values['title']}》{row.values['hours']} 课时"
            return "same" if (row.values["place"].pk, row.values["title"]) in on_file else "new"

        return _places_by_name(School.objects.all()), classify

    @staticmethod
    def apply(row, *, year, present, acting_user: User) -> None:
        if row.action != "new":
            return
        SchoolCourse.objects.create(
            school=row.values["place"],
            year=year,
            title=row.values["title"],
            hours=row.values["hours"],
            note=row.values["note"],
            recorded_by=acting_user,
        )


COMMUNITY_POSITIONS = ("has_story_corridor", "has_micro_museum", "has_experience_corner")
COMMUNITY_SPEC = imports.COMMUNITY_YEAR


class _CommunityYear:
    @staticmethod
    def prepare(*, year):
        revised = set(
            CommunityAirRaidPlan.objects.filter(compiled_on__year=year).values_list(
                "community_id", "compiled_on"
            )
        )
        team = set(CommunityTeamMember.objects.values_list("community_id", "kind", "name"))

        def classify(row, present: set[str]) -> str:
            community = row.values["place"]
            revised_on = row.values["plan_revised_on"]
            row.values["_changes"] = found = {
                "plan": revised_on is not None and (community.pk, revised_on) not in revised,
                # Only the positions the sheet has a column for: a missing column keeps them.
                "positions": {
                    a: row.values[a]
                    for a in COMMUNITY_POSITIONS
                    if a in present and getattr(community, a) != row.values[a]
                },
                "members": [
                    (kind.value, name)
                    for kind in TeamMemberKind
                    for name in dict.fromkeys(row.values[f"team_{kind.value}"])
                    if (community.pk, kind.value, name) not in team
                ],
            }
            labels = {c.attr: c.header for c in COMMUNITY_SPEC.columns}
            row.detail = "；".join(
                part
                for part in (
                    found["plan"] and f"防空袭方案修订 {revised_on:%Y-%m-%d}",
                    "、".join(
                        f"{labels[a]}：{'是' if v else '否'}" for a, v in found["positions"].items()
                    ),
                    found["members"] and f"宣教队伍新增 {len(found['members'])} 人",
                )
                if part
            )
            return "update" if any(found.values()) else "same"

        return _places_by_name(Community.objects.all()), classify

    @staticmethod
    def apply(row, *, year, present, acting_user: User) -> None:
        community = row.values["place"]
        found = row.values["_changes"]
        if found["plan"]:
            CommunityAirRaidPlan.objects.create(
                community=community,
                compiled_on=row.values["plan_revised_on"],
                recorded_by=acting_user,
            )
        if found["positions"]:
            Community.objects.filter(pk=community.pk).update(**found["positions"])
        CommunityTeamMember.objects.bulk_create(
            CommunityTeamMember(community=community, kind=kind, name=name)
            for kind, name in found["members"]
        )


class _PartySchoolCourses:
    @staticmethod
    def prepare(*, year):
        on_file = set(
            PartySchoolCourse.objects.filter(year=year).values_list("title", "class_name")
        )

        def classify(row, present: set[str]) -> str:
            row.detail = f"{row.values['class_name']} {row.values['hours']} 课时"
            key = (row.values["title"], row.values["class_name"])
            return "same" if key in on_file else "new"

        return None, classify

    @staticmethod
    def apply(row, *, year, present, acting_user: User) -> None:
        if row.action != "new":
            return
        PartySchoolCourse.objects.create(
            year=year,
            title=row.values["title"],
            class_name=row.values["class_name"],
            hours=row.values["hours"],
            speaker=row.values["speaker"],
            taught_on=row.values["taught_on"],
            recorded_by=acting_user,
        )


class _BaseVisits:
    @staticmethod
    def prepare(*, year):
        on_file = set(
            BaseVisit.objects.filter(visited_on__year=year).values_list("visited_on", "class_name")
        )

        def classify(row, present: set[str]) -> str:
            row.detail = f"{row.values['visited_on']:%Y-%m-%d} {row.values['participants']} 人"
            key = (row.values["visited_on"], row.values["class_name"])
            return "same" if key in on_file else "new"

        return None, classify

    @staticmethod
    def apply(row, *, year, present, acting_user: User) -> None:
        if row.action != "new":
            return
        visit = BaseVisit(
            visited_on=row.values["visited_on"],
            class_name=row.values["class_name"],
            participants=row.values["participants"],
            note=row.values["note"],
            recorded_by=acting_user,
        )
        if row.values["base_name"]:
            visit.base_name = row.values["base_name"]
        visit.save()


RECORD_IMPORTS = {
    "school-courses": _SchoolCourses,
    "community-year": _CommunityYear,
    "party-school-courses": _PartySchoolCourses,
    "base-visits": _BaseVisits,
}


def register_import(
    *,
    acting_user: User,
    spec_code: str,
    raw_rows: Sequence[Sequence],
    file_name: str = "",
    year: int | None = None,
) -> imports.ImportResult:
    """Import a checked sheet: all rows or, when any row has a problem, none."""
    result = register_import_check(
        user=acting_user, spec_code=spec_code, raw_rows=raw_rows, year=year
    )
    if not result.is_clean:
        register_import_refused(
            acting_user=acting_user,
            spec_code=spec_code,
            file_name=file_name,
            reason=f"文件中有 {len(result.error_rows) + len(result.file_errors)} 处问题",
        )
        return result
    spec = result.spec
    with transaction.atomic():
        if spec.is_records:
            recorder = RECORD_IMPORTS[spec_code]
            for row in result.rows:
                recorder.apply(
                    row, year=year, present=result.present_attrs, acting_user=acting_user
                )
            detail = (
                f"导入{year}年{spec.label}《{file_name}》：新增 {result.count('new')} 条，"
                f"更新 {result.count('update')} 条，无变化 {result.count('same')} 条。"
            )
        else:
            _apply_places(result, REGISTER_MODELS[spec_code])
            detail = (
                f"导入{spec.label}台账《{file_name}》：新增 {result.count('new')} 个，"
                f"更新 {result.count('update')} 个，无变化 {result.count('same')} 个。"
            )
        audit_record(
            action=AuditAction.IMPORT,
            actor=acting_user,
            detail=detail,
        )
    result.applied = True
    return result


def _apply_places(result: imports.ImportResult, model) -> None:
    attrs = [c.attr for c in result.spec.columns if c.attr != "town"]
    for row in result.rows:
        values = {a: row.values[a] for a in attrs}
        if row.action == "new":
            model.objects.create(town=row.values["town"], **values)
        elif row.action == "update":
            changed = {a: v for a, v in values.items() if a in result.present_attrs}
            model.objects.filter(pk=row.existing_pk).update(**changed)


def register_import_refused(
    *, acting_user: User, spec_code: str, file_name: str, reason: str
) -> None:
    """Audit an import that was refused (unreadable file, or rows with problems)."""
    spec = imports.SPECS[spec_code]
    what = spec.label if spec.is_records else f"{spec.label}台账"
    audit_record(
        action=AuditAction.IMPORT,
        actor=acting_user,
        detail=f"导入{what}《{file_name}》未受理：{reason}。",
        success=False,
    )


def export_record(*, acting_user: User, what: str, rows: int) -> None:
    """Audit an Excel export."""
    audit_record(
        action=AuditAction.EXPORT,
        actor=acting_user,
        detail=f"导出{what}，共 {rows} 行。",
    )


def agreement_create(
    *,
    acting_user: User,
    title: str,
    partner: Unit,
    signed_on: datetime.date,
    valid_until: datetime.date | None = None,
    content: str = "",
    upload: UploadedFile | None = None,
) -> PartySchoolAgreement:
    """Record a co-operation agreement with the 区委党校 (and its signed text)."""
    if not rules.may_record_agreement(acting_user):
        raise Refused("只有宣教审核人员可以登记党校共建协议。")
    if upload is not None:
        try:
            REGISTER_FILE_VALIDATOR(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
    agreement = PartySchoolAgreement(
        title=title, partner=partner, signed_on=signed_on, valid_until=valid_until, content=content
    )
    agreement.full_clean(exclude=["file"])
    with atomic_with_files() as saved:
        if upload is not None:
            saved.save(agreement.file, upload.name, upload)
        agreement.save()
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=agreement,
            detail=f"登记党校共建协议《{agreement.title}》（{agreement.signed_on:%Y-%m-%d} 签订）",
        )
    return agreement


# Large exports as background jobs ------------------------------------------------------------

REPORTS_YEAR_JOB = "outreach.reports_year"


def reports_year_export_request(*, acting_user: User, year: int) -> Job:
    """Queue the Excel of every 六进 activity report of a year the user may see."""
    from qpdo.jobs.services import job_request

    return job_request(
        kind=REPORTS_YEAR_JOB,
        label=f"{year}年度“六进”活动信息（全部）",
        params={"year": year},
        acting_user=acting_user,
    )


def reports_year_export_run(job, progress):
    """Render the year's reports as Excel (the handler of the outreach.reports_year job)."""
    from qpdo.jobs.registry import JobOutput

    from .exports import ReportExporter

    year = job.params["year"]
    reports = selectors.report_list_for(user=job.requested_by, year=year).annotate(
        first_submitted_at=selectors.first_submitted_at()
    )
    total = reports.count()
    progress(0, total)
    exporter = ReportExporter(reports, description=f"{year}年度全部")
    content = exporter.render()
    export_record(acting_user=job.requested_by, what=f"{year}年度“六进”活动信息", rows=total)
    progress(total, total)
    return JobOutput(filename=exporter.filename, content=content, note=f"共 {total} 条活动信息")
