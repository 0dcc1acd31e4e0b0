"""Writes of the lists: work items, progress reports, 回头看 (整改) and the reminders."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from qpdo.documents.uploads import atomic_with_files, clean_image, extension_of, file_size
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.enums import CAMPAIGN_UNIT_KINDS, Role
from qpdo.org.models import Staff, Unit
from qpdo.org.scoping import display_name, users_with_role
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import FINAL_STATES, State
from qpdo.workflow.models import Notification

from .. import rules, selectors
from ..enums import IMMEDIATE_MAX_DAYS, MAX_EVIDENCE_FILES, ItemKind, RecheckOutcome, RectifyMode
from ..models import (
    EVIDENCE_VALIDATOR,
    Campaign,
    Evidence,
    KeyTask,
    Milestone,
    ProgressReport,
    Recheck,
    WorkItem,
)
from .common import IMAGE_EXTENSIONS, _audit, _refuse, check_open

if TYPE_CHECKING:
    from qpdo.workflow.models import Approval

# --- work items ----------------------------------------------------------------------------

ITEM_FIELDS = (
    "key_task",
    "kind",
    "title",
    "goal",
    "problem",
    "measures",
    "rectify_mode",
    "unit",
    "owner",
    "deadline",
    "recheck_on",
)


def validate_item(
    *, campaign: Campaign, data: dict, milestones: Sequence[dict], item: WorkItem | None = None
) -> None:
    """Raise a ValidationError (by field) when an item or its milestones break the rules."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    key_task, unit, owner = data.get("key_task"), data.get("unit"), data.get("owner")
    deadline, kind = data.get("deadline"), data.get("kind") or ItemKind.TASK
    if key_task is None or key_task.campaign_id != campaign.pk:
        add("key_task", f"请选择{campaign.year}年实践活动的重点任务。")
    if unit is None or unit.kind not in CAMPAIGN_UNIT_KINDS or not unit.is_active:
        add("unit", "责任单位须为本办机关科室或民防管理保障中心。")
    if owner is None:
        add("owner", "请选择责任人。")
    elif unit is not None and (owner.unit_id != unit.pk or not owner.is_active):
        add("owner", f"责任人须为责任单位（{unit.name}）的在职人员，{owner.name}不在该单位。")
    if deadline is None:
        add("deadline", "请填写完成时限。")
    else:
        if deadline < campaign.start:
            add("deadline", f"完成时限不能早于活动开始日期（{cn_date(campaign.start)}）。")
        if kind == ItemKind.TASK and deadline > campaign.end:
            add("deadline", f"工作事项的完成时限须在活动结束（{cn_date(campaign.end)}）以前。")
    mode = data.get("rectify_mode") or ""
    if kind == ItemKind.RECTIFICATION:
        if not (data.get("problem") or "").strip():
            add("problem", "整改事项须写明存在的问题。")
        if not (data.get("measures") or "").strip():
            add("measures", "整改事项须写明整改措施。")
        if mode not in RectifyMode.values:
            add("rectify_mode", "请选择“立行立改”或“长期整改”。")
        recheck = data.get("recheck_on")
        if recheck is not None and deadline is not None and recheck < deadline:
            add("recheck_on", "回头看日期不能早于完成时限。")
        listed = item.created_at.date() if item is not None else clock.today()
        if (
            mode == RectifyMode.IMMEDIATE
            and deadline is not None
            and (deadline - listed).days > IMMEDIATE_MAX_DAYS
        ):
            add(
                "deadline",
                f"立行立改的问题须在 {IMMEDIATE_MAX_DAYS} 天内整改到位；"
                "需要较长时间的请选择“长期整改”并明确时间节点。",
            )
        if mode == RectifyMode.LONG_TERM and not [m for m in milestones if not m.get("delete")]:
            add("milestones", "长期整改事项须明确至少一个时间节点。")
    elif data.get("recheck_on") or mode:
        add("kind", "只有整改事项才有整改方式和回头看日期。")
    if not (data.get("title") or "").strip():
        add("title", "请填写事项名称。")

    seen_titles = set()
    for index, milestone in enumerate(milestones, start=1):
        if milestone.get("delete"):
            continue
        title = (milestone.get("title") or "").strip()
        due_on = milestone.get("due_on")
        label = f"节点“{title}”" if title else f"第 {index} 个节点"
        if not title or due_on is None:
            add("milestones", f"{label}须填写内容和日期。")
            continue
        if title in seen_titles:
            add("milestones", f"节点“{title}”重复。")
        seen_titles.add(title)
        if deadline is not None and due_on > deadline:
            add(
                "milestones",
                f"{label}的日期（{cn_date(due_on)}）晚于事项完成时限（{cn_date(deadline)}），"
                "节点须在完成时限以前。",
            )
        if due_on < campaign.start:
            add("milestones", f"{label}的日期不能早于活动开始日期（{cn_date(campaign.start)}）。")
    if errors:
        raise ValidationError(errors)


