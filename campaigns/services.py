"""Writes of the campaigns app. Approval state changes go through qpdo.workflow only.

Every write runs in one transaction and checks its rules before anything is stored, raising a
ValidationError (by field where a form has the field) with a Chinese message, or a
PermissionError when the user may not act. Uploaded files are checked by content first and
deleted again when the write does not commit (`atomic_with_files`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from qpdo.documents.uploads import atomic_with_files, clean_image, extension_of, file_size
from qpdo.org import clock
from qpdo.org.audit import audit_record, client_ip
from qpdo.org.enums import CAMPAIGN_UNIT_KINDS, OUTREACH_UNIT_KINDS, AuditAction, Role
from qpdo.org.models import Staff, Unit
from qpdo.org.scoping import display_name, users_with_role
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import FINAL_STATES, State
from qpdo.workflow.models import Notification

from . import providers, rules, selectors
from .enums import (
    IMMEDIATE_MAX_DAYS,
    MAX_EVIDENCE_FILES,
    FourQuestions,
    ItemKind,
    Metric,
    Quarter,
    RecheckOutcome,
    RectifyMode,
    TeamKind,
    ranking_rule_text,
)
from .models import (
    EVIDENCE_VALIDATOR,
    MINUTES_VALIDATOR,
    Campaign,
    Competition,
    CompetitionEntry,
    Discussion,
    Evidence,
    KeyDate,
    KeyTask,
    MentorCheckIn,
    MentorPair,
    Milestone,
    MonthlyRanking,
    ProgressReport,
    QuarterStar,
    RankingRow,
    Recheck,
    Rotation,
    Team,
    TeamMember,
    TeamOutput,
    WorkItem,
)

IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "heic", "heif"}


def _d(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _audit(acting_user, target, detail: str, request=None) -> None:
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=target,
        detail=detail,
        ip_address=client_ip(request),
    )


def _refuse(errors: dict[str, str | list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _active_office_staff(staff: Staff | None, field_label: str) -> str | None:
    if staff is None:
        return f"请选择{field_label}。"
    if not staff.is_active:
        return f"{staff.name}已不在职，不能作为{field_label}。"
    if staff.unit.kind in OUTREACH_UNIT_KINDS:
        return f"{field_label}须为本办干部职工。"
    return None


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
            add("deadline", f"完成时限不能早于活动开始日期（{_d(campaign.start)}）。")
        if kind == ItemKind.TASK and deadline > campaign.end:
            add("deadline", f"工作事项的完成时限须在活动结束（{_d(campaign.end)}）以前。")
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
                f"{label}的日期（{_d(due_on)}）晚于事项完成时限（{_d(deadline)}），"
                "节点须在完成时限以前。",
            )
        if due_on < campaign.start:
            add("milestones", f"{label}的日期不能早于活动开始日期（{_d(campaign.start)}）。")
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
    *, acting_user, campaign: Campaign, data: dict, milestones: Sequence[dict] = (), request=None
) -> WorkItem:
    """List a work item (or a problem to rectify) with its milestones."""
    check_open(campaign)
    data = _clean_item_data(data)
    if data["unit"] is not None and not rules.may_edit_items_of(
        acting_user, campaign, data["unit"]
    ):
        raise PermissionError("只能为本科室建立清单事项。")
    if not rules.may_create_items(acting_user, campaign):
        raise PermissionError("只有办领导、牵头科室和各科室负责人可以建立清单事项。")
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
        request,
    )
    return item


def item_is_done(item: WorkItem) -> bool:
    return ProgressReport.objects.filter(
        item=item, is_final=True, approval__state=State.APPROVED
    ).exists()


@transaction.atomic
def item_update(
    *, acting_user, item: WorkItem, data: dict, milestones: Sequence[dict] = (), request=None
) -> WorkItem:
    """Change an item and its milestones; a verified (done) item is kept as it is."""
    check_open(item.campaign)
    data = _clean_item_data(data)
    campaign = item.campaign
    if not rules.may_edit_items_of(acting_user, campaign, item.unit_id):
        raise PermissionError("只能修改本科室的清单事项。")
    if data["unit"] is not None and not rules.may_edit_items_of(
        acting_user, campaign, data["unit"]
    ):
        raise PermissionError("只能把事项交给本科室。")
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    if item_is_done(locked):
        raise ValidationError(f"该事项已{locked.done_label}（经组织单位核验），不能再修改。")
    has_reports = locked.reports.exists()
    if has_reports and data["unit"] is not None and data["unit"].pk != locked.unit_id:
        raise ValidationError({"unit": "已有进展报告的事项不能更换责任单位。"})
    if has_reports and data["kind"] != locked.kind:
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
        request,
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


def _store_evidence(saved, report: ProgressReport, uploads, acting_user) -> int:
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
    acting_user,
    item: WorkItem,
    data: dict,
    files: Sequence = (),
    remove: Sequence[int] = (),
    report: ProgressReport | None = None,
    request=None,
) -> ProgressReport:
    """Write a draft progress report (new, or one still editable) and its evidence files.

    A unit has one open report per item at a time: while one is a draft, in review or
    returned, a new one is refused. A done item takes no more reports.
    """
    check_open(item.campaign)
    if not rules.may_write_report(acting_user, item):
        raise PermissionError("只有责任单位的科室负责人或责任人可以填写进展报告。")
    data = {key: data.get(key) for key in REPORT_FIELDS}
    data["is_final"] = bool(data["is_final"])
    if data["is_final"]:
        data["percent"] = 100
    data["text"] = (data["text"] or "").strip()
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
            request,
        )
    return report


def report_check_submittable(report: ProgressReport) -> None:
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


def report_submit(*, acting_user, report: ProgressReport, request=None):
    """Submit the report (责任单位报告): it goes to the organiser for verification."""
    return workflow.approval_submit(subject=report, acting_user=acting_user, request=request)


# --- 回头看 ------------------------------------------------------------------------------------


@transaction.atomic
def recheck_record(*, acting_user, item: WorkItem, data: dict, request=None) -> Recheck:
    """Record the 回头看 of a closed rectification item.

    When the problem has come back, a new rectification item is listed for the same unit and
    owner (再整改), with its own deadline, so it is followed like any other.
    """
    check_open(item.campaign)
    if not rules.may_recheck(acting_user, item):
        raise PermissionError("只有责任人、责任单位负责人或活动组织者可以填写回头看。")
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
    checked_on = data.get("checked_on")
    closed_on = selectors.local_date(final.approval.submitted_at)
    if checked_on is None:
        errors["checked_on"] = "请填写回头看日期。"
    elif checked_on > clock.today():
        errors["checked_on"] = "回头看日期不能晚于今天。"
    elif checked_on < closed_on:
        errors["checked_on"] = f"回头看日期不能早于销号日期（{_d(closed_on)}）。"
    outcome = data.get("outcome")
    if outcome not in RecheckOutcome.values:
        errors["outcome"] = "请选择回头看结论。"
    if not (data.get("note") or "").strip():
        errors["note"] = "请填写回头看情况。"
    follow_deadline = data.get("follow_up_deadline")
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
            problem=f"回头看发现问题反弹：{data['note'].strip()}"[:2000],
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
        note=data["note"].strip(),
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
        request,
    )
    return recheck


# --- teams -------------------------------------------------------------------------------------

TEAM_FIELDS = ("key_task", "kind", "name", "topic", "goals", "leader", "formed_on", "ends_on")


@transaction.atomic
def team_save(
    *,
    acting_user,
    campaign: Campaign,
    data: dict,
    members: Sequence[tuple[Staff, str]] = (),
    team: Team | None = None,
    request=None,
) -> Team:
    """Form (or change) a team with its leader and members across units."""
    check_open(campaign)
    if team is None and not rules.may_create_team(acting_user, campaign):
        raise PermissionError("只有办领导、牵头科室和各科室负责人可以组建团队。")
    if team is not None and not rules.may_edit_team(acting_user, team):
        raise PermissionError("只有团队负责人、牵头单位负责人或活动组织者可以修改团队。")
    errors: dict[str, str] = {}
    leader = data.get("leader")
    problem = _active_office_staff(leader, "团队负责人")
    if problem:
        errors["leader"] = problem
    elif (
        team is None
        and not rules.may_manage(acting_user, campaign)
        and not rules.heads_unit(acting_user, leader.unit_id)
    ):
        errors["leader"] = "科室负责人只能组建由本科室人员牵头的团队。"
    key_task = data.get("key_task")
    if key_task is not None and key_task.campaign_id != campaign.pk:
        errors["key_task"] = "重点任务不属于本年度。"
    if not (data.get("name") or "").strip():
        errors["name"] = "请填写团队名称。"
    elif (
        Team.objects.filter(campaign=campaign, name=data["name"].strip())
        .exclude(pk=getattr(team, "pk", None))
        .exists()
    ):
        errors["name"] = "本年度已有同名团队。"
    if not (data.get("topic") or "").strip():
        errors["topic"] = "请填写攻坚课题或任务。"
    if data.get("kind") not in TeamKind.values:
        errors["kind"] = "请选择攻坚团队、工作专班或项目组。"
    formed_on, ends_on = data.get("formed_on"), data.get("ends_on")
    if formed_on is None:
        errors["formed_on"] = "请填写组建日期。"
    elif ends_on and ends_on < formed_on:
        errors["ends_on"] = "计划完成日期不能早于组建日期。"
    seen = set()
    for staff, _duty in members:
        problem = _active_office_staff(staff, "团队成员")
        if problem:
            errors["members"] = problem
        elif staff.pk in seen:
            errors["members"] = f"{staff.name}重复列入。"
        seen.add(staff.pk)
    _refuse(errors)
    if team is None:
        team = Team(campaign=campaign, created_by=acting_user, created_at=clock.now())
    for key in TEAM_FIELDS:
        value = data.get(key)
        if key in ("name", "topic", "goals"):
            value = (value or "").strip()
        setattr(team, key, value)
    team.lead_unit = leader.unit
    team.save()
    TeamMember.objects.filter(team=team).delete()
    TeamMember.objects.bulk_create(
        TeamMember(team=team, staff=staff, duty=(duty or "").strip()[:60])
        for staff, duty in members
        if staff.pk != leader.pk
    )
    units = {leader.unit_id, *(staff.unit_id for staff, _ in members)}
    _audit(
        acting_user,
        team,
        f"{team.get_kind_display()}“{team.name}”：负责人{leader.name}，成员 {len(seen)} 人，"
        f"涉及 {len(units)} 个单位",
        request,
    )
    return team


def team_output_add(*, acting_user, team: Team, data: dict, upload=None, request=None):
    """Record what a team produced, with an optional file."""
    check_open(team.campaign)
    if not rules.may_edit_team(acting_user, team):
        raise PermissionError("只有团队负责人、牵头单位负责人或活动组织者可以登记成果。")
    errors: dict[str, str] = {}
    achieved_on = data.get("achieved_on")
    if not (data.get("title") or "").strip():
        errors["title"] = "请填写成果名称。"
    if achieved_on is None:
        errors["achieved_on"] = "请填写形成日期。"
    elif achieved_on > clock.today():
        errors["achieved_on"] = "形成日期不能晚于今天。"
    elif achieved_on < team.formed_on:
        errors["achieved_on"] = f"形成日期不能早于团队组建日期（{_d(team.formed_on)}）。"
    if upload is not None:
        try:
            EVIDENCE_VALIDATOR(upload)
        except ValidationError as error:
            errors["file"] = "；".join(error.messages)
    _refuse(errors)
    with atomic_with_files() as saved:
        output = TeamOutput(
            team=team,
            kind=data["kind"],
            title=data["title"].strip(),
            achieved_on=achieved_on,
            description=(data.get("description") or "").strip(),
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        if upload is not None:
            content = (
                clean_image(upload) if extension_of(upload.name) in IMAGE_EXTENSIONS else upload
            )
            saved.save(output.file, content.name, content)
            output.original_name = upload.name[:200]
        output.save()
        _audit(acting_user, team, f"团队“{team.name}”登记成果《{output.title}》", request)
    return output


# --- mentoring, rotations ------------------------------------------------------------------------


def _check_period(errors, starts_on, ends_on, *, start_field="starts_on", end_field="ends_on"):
    if starts_on is None:
        errors[start_field] = "请填写开始日期。"
    if ends_on is None:
        errors[end_field] = "请填写结束日期。"
    if starts_on and ends_on and ends_on < starts_on:
        errors[end_field] = "结束日期不能早于开始日期。"


@transaction.atomic
def pair_save(
    *, acting_user, campaign: Campaign, data: dict, pair: MentorPair | None = None, request=None
) -> MentorPair:
    """Set up (or change) a 岗位带教 pair: a mentor, a mentee, goals and a period."""
    check_open(campaign)
    mentor, mentee = data.get("mentor"), data.get("mentee")
    errors: dict[str, str] = {}
    for field, staff, label in (("mentor", mentor, "带教人"), ("mentee", mentee, "被带教人")):
        problem = _active_office_staff(staff, label)
        if problem:
            errors[field] = problem
    if mentor is not None and mentee is not None and mentor.pk == mentee.pk:
        errors["mentee"] = "带教人和被带教人不能是同一人。"
    if not errors:
        if pair is None and not (
            rules.may_manage(acting_user, campaign) or rules.heads_unit(acting_user, mentee.unit_id)
        ):
            raise PermissionError("只有被带教人所在科室负责人或活动组织者可以建立带教关系。")
        if pair is not None and not rules.may_edit_pair(acting_user, pair):
            raise PermissionError("只有被带教人所在科室负责人或活动组织者可以修改带教关系。")
        if (
            MentorPair.objects.filter(campaign=campaign, mentor=mentor, mentee=mentee)
            .exclude(pk=getattr(pair, "pk", None))
            .exists()
        ):
            errors["mentee"] = f"本年度已有{mentor.name}带教{mentee.name}的记录。"
    if not (data.get("goals") or "").strip():
        errors["goals"] = "请填写带教目标。"
    _check_period(errors, data.get("starts_on"), data.get("ends_on"))
    _refuse(errors)
    if pair is None:
        pair = MentorPair(campaign=campaign, created_by=acting_user, created_at=clock.now())
    pair.mentor, pair.mentee = mentor, mentee
    pair.goals = data["goals"].strip()
    pair.starts_on, pair.ends_on = data["starts_on"], data["ends_on"]
    pair.save()
    _audit(acting_user, pair, f"岗位带教：{pair}", request)
    return pair


@transaction.atomic
def check_in_add(*, acting_user, pair: MentorPair, data: dict, request=None) -> MentorCheckIn:
    """Record one meeting of a pair (date within the period, not in the future)."""
    check_open(pair.campaign)
    if not rules.may_check_in(acting_user, pair):
        raise PermissionError("只有带教双方或其科室负责人可以记录带教情况。")
    errors: dict[str, str] = {}
    held_on = data.get("held_on")
    if held_on is None:
        errors["held_on"] = "请填写日期。"
    elif held_on > clock.today():
        errors["held_on"] = "日期不能晚于今天。"
    elif not pair.starts_on <= held_on <= pair.ends_on:
        errors["held_on"] = (
            f"带教记录的日期须在带教期内（{_d(pair.starts_on)}至{_d(pair.ends_on)}）。"
        )
    if not (data.get("content") or "").strip():
        errors["content"] = "请填写带教内容。"
    _refuse(errors)
    check_in = MentorCheckIn.objects.create(
        pair=pair,
        held_on=held_on,
        content=data["content"].strip(),
        next_steps=(data.get("next_steps") or "").strip(),
        recorded_by=acting_user,
        recorded_by_name=display_name(acting_user),
        recorded_at=clock.now(),
    )
    _audit(acting_user, pair, f"带教记录 {held_on:%Y-%m-%d}：{pair}", request)
    return check_in


ROTATION_FIELDS = (
    "staff",
    "to_unit",
    "to_name",
    "post",
    "starts_on",
    "ends_on",
    "purpose",
    "summary",
)


@transaction.atomic
def rotation_save(
    *, acting_user, campaign: Campaign, data: dict, rotation: Rotation | None = None, request=None
) -> Rotation:
    """Record a 交流锻炼: who goes where (another section, or outside), for what, how long."""
    check_open(campaign)
    staff = data.get("staff")
    errors: dict[str, str] = {}
    problem = _active_office_staff(staff, "交流人员")
    if problem:
        errors["staff"] = problem
    to_unit, to_name = data.get("to_unit"), (data.get("to_name") or "").strip()
    from_unit = rotation.from_unit if rotation is not None else getattr(staff, "unit", None)
    if to_unit is None and not to_name:
        errors["to_unit"] = "请选择本系统内的交流单位，或填写系统外的交流单位。"
    elif to_unit is not None and to_name:
        errors["to_name"] = "交流单位只填一处：本系统内的选择单位，系统外的填写名称。"
    elif to_unit is not None and from_unit is not None and to_unit.pk == from_unit.pk:
        errors["to_unit"] = f"交流单位不能是本人所在单位（{from_unit.name}）。"
    if not (data.get("post") or "").strip():
        errors["post"] = "请填写交流岗位。"
    if not (data.get("purpose") or "").strip():
        errors["purpose"] = "请填写锻炼目标。"
    _check_period(errors, data.get("starts_on"), data.get("ends_on"))
    if not errors:
        target = rotation or Rotation(campaign=campaign, from_unit=from_unit)
        allowed = (
            rules.may_edit_rotation(acting_user, target)
            if rotation is not None
            else rules.may_manage(acting_user, campaign)
            or rules.heads_unit(acting_user, from_unit.pk)
        )
        if not allowed:
            raise PermissionError("只有本人所在科室负责人或活动组织者可以登记交流锻炼。")
    _refuse(errors)
    if rotation is None:
        rotation = Rotation(
            campaign=campaign, from_unit=from_unit, created_by=acting_user, created_at=clock.now()
        )
    for key in ROTATION_FIELDS:
        value = data.get(key)
        setattr(rotation, key, value.strip() if isinstance(value, str) else value)
    rotation.to_name = to_name
    rotation.summary = rotation.summary or ""
    rotation.save()
    _audit(acting_user, rotation, f"交流锻炼：{rotation}", request)
    return rotation


# --- competitions and quarterly stars -----------------------------------------------------------

COMPETITION_FIELDS = (
    "title",
    "discipline",
    "level",
    "organiser",
    "held_on",
    "place",
    "max_score",
    "note",
)


@transaction.atomic
def competition_save(
    *,
    acting_user,
    campaign: Campaign,
    data: dict,
    competition: Competition | None = None,
    request=None,
) -> Competition:
    check_open(campaign)
    if not rules.may_run_competitions(acting_user, campaign):
        raise PermissionError("只有办领导或牵头科室可以登记比武。")
    errors: dict[str, str] = {}
    held_on = data.get("held_on")
    if held_on is None:
        errors["held_on"] = "请填写比武日期。"
    elif held_on.year != campaign.year:
        errors["held_on"] = f"比武日期须在{campaign.year}年内。"
    max_score = data.get("max_score")
    if max_score is None or max_score <= 0:
        errors["max_score"] = "满分须大于 0。"
    elif competition is not None:
        top = competition.entries.aggregate(n=Max("score"))["n"]
        if top is not None and top > max_score:
            errors["max_score"] = f"已登记的最高成绩为 {top} 分，满分不能低于它。"
    for key, label in (
        ("title", "比武名称"),
        ("discipline", "专业/岗位"),
        ("organiser", "组织单位"),
    ):
        if not (data.get(key) or "").strip():
            errors[key] = f"请填写{label}。"
    _refuse(errors)
    if competition is None:
        competition = Competition(campaign=campaign, created_by=acting_user, created_at=clock.now())
    for key in COMPETITION_FIELDS:
        value = data.get(key)
        setattr(competition, key, value.strip() if isinstance(value, str) else value)
    competition.place = competition.place or ""
    competition.note = competition.note or ""
    competition.save()
    _audit(acting_user, competition, f"比武“{competition.title}”（{_d(held_on)}）", request)
    return competition


@transaction.atomic
def competition_results_save(
    *, acting_user, competition: Competition, rows: Sequence[dict], request=None
) -> list[CompetitionEntry]:
    """Replace the participants and their scores; the ranking follows from the scores."""
    check_open(competition.campaign)
    if not rules.may_run_competitions(acting_user, competition.campaign):
        raise PermissionError("只有办领导或牵头科室可以登记比武成绩。")
    errors: list[str] = []
    seen = set()
    today = clock.today()
    for number, row in enumerate(rows, start=1):
        staff, score = row.get("staff"), row.get("score")
        problem = _active_office_staff(staff, "参赛人员")
        if problem:
            errors.append(f"第 {number} 行：{problem}")
            continue
        if staff.pk in seen:
            errors.append(f"第 {number} 行：{staff.name}重复登记。")
        seen.add(staff.pk)
        if score is not None:
            if competition.held_on > today:
                errors.append(
                    f"第 {number} 行：比武尚未举行（{_d(competition.held_on)}），不能登记成绩。"
                )
            elif score < 0 or score > competition.max_score:
                errors.append(
                    f"第 {number} 行：{staff.name}的成绩 {score} 不在 0 到满分 "
                    f"{competition.max_score} 之间。"
                )
    if errors:
        raise ValidationError(errors)
    CompetitionEntry.objects.filter(competition=competition).delete()
    entries = CompetitionEntry.objects.bulk_create(
        CompetitionEntry(
            competition=competition,
            staff=row["staff"],
            unit=row["staff"].unit,
            score=row.get("score"),
            award=(row.get("award") or "").strip()[:30],
        )
        for row in rows
    )
    _audit(
        acting_user,
        competition,
        f"登记比武“{competition.title}”成绩：{len(entries)} 名参赛人员",
        request,
    )
    return entries


@transaction.atomic
def quarter_star_choose(
    *, acting_user, campaign: Campaign, data: dict, request=None
) -> QuarterStar:
    """Record a 季度之星 for a quarter of the campaign."""
    check_open(campaign)
    if not rules.may_choose_quarter_stars(acting_user, campaign):
        raise PermissionError("只有办领导、办党组或牵头科室可以登记“季度之星”。")
    errors: dict[str, str] = {}
    quarter, staff = data.get("quarter"), data.get("staff")
    quarters = selectors.quarters_of(campaign)
    chosen_on = data.get("chosen_on") or clock.today()
    if quarter not in quarters:
        errors["quarter"] = "实践活动期间没有该季度。"
    else:
        start, _end = selectors.quarter_bounds(campaign.year, quarter)
        if start > clock.today():
            errors["quarter"] = f"{campaign.year}年{Quarter(quarter).label}尚未开始。"
        elif chosen_on < start:
            errors["chosen_on"] = "评选日期不能早于该季度开始。"
    problem = _active_office_staff(staff, "季度之星")
    if problem:
        errors["staff"] = problem
    elif staff.unit.kind not in CAMPAIGN_UNIT_KINDS:
        errors["staff"] = "“季度之星”从机关科室和民防管理保障中心的干部职工中评选。"
    elif (
        quarter in quarters
        and QuarterStar.objects.filter(campaign=campaign, quarter=quarter, staff=staff).exists()
    ):
        errors["staff"] = f"{staff.name}已是本季度的“季度之星”。"
    if not (data.get("deeds") or "").strip():
        errors["deeds"] = "请填写主要事迹。"
    if chosen_on > clock.today():
        errors["chosen_on"] = "评选日期不能晚于今天。"
    _refuse(errors)
    star = QuarterStar.objects.create(
        campaign=campaign,
        quarter=quarter,
        staff=staff,
        unit=staff.unit,
        deeds=data["deeds"].strip(),
        chosen_on=chosen_on,
        chosen_by=acting_user,
    )
    _audit(acting_user, star, f"登记{star}", request)
    return star


# --- 四个够不够 discussions ----------------------------------------------------------------------


def discussion_save(
    *,
    acting_user,
    campaign: Campaign,
    data: dict,
    participants: Sequence[Staff],
    upload=None,
    discussion: Discussion | None = None,
    request=None,
) -> Discussion:
    """Record a section's 四个够不够 discussion: date, participants, minutes, problems found."""
    check_open(campaign)
    unit: Unit | None = data.get("unit") if discussion is None else discussion.unit
    if unit is None or unit.kind not in CAMPAIGN_UNIT_KINDS:
        raise ValidationError({"unit": "请选择科室。"})
    if not rules.may_record_discussion(acting_user, campaign, unit):
        raise PermissionError("只有本科室负责人或活动组织者可以记录大讨论。")
    errors: dict[str, str] = {}
    held_on, host = data.get("held_on"), data.get("host")
    if held_on is None:
        errors["held_on"] = "请填写讨论日期。"
    elif held_on > clock.today():
        errors["held_on"] = "讨论日期不能晚于今天。"
    elif not campaign.start <= held_on <= campaign.end:
        errors["held_on"] = "讨论日期须在实践活动期间。"
    problem = _active_office_staff(host, "主持人")
    if problem:
        errors["host"] = problem
    people = {p.pk: p for p in participants}
    if host is not None:
        people.setdefault(host.pk, host)
    if len(people) < 2:
        errors["participants"] = "参加人员至少 2 人。"
    elif not any(p.unit_id == unit.pk for p in people.values()):
        errors["participants"] = f"参加人员须包括{unit.name}的干部职工。"
    for person in people.values():
        problem = _active_office_staff(person, "参加人员")
        if problem:
            errors["participants"] = problem
    questions = [q for q in data.get("questions") or [] if q in FourQuestions.values]
    if not questions:
        errors["questions"] = "请至少选择“四个够不够”中的一个方面。"
    if not (data.get("minutes") or "").strip():
        errors["minutes"] = "请填写讨论纪要。"
    if upload is not None:
        try:
            MINUTES_VALIDATOR(upload)
        except ValidationError as error:
            errors["file"] = "；".join(error.messages)
    _refuse(errors)
    with atomic_with_files() as saved:
        if discussion is None:
            discussion = Discussion(
                campaign=campaign, unit=unit, recorded_by=acting_user, recorded_at=clock.now()
            )
        discussion.held_on, discussion.host = held_on, host
        discussion.place = (data.get("place") or "").strip()
        discussion.questions = questions
        for key in ("minutes", "problems", "measures"):
            setattr(discussion, key, (data.get(key) or "").strip())
        if upload is not None:
            content = (
                clean_image(upload) if extension_of(upload.name) in IMAGE_EXTENSIONS else upload
            )
            saved.save(discussion.file, content.name, content)
            discussion.original_name = upload.name[:200]
        discussion.save()
        discussion.participants.set(list(people.values()))
        _audit(
            acting_user,
            discussion,
            f"{unit.name}“四个够不够”大讨论（{_d(held_on)}，{len(people)} 人参加）",
            request,
        )
    return discussion


