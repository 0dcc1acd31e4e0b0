"""The printed lists (工作清单, 整改清单) as they stood on a chosen day.

Each line is rebuilt from what was recorded by the end of that day: the items created by then,
the progress reports and their 流转记录 (the engine's opinions, each with its signer and time),
the milestones reached by reports verified by then, the 回头看 dated by then. Nothing written
later shows, so a list printed today "as of 30 June" reads as the list printed on 30 June.
Five queries whatever the number of items.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from qpdo.org import clock
from qpdo.org.dates import cn_date, local_date
from qpdo.org.models import Unit
from qpdo.workflow.enums import Action
from qpdo.workflow.models import Opinion

from ..enums import ItemKind, ItemStatus
from ..models import Campaign, Milestone, ProgressReport, Recheck, WorkItem
from .items import item_list_for, item_units_for, status_label, status_of

SHEET_TITLES = {ItemKind.TASK: "工作清单", ItemKind.RECTIFICATION: "整改清单"}
SHEET_CODES = {ItemKind.TASK: "tasks", ItemKind.RECTIFICATION: "rectification"}


@dataclass
class SheetLine:
    """One printed line: the ten columns as text, and the facts they were made from."""

    item: WorkItem
    number: str
    subject: str
    unit: str
    owner: str
    measures: str
    milestones: str
    deadline: str
    progress: str
    verification: str
    closed: str
    status: ItemStatus
    status_label: str
    done_on: datetime.date | None = None
    percent: int = 0

    def cells(self) -> list[str]:
        return [
            self.number,
            self.subject,
            self.unit,
            self.owner,
            self.measures,
            self.milestones,
            self.deadline,
            self.progress,
            self.verification,
            self.closed,
        ]


@dataclass
class Sheet:
    """A 清单 as of a day: its title, scope and lines, and the counts printed under it."""

    campaign: Campaign
    kind: str
    as_of: datetime.date
    unit: Unit | None
    lines: list[SheetLine] = field(default_factory=list)

    @property
    def name(self) -> str:
        return SHEET_TITLES[self.kind]

    @property
    def scope_label(self) -> str:
        return self.unit.name if self.unit else "全办"

    @property
    def title(self) -> str:
        return f"{self.campaign.year}年度实践活动{self.name}"

    @property
    def subtitle(self) -> str:
        return f"范围：{self.scope_label}　　截至 {cn_date(self.as_of)}"

    @property
    def headers(self) -> list[str]:
        subject = "问题" if self.kind == ItemKind.RECTIFICATION else "任务"
        return [
            "序号",
            subject,
            "责任科室",
            "责任人",
            "措施",
            "节点",
            "时限",
            "进展",
            "核验",
            "销号",
        ]

    @property
    def counts(self) -> dict[str, int]:
        done = sum(1 for line in self.lines if line.done_on is not None)
        overdue = sum(1 for line in self.lines if line.status == ItemStatus.OVERDUE)
        late = sum(1 for line in self.lines if line.status == ItemStatus.DONE_LATE)
        return {"total": len(self.lines), "done": done, "late": late, "overdue": overdue}

    @property
    def summary(self) -> str:
        counts = self.counts
        closed = "销号" if self.kind == ItemKind.RECTIFICATION else "完成"
        return (
            f"共 {counts['total']} 项：已{closed} {counts['done']} 项（其中逾期{closed} "
            f"{counts['late']} 项），未{closed} {counts['total'] - counts['done']} 项"
            f"（其中已逾期 {counts['overdue']} 项）。"
        )

    def filename(self, extension: str) -> str:
        return (
            f"{self.campaign.year}年{self.name}-{self.scope_label}-截至{self.as_of:%Y%m%d}"
            f".{extension}"
        )


def _end_of(day: datetime.date) -> datetime.datetime:
    return clock.at(day.year, day.month, day.day) + datetime.timedelta(days=1)


def _md(day: datetime.date | None) -> str:
    return f"{day.month}月{day.day}日" if day else ""


def sheet_units_for(*, user, campaign: Campaign) -> QuerySet[Unit]:
    """Return the units whose list the user may print: the organisers every unit, a section
    head their own."""
    return item_units_for(user=user, campaign=campaign)


def sheet_items_for(*, user, campaign: Campaign, kind: str, unit: Unit | None, as_of):
    """Return the items of one list the user may see, created by the end of `as_of`."""
    items = item_list_for(user=user, campaign=campaign).filter(
        kind=kind, created_at__lt=_end_of(as_of)
    )
    if unit is not None:
        items = items.filter(unit=unit)
    return items.order_by("number")


def _report_state(opinions: list[Opinion]) -> tuple[str, Opinion | None]:
    """Return how a report stood after these opinions (oldest first) and its last decision."""
    state, decision = "draft", None
    for opinion in opinions:
        if opinion.action == Action.SUBMIT:
            state = "in_review"
        elif opinion.action == Action.APPROVE:
            state, decision = "approved", opinion
        elif opinion.action == Action.RETURN:
            state, decision = "returned", opinion
        elif opinion.action == Action.REJECT:
            state, decision = "rejected", opinion
        elif opinion.action == Action.WITHDRAW:
            state = "withdrawn"
    return state, decision


def sheet_for(*, user, campaign: Campaign, kind: str, as_of: datetime.date, unit=None) -> Sheet:
    """Return the list as it stood at the end of `as_of`, scoped to what the user may see."""
    sheet = Sheet(campaign=campaign, kind=kind, as_of=as_of, unit=unit)
    end = _end_of(as_of)
    items = list(sheet_items_for(user=user, campaign=campaign, kind=kind, unit=unit, as_of=as_of))
    ids = [item.pk for item in items]
    milestones: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(item_id__in=ids).order_by("due_on", "order"):
        milestones.setdefault(milestone.item_id, []).append(milestone)
    reports = list(
        ProgressReport.objects.filter(item_id__in=ids, created_at__lt=end)
        .select_related("approval")
        .order_by("created_at", "id")
    )
    history: dict[int, list[Opinion]] = {}
    for opinion in Opinion.objects.filter(
        approval_id__in=[r.approval_id for r in reports], at__lt=end
    ).order_by("at", "id"):
        history.setdefault(opinion.approval_id, []).append(opinion)
    rechecks: dict[int, list[Recheck]] = {}
    for recheck in Recheck.objects.filter(item_id__in=ids, checked_on__lte=as_of).order_by(
        "checked_on", "id"
    ):
        rechecks.setdefault(recheck.item_id, []).append(recheck)
    by_item: dict[int, list[ProgressReport]] = {}
    for report in reports:
        by_item.setdefault(report.item_id, []).append(report)
    for item in items:
        sheet.lines.append(
            _line(
                item,
                kind=kind,
                as_of=as_of,
                milestones=milestones.get(item.pk, []),
                reports=by_item.get(item.pk, []),
                history=history,
                rechecks=rechecks.get(item.pk, []),
            )
        )
    return sheet


def _line(item, *, kind, as_of, milestones, reports, history, rechecks) -> SheetLine:
    approved, pending, final = [], None, None
    for report in reports:
        opinions = history.get(report.approval_id, [])
        state, decision = _report_state(opinions)
        submitted = next((o for o in reversed(opinions) if o.action == Action.SUBMIT), None)
        if state == "approved":
            approved.append((report, decision, submitted))
            if report.is_final and final is None:
                final = (report, decision, submitted)
        elif state == "in_review":
            pending = (report, submitted)
    done_on = local_date(final[2].at) if final and final[2] else None
    reached: dict[int, datetime.date] = {}
    for report, _decision, submitted in approved:
        if report.milestone_id and submitted:
            reached.setdefault(report.milestone_id, local_date(submitted.at))
    late_milestones = sum(1 for m in milestones if m.pk not in reached and m.due_on < as_of)
    status = status_of(
        deadline=item.deadline, done_on=done_on, today=as_of, late_milestones=late_milestones
    )
    subject = item.title
    extra = item.problem if kind == ItemKind.RECTIFICATION else item.goal
    if extra:
        subject += "\n" + extra
    if item.is_rectification and item.rectify_mode:
        subject += f"\n（{item.get_rectify_mode_display()}）"
    milestone_lines = []
    for milestone in milestones:
        if milestone.pk in reached:
            mark = f"（{_md(reached[milestone.pk])}达到）"
        elif milestone.due_on < as_of and done_on is None:
            mark = "（逾期未达到）"
        else:
            mark = ""
        milestone_lines.append(f"{_md(milestone.due_on)} {milestone.title}{mark}")
    percent = max((r.percent for r, _d, _s in approved), default=0)
    progress = [f"完成 {percent}%"] if approved else ["尚未报告进展"]
    if approved:
        latest, _decision, submitted = approved[-1]
        progress.append(f"{_md(local_date(submitted.at) if submitted else None)}：{latest.text}")
    progress.append(status_label(status, item.kind))
    verification = []
    if final:
        report, decision, _submitted = final
        verification.append(
            f"{report.kind_label}{decision.action_label or '核验通过'}："
            f"{decision.actor_name} {cn_date(decision.at)}"
        )
    elif approved:
        _report, decision, _submitted = approved[-1]
        verification.append(
            f"进展{decision.action_label or '核验通过'}：{decision.actor_name} "
            f"{cn_date(decision.at)}"
        )
    if pending:
        report, submitted = pending
        when = f"（{_md(local_date(submitted.at))}报送）" if submitted else ""
        verification.append(f"{report.kind_label}待核验{when}")
    for recheck in rechecks:
        verification.append(
            f"回头看 {cn_date(recheck.checked_on)}：{recheck.get_outcome_display()}"
            f"（{recheck.checked_by_name}）"
        )
    if done_on:
        closed = f"{status_label(status, item.kind)}\n{cn_date(done_on)}"
    else:
        closed = "未销号" if item.is_rectification else "未完成"
    return SheetLine(
        item=item,
        number=item.code,
        subject=subject,
        unit=item.unit.name,
        owner=item.owner.name,
        measures=item.measures,
        milestones="\n".join(milestone_lines),
        deadline=cn_date(item.deadline),
        progress="\n".join(progress),
        verification="\n".join(verification) or "—",
        closed=closed,
        status=status,
        status_label=status_label(status, item.kind),
        done_on=done_on,
        percent=percent,
    )