def _next_number(campaign: Campaign) -> int:
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    current = WorkItem.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"]
    return (current or 0) + 1


def _clean_item_data(data: dict) -> dict:
    cleaned = {key: data.get(key) for key in ITEM_FIELDS}
    cleaned["kind"] = cleaned["kind"] or ItemKind.TASK
    for key in ("title", "goal", "problem", "measures"):
        cleaned[key] = (cleaned[key] or "").strip()
    if cleaned["kind"] == ItemKind.TASK:
        cleaned["rectify_mode"], cleaned["recheck_on"] = "", None
    else:
        cleaned["rectify_mode"] = cleaned["rectify_mode"] or ""
    return cleaned


def _save_milestones(item: WorkItem, milestones: Sequence[dict]) -> None:
    """Apply the milestone rows: update by id, add new ones, delete removed ones not yet used."""
    existing = {m.pk: m for m in item.milestones.all()}
    next_order = max((m.order for m in existing.values()), default=0)
    keep = set()
    for row in milestones:
        pk = row.get("id")
        milestone = existing.get(pk) if pk else None
        if row.get("delete"):
            continue
        if milestone is None:
            next_order += 1
            milestone = Milestone(item=item, order=next_order)
        milestone.title = row["title"].strip()
        milestone.due_on = row["due_on"]
        milestone.save()
        keep.add(milestone.pk)
    for pk, milestone in existing.items():
        if pk in keep:
            continue
        if milestone.reports.exists():
            raise ValidationError(
                {"milestones": f"节点“{milestone.title}”已有进展报告，不能删除。"}
            )
        milestone.delete()


@transaction.atomic
def item_create(
    *,
    acting_user: User,
    campaign: Campaign,
    key_task: KeyTask | None = None,
    kind: str | None = None,
    title: str | None = None,
    goal: str | None = None,
    problem: str | None = None,
    measures: str | None = None,
    rectify_mode: str | None = None,
    unit: Unit | None = None,
    owner: Staff | None = None,
    deadline: datetime.date | None = None,
    recheck_on: datetime.date | None = None,
    milestones: Sequence[dict] = (),
) -> WorkItem:
    """List a work item (or a problem to rectify) with its milestones."""
    check_open(campaign)
    data = _clean_item_data(
        {
            "key_task": key_task,
            "kind": kind,
            "title": title,
            "goal": goal,
            "problem": problem,
            "measures": measures,
            "rectify_mode": rectify_mode,
            "unit": unit,
            "owner": owner,
            "deadline": deadline,
            "recheck_on": recheck_on,
        }
    )
    if unit is not None and not rules.may_edit_items_of(acting_user, campaign, unit):
        raise Refused("只能为本科室建立清单事项。")
    if not rules.may_create_items(acting_user, campaign):
        raise Refused("只有办领导、牵头科室和各科室负责人可以建立清单事项。")
    validate_item(campaign=campaign, data=data, milestones=milestones)
    now = clock.now()
    item = WorkItem.objects.create(
        campaign=campaign,
        number=_next_number(campaign),
        created_by=acting_user,
        created_at=now,
        updated_at=now,
        **data,
    )
    _save_milestones(item, milestones)
    _audit(
        acting_user,
        item,
        f"建立{item.get_kind_display()}“{item}”，责任单位{item.unit.name}",
    )
    return item


def item_is_done(item: WorkItem) -> bool:
    return ProgressReport.objects.filter(
        item=item, is_final=True, approval__state=State.APPROVED
    ).exists()