# --- the monthly ranking -----------------------------------------------------------------------


@transaction.atomic
def ranking_compile(*, acting_user, campaign: Campaign, month: int, request=None) -> MonthlyRanking:
    """Compute a month's ranking from the records as they stand and store it as a draft.

    A month that is submitted for confirmation or published is frozen: it is not recomputed.
    """
    check_open(campaign)
    if not rules.may_compile_ranking(acting_user, campaign):
        raise PermissionError("只有牵头科室负责人可以汇总每月排名。")
    if campaign.coordinator_unit_id is None:
        raise ValidationError("本年度实践活动尚未设置牵头科室，不能汇总排名。")
    if month not in campaign.months:
        raise ValidationError(f"{campaign.year}年{month}月不在实践活动期间。")
    _start, end = selectors.month_bounds(campaign.year, month)
    if end >= clock.today():
        raise ValidationError(f"{campaign.year}年{month}月尚未结束，月末后再汇总排名。")
    ranking = (
        MonthlyRanking.objects.select_for_update().filter(campaign=campaign, month=month).first()
    )
    now = clock.now()
    if ranking is None:
        ranking = MonthlyRanking(
            campaign=campaign,
            month=month,
            rule_text=ranking_rule_text(),
            compiled_at=now,
            compiled_by=acting_user,
        )
        workflow.subject_create(ranking, acting_user=acting_user)
    else:
        if ranking.approval.state == State.APPROVED:
            raise ValidationError(f"{campaign.year}年{month}月排名已公布，不能重新汇总。")
        workflow.ensure_editable(ranking)
        ranking.rule_text = ranking_rule_text()
        ranking.compiled_at, ranking.compiled_by = now, acting_user
        ranking.save()
    lines = selectors.ranking_lines(campaign=campaign, month=month)
    RankingRow.objects.filter(ranking=ranking).delete()
    RankingRow.objects.bulk_create(
        RankingRow(
            ranking=ranking,
            unit=line.unit,
            score=line.score,
            rank=line.rank,
            **{metric: line.get(metric) for metric in Metric.values},
        )
        for line in lines
    )
    _audit(acting_user, ranking, f"汇总{ranking}：{len(lines)} 个科室", request)
    return ranking