@transaction.atomic
def item_update(
    *,
    acting_user: User,
    item: WorkItem,
    key_task: KeyTask | None = None,
    kind: str | None = None,
    title: str | None = None,
    goal: str | None = None,
    problem: str | None = None,
    measures: str | None = None,
    rectify_mode: str | None = None,
    unit: Unit | None = None,
    owner: Staff | None = None,
    deadline: datetime.date | None = None,
    recheck_on: datetime.date | None = None,
    milestones: Sequence[dict] = (),
) -> WorkItem:
    """Change an item and its milestones; a verified (done) item is kept as it is."""
    check_open(item.campaign)
    data = _clean_item_data(
        {
            "key_task": key_task,
            "kind": kind,
            "title": title,
            "goal": goal,
            "problem": problem,
            "measures": measures,
            "rectify_mode": rectify_mode,
            "unit": unit,
            "owner": owner,
            "deadline": deadline,
            "recheck_on": recheck_on,
        }
    )
    campaign = item.campaign
    if not rules.may_edit_items_of(acting_user, campaign, item.unit_id):
        raise Refused("只能修改本科室的清单事项。")
    if unit is not None and not rules.may_edit_items_of(acting_user, campaign, unit):
        raise Refused("只能把事项交给本科室。")
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    if item_is_done(locked):
        raise ValidationError(f"该事项已{locked.done_label}（经组织单位核验），不能再修改。")
    has_reports = locked.reports.exists()
    if has_reports and unit is not None and unit.pk != locked.unit_id:
        raise ValidationError({"unit": "已有进展报告的事项不能更换责任单位。"})
    if has_reports and kind != locked.kind:
        raise ValidationError({"kind": "已有进展报告的事项不能改变类别。"})
    validate_item(campaign=campaign, data=data, milestones=milestones, item=locked)
    changed = [key for key in ITEM_FIELDS if getattr(locked, key) != data[key]]
    for key, value in data.items():
        setattr(locked, key, value)
    locked.updated_at = clock.now()
    locked.save()
    _save_milestones(locked, milestones)
    labels = {f.name: f.verbose_name for f in WorkItem._meta.fields}
    _audit(
        acting_user,
        locked,
        f"修改清单事项“{locked}”：{'、'.join(str(labels[k]) for k in changed) or '时间节点'}",
    )
    return locked


# --- progress reports ------------------------------------------------------------------------

REPORT_FIELDS = ("milestone", "is_final", "percent", "text")


def _check_report_rules(item: WorkItem, data: dict, report: ProgressReport | None) -> None:
    errors: dict[str, str] = {}
    milestone = data.get("milestone")
    if milestone is not None:
        if milestone.item_id != item.pk:
            errors["milestone"] = "所选节点不属于该事项。"
        elif (
            ProgressReport.objects.filter(milestone=milestone, approval__state=State.APPROVED)
            .exclude(pk=getattr(report, "pk", None))
            .exists()
        ):
            errors["milestone"] = f"节点“{milestone.title}”已经核验达到。"
    percent = data.get("percent")
    if percent is None or not 0 <= percent <= 100:
        errors["percent"] = "完成进度须在 0 到 100 之间。"
    else:
        verified = (
            ProgressReport.objects.filter(item=item, approval__state=State.APPROVED).aggregate(
                n=Max("percent")
            )["n"]
            or 0
        )
        if percent < verified:
            errors["percent"] = f"完成进度不能低于已核验的 {verified}%。"
    if not (data.get("text") or "").strip():
        errors["text"] = "请填写进展情况。"
    _refuse(errors)


def _store_evidence(saved, report: ProgressReport, uploads, acting_user: User) -> int:
    count = 0
    for upload in uploads:
        EVIDENCE_VALIDATOR(upload)
        name = upload.name[:200]
        content = clean_image(upload) if extension_of(upload.name) in IMAGE_EXTENSIONS else upload
        evidence = Evidence(
            report=report,
            original_name=name,
            size=file_size(content),
            uploaded_by=acting_user,
            uploaded_at=clock.now(),
        )
        saved.save(evidence.file, content.name, content)
        evidence.save()
        count += 1
    return count


def report_save(
    *,
    acting_user: User,
    item: WorkItem,
    milestone: Milestone | None = None,
    is_final: bool = False,
    percent: int | None = None,
    text: str | None = None,
    files: Sequence = (),
    remove: Sequence[int] = (),
    report: ProgressReport | None = None,
) -> ProgressReport:
    """Write a draft progress report (new, or one still editable) and its evidence files.

    A unit has one open report per item at a time: while one is a draft, in review or
    returned, a new one is refused. A done item takes no more reports.
    """
    check_open(item.campaign)
    if not rules.may_write_report(acting_user, item):
        raise Refused("只有责任单位的科室负责人或责任人可以填写进展报告。")
    is_final = bool(is_final)
    if is_final:
        percent = 100
    text = (text or "").strip()
    data = {"milestone": milestone, "is_final": is_final, "percent": percent, "text": text}
    for upload in files:
        try:
            EVIDENCE_VALIDATOR(upload)
        except ValidationError as error:
            raise ValidationError(
                {"files": f"《{upload.name}》：{'；'.join(error.messages)}"}
            ) from error
    with atomic_with_files() as saved:
        locked = WorkItem.objects.select_for_update().get(pk=item.pk)
        if item_is_done(locked):
            raise ValidationError(f"该事项已{locked.done_label}，不能再报告进展。")
        if report is None:
            open_report = (
                ProgressReport.objects.filter(item=locked)
                .exclude(approval__state__in=FINAL_STATES)
                .select_related("approval")
                .first()
            )
            if open_report is not None:
                raise ValidationError(
                    f"该事项已有一份“{open_report.approval.state_label}”的报告，"
                    "请继续填写或等待核验后再报告。"
                )
        else:
            workflow.ensure_editable(report)
        _check_report_rules(locked, data, report)
        now = clock.now()
        if report is None:
            report = ProgressReport(item=locked, author=acting_user, created_at=now, **data)
            report.updated_at = now
            workflow.subject_create(report, acting_user=acting_user)
        else:
            for key, value in data.items():
                setattr(report, key, value)
            report.updated_at = now
            report.author = acting_user
            report.save()
        if remove:
            for evidence in Evidence.objects.filter(report=report, pk__in=remove):
                name = evidence.file.name
                storage = evidence.file.storage
                evidence.delete()
                transaction.on_commit(lambda s=storage, n=name: s.delete(n))
        existing = Evidence.objects.filter(report=report).count()
        if existing + len(files) > MAX_EVIDENCE_FILES:
            raise ValidationError(
                {"files": f"每份报告最多上传 {MAX_EVIDENCE_FILES} 个文件，已有 {existing} 个。"}
            )
        added = _store_evidence(saved, report, files, acting_user)
        workflow.subject_refresh_title(report)
        _audit(
            acting_user,
            report,
            f"{locked.code} 填写{report.kind_label}"
            f"（进度 {report.percent}%，新增工作痕迹 {added} 个）",
        )
    return report


def report_check_complete(report: ProgressReport) -> None:
    """Raise a ValidationError when the report cannot go to verification yet (engine hook)."""
    item = report.item
    if item_is_done(item):
        raise ValidationError(f"该事项已{item.done_label}，不能再提交报告。")
    if not report.text.strip():
        raise ValidationError("请填写进展情况。")
    if report.is_final and not report.evidence.exists():
        what = "整改销号" if item.is_rectification else "申请完成"
        raise ValidationError(f"{what}须上传工作痕迹（佐证材料），没有佐证不能{item.done_label}。")
    if (
        report.milestone_id
        and ProgressReport.objects.filter(
            milestone_id=report.milestone_id, approval__state=State.APPROVED
        )
        .exclude(pk=report.pk)
        .exists()
    ):
        raise ValidationError("所报节点已经核验达到，请选择其他节点。")


def report_submit(*, acting_user: User, report: ProgressReport) -> Approval:
    """Submit the report (责任单位报告): it goes to the organiser for verification."""
    return workflow.approval_submit(subject=report, acting_user=acting_user)


# --- 回头看 ------------------------------------------------------------------------------------


RECHECK_FIELDS = ("checked_on", "outcome", "note", "follow_up_deadline")