def ranking_submit(*, acting_user, ranking: MonthlyRanking, request=None):
    """Submit the compiled month to the 办领导 for confirmation."""
    return workflow.approval_submit(subject=ranking, acting_user=acting_user, request=request)


# --- copying a campaign to another year ---------------------------------------------------------


def _shifted(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def campaign_copy(
    *,
    acting_user,
    source: Campaign,
    year: int,
    doc_number: str,
    name: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    key_dates: dict[str, datetime.date] | None = None,
    request=None,
) -> tuple[Campaign, list[str]]:
    """Copy a campaign's structure to another year: key tasks, key dates shifted by the years
    between, and each programme's structure through its copy hook (slots, posts …). Work
    items, reports, teams and every other record stay behind.

    `start`, `end` and `key_dates` (code → date) replace the shifted dates where given (the
    new-year page lets the office edit them before saving). A year that already has a campaign
    is refused; everything is created in one transaction or nothing is. Return the new campaign
    and the log lines.
    """
    if not rules.may_copy_campaign(acting_user, source):
        raise PermissionError("只有办领导或牵头科室可以复制实践活动。")
    errors: dict[str, str] = {}
    if not year or year < 2000 or year > 2100:
        errors["year"] = "请填写正确的年度。"
    elif Campaign.objects.filter(year=year).exists():
        errors["year"] = f"{year}年已有实践活动，不能重复建立。"
    if not (doc_number or "").strip():
        errors["doc_number"] = "请填写文号。"
    years = (year or source.year) - source.year
    start = start or _shifted(source.start, years)
    end = end or _shifted(source.end, years)
    if end < start:
        errors["end"] = "结束日期不能早于开始日期。"
    _refuse(errors)
    overrides = key_dates or {}
    by_rule: dict = {}
    for hook in providers.copy_hooks():
        if hook.key_dates and year:
            by_rule.update(hook.key_dates(year))
    log: list[str] = []
    try:
        with transaction.atomic():
            target = Campaign.objects.create(
                name=(name or source.name).strip(),
                doc_number=doc_number.strip(),
                year=year,
                start=start,
                end=end,
                issued_on=None,
                organiser=source.organiser,
                coordinator_unit=source.coordinator_unit,
                text=source.text,
            )
            tasks = [
                KeyTask(campaign=target, order=t.order, title=t.title, description=t.description)
                for t in source.key_tasks.order_by("order")
            ]
            KeyTask.objects.bulk_create(tasks)
            log.append(f"重点任务 {len(tasks)} 项")
            # A programme may already have put its key dates in (from its own rules).
            present = set(KeyDate.objects.filter(campaign=target).values_list("code", flat=True))
            dates = [
                KeyDate(
                    campaign=target,
                    code=kd.code,
                    date=overrides.get(kd.code) or by_rule.get(kd.code) or _shifted(kd.date, years),
                    title=kd.title,
                    programme=kd.programme,
                    is_deadline=kd.is_deadline,
                    note=kd.note,
                )
                for kd in source.key_dates.all()
                if kd.code not in present
            ]
            KeyDate.objects.bulk_create(dates)
            log.append(f"关键节点 {len(dates) + len(present)} 个（顺延 {years} 年）")
            for hook in providers.copy_hooks():
                log.append(f"{hook.label}：{hook.copy(source, target)}")
            # A programme's hook may have put in its own dates: the edited ones still win.
            for code, day in overrides.items():
                KeyDate.objects.filter(campaign=target, code=code).update(date=day)
            _audit(
                acting_user,
                target,
                f"由{source.year}年实践活动复制：" + "；".join(log),
                request,
            )
    except IntegrityError as error:
        raise ValidationError({"year": f"{year}年已有实践活动，不能重复建立。"}) from error
    return target, log


def campaign_preview(*, source: Campaign, year: int) -> dict:
    """Return what `campaign_copy` would create for `year` (nothing is written)."""
    years = year - source.year
    by_rule: dict = {}
    for hook in providers.copy_hooks():
        if hook.key_dates:
            by_rule.update(hook.key_dates(year))
    return {
        "start": _shifted(source.start, years),
        "end": _shifted(source.end, years),
        "key_tasks": list(source.key_tasks.order_by("order")),
        "key_dates": [
            (kd, by_rule.get(kd.code) or _shifted(kd.date, years))
            for kd in source.key_dates.order_by("date", "id")
        ],
        "programmes": [
            (hook.label, hook.preview(source, year) if hook.preview else [])
            for hook in providers.copy_hooks()
        ],
    }


def campaign_close(*, acting_user, campaign: Campaign, request=None) -> Campaign:
    """Close a finished year: from now on its pages are read-only."""
    if not rules.may_close_campaign(acting_user, campaign):
        raise PermissionError("只有办领导或牵头科室可以结束年度工作。")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.is_closed:
            raise ValidationError(f"{locked.year}年度工作已经结束。")
        locked.closed_at = clock.now()
        locked.closed_by = acting_user
        locked.save(update_fields=["closed_at", "closed_by"])
        _audit(acting_user, locked, f"结束{locked.year}年度实践活动（此后只读）", request)
    return locked


def check_open(campaign: Campaign) -> None:
    """Refuse a write into a closed year."""
    if campaign is not None and campaign.is_closed:
        raise ValidationError(f"{campaign.year}年度工作已经结束，只能查看，不能再修改。")


# --- reminders (a daily job) -------------------------------------------------------------------

# Days before an item's deadline on which its owner and section head are reminded (0: the day).
REMIND_DAYS_BEFORE = (3, 0)


def _item_reminder(item, today: datetime.date) -> str | None:
    days = (item.deadline - today).days
    if days in REMIND_DAYS_BEFORE:
        when = "今天到期" if days == 0 else f"还有 {days} 天到期（{_d(item.deadline)}）"
        return f"实践活动提醒：{item.code} {item.title} {when}"
    if days == -1:
        return f"实践活动提醒：{item.code} {item.title} 已逾期（完成时限{_d(item.deadline)}）"
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


def unit_records_pdf_request(*, acting_user, campaign: Campaign, unit, request=None):
    """Queue the PDF of the yearly records of a unit's people (one page each)."""
    from qpdo.jobs.services import job_request

    from .exports import UNIT_RECORDS_JOB

    people = selectors.record_people_for(user=acting_user, campaign=campaign).filter(unit=unit)
    total = people.count()
    if not total:
        raise ValidationError("该单位没有您可以查看的个人实践档案。")
    return job_request(
        kind=UNIT_RECORDS_JOB,
        label=f"{campaign.year}年{unit.name}个人实践档案（{total}人）",
        params={"campaign": campaign.pk, "unit": unit.pk},
        total=total,
        acting_user=acting_user,
        request=request,
    )