@transaction.atomic
def recheck_record(
    *,
    acting_user: User,
    item: WorkItem,
    checked_on: datetime.date | None = None,
    outcome: str | None = None,
    note: str | None = None,
    follow_up_deadline: datetime.date | None = None,
) -> Recheck:
    """Record the 回头看 of a closed rectification item.

    When the problem has come back, a new rectification item is listed for the same unit and
    owner (再整改), with its own deadline, so it is followed like any other.
    """
    check_open(item.campaign)
    if not rules.may_recheck(acting_user, item):
        raise Refused("只有责任人、责任单位负责人或活动组织者可以填写回头看。")
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    if locked.kind != ItemKind.RECTIFICATION:
        raise ValidationError("只有整改事项需要回头看。")
    final = (
        ProgressReport.objects.filter(item=locked, is_final=True, approval__state=State.APPROVED)
        .select_related("approval")
        .first()
    )
    if final is None:
        raise ValidationError("整改销号后才能进行回头看。")
    if locked.rechecks.exists():
        raise ValidationError("该事项已经做过回头看。")
    errors: dict[str, str] = {}
    closed_on = selectors.local_date(final.approval.submitted_at)
    if checked_on is None:
        errors["checked_on"] = "请填写回头看日期。"
    elif checked_on > clock.today():
        errors["checked_on"] = "回头看日期不能晚于今天。"
    elif checked_on < closed_on:
        errors["checked_on"] = f"回头看日期不能早于销号日期（{cn_date(closed_on)}）。"
    if outcome not in RecheckOutcome.values:
        errors["outcome"] = "请选择回头看结论。"
    if not (note or "").strip():
        errors["note"] = "请填写回头看情况。"
    follow_deadline = follow_up_deadline
    if outcome == RecheckOutcome.RELAPSED:
        if follow_deadline is None:
            errors["follow_up_deadline"] = "问题反弹的，须确定再整改的完成时限。"
        elif checked_on and follow_deadline <= checked_on:
            errors["follow_up_deadline"] = "再整改完成时限须晚于回头看日期。"
    _refuse(errors)
    follow_up = None
    if outcome == RecheckOutcome.RELAPSED:
        now = clock.now()
        follow_up = WorkItem.objects.create(
            campaign=locked.campaign,
            key_task=locked.key_task,
            number=_next_number(locked.campaign),
            kind=ItemKind.RECTIFICATION,
            title=f"{locked.title}（回头看再整改）"[:100],
            goal=locked.goal,
            problem=f"回头看发现问题反弹：{note.strip()}"[:2000],
            measures=locked.measures,
            rectify_mode=RectifyMode.LONG_TERM
            if (follow_deadline - checked_on).days > IMMEDIATE_MAX_DAYS
            else RectifyMode.IMMEDIATE,
            unit=locked.unit,
            owner=locked.owner,
            deadline=follow_deadline,
            created_by=acting_user,
            created_at=now,
            updated_at=now,
        )
        if follow_up.rectify_mode == RectifyMode.LONG_TERM:
            Milestone.objects.create(
                item=follow_up,
                order=1,
                title="制定再整改方案",
                due_on=min(
                    follow_deadline, checked_on + datetime.timedelta(days=IMMEDIATE_MAX_DAYS)
                ),
            )
    recheck = Recheck.objects.create(
        item=locked,
        checked_on=checked_on,
        outcome=outcome,
        note=note.strip(),
        follow_up=follow_up,
        checked_by=acting_user,
        checked_by_name=display_name(acting_user),
        created_at=clock.now(),
    )
    _audit(
        acting_user,
        locked,
        f"{locked.code} 回头看：{recheck.get_outcome_display()}"
        + (f"，列入再整改 {follow_up.code}" if follow_up else ""),
    )
    return recheck


# --- reminders (a daily job) -------------------------------------------------------------------

# Days before an item's deadline on which its owner and section head are reminded (0: the day).
REMIND_DAYS_BEFORE = (3, 0)


def _item_reminder(item, today: datetime.date) -> str | None:
    days = (item.deadline - today).days
    if days in REMIND_DAYS_BEFORE:
        when = "今天到期" if days == 0 else f"还有 {days} 天到期（{cn_date(item.deadline)}）"
        return f"实践活动提醒：{item.code} {item.title} {when}"
    if days == -1:
        return f"实践活动提醒：{item.code} {item.title} 已逾期（完成时限{cn_date(item.deadline)}）"
    return None


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind owners and section heads of items falling due or overdue, and of a 回头看 due.

    An open item is reminded 3 days before its deadline, on the day, and on the first day it
    is late; a closed rectification item on its 回头看 day. Each person gets each reminder at
    most once (a second run on the same day sends nothing). Return how many were sent.
    """
    today = today or clock.today()
    items = selectors.decorate(
        selectors.with_progress(
            WorkItem.objects.filter(campaign__start__lte=today).select_related(
                "unit", "owner__user", "campaign"
            ),
            today=today,
        ),
        today=today,
    )
    heads: dict[int, list] = {}
    sent = 0
    for item in items:
        if item.is_done:
            title = (
                f"回头看提醒：{item.code} {item.title} 今天组织“回头看”"
                if item.recheck_due and item.recheck_on == today
                else None
            )
        else:
            title = _item_reminder(item, today)
        if title is None:
            continue
        if item.unit_id not in heads:
            heads[item.unit_id] = list(users_with_role(Role.SECTION_HEAD, unit=item.unit))
        people = {u.pk: u for u in heads[item.unit_id]}
        owner = item.owner.user
        if owner is not None and owner.is_active:
            people[owner.pk] = owner
        url = item.get_absolute_url()
        already = set(
            Notification.objects.filter(
                recipient__in=people, title=title[:200], url=url, created_at__date=today
            ).values_list("recipient", flat=True)
        )
        recipients = [u for pk, u in people.items() if pk not in already]
        if recipients:
            workflow.notify(
                recipients,
                title=title,
                body=f"责任单位：{item.unit.name}；责任人：{item.owner.name}。",
                url=url,
            )
            sent += len(recipients)
    return sent
