"""What the 六进 programme tells the campaign (registered in OutreachConfig.ready()).

The 六进 reports are filed by the 街镇 and member units, not by the office's sections, so the
programme adds nothing to the monthly section ranking. It adds to each person's yearly record:
the reports a person handed in and had adopted, the plans and reports they reviewed for the
office (宣教审核), and the reports they put forward to the city office (报市国动办). On a copy
to next year the year's 六进 key dates are set from their rules; the six fronts are standing
reference data and need no copy.

Every function runs a fixed number of queries whatever the number of people.
"""

from __future__ import annotations

from django.db.models import Count

from campaigns import providers
from campaigns.providers import Provider, RecordEntry, RecordPart
from qpdo.org.dates import local_date
from qpdo.workflow.enums import DECISIONS, State
from qpdo.workflow.models import Opinion

from .chains import DECISION_LABELS, PLAN_CHAIN, REPORT_CHAIN
from .keydates import RULES, computed_days
from .models import Report
from .services import key_dates_sync

CHAINS = (PLAN_CHAIN.code, REPORT_CHAIN.code)


def record(campaign, *, staff) -> dict[int, RecordPart]:
    """Return per person their adopted reports, their reviews and their city promotions."""
    by_user = {s.user_id: s.pk for s in staff if s.user_id}
    parts: dict[int, RecordPart] = {}

    def part_of(user_id) -> RecordPart:
        return parts.setdefault(
            by_user[user_id], RecordPart(counts={"outreach_reports": 0, "outreach_reviews": 0})
        )

    if not by_user:
        return parts
    adopted = (
        Report.objects.filter(
            approval__submitter_id__in=by_user,
            approval__state=State.APPROVED,
            held_on__year=campaign.year,
        )
        .select_related("approval", "unit")
        .order_by("held_on", "id")
    )
    for report in adopted:
        part = part_of(report.approval.submitter_id)
        part.counts["outreach_reports"] += 1
        part.entries.append(
            RecordEntry(
                "“六进”活动信息", report.title, report.held_on, f"{report.unit.name}报送，已采用"
            )
        )
    reviews = (
        Opinion.objects.filter(
            actor_id__in=by_user,
            approval__chain_code__in=CHAINS,
            action__in=DECISIONS,
            at__year=campaign.year,
        )
        .select_related("approval__unit")
        .order_by("at", "id")
    )
    for opinion in reviews:
        part = part_of(opinion.actor_id)
        part.counts["outreach_reviews"] += 1
        part.entries.append(
            RecordEntry(
                "“六进”宣教审核",
                opinion.approval.title,
                local_date(opinion.at),
                f"{opinion.approval.unit.name} · "
                + DECISION_LABELS.get(opinion.approval.chain_code, {}).get(
                    opinion.action, opinion.get_action_display()
                ),
            )
        )
    promoted = Report.objects.filter(
        promoted_by_id__in=by_user, promoted_to_city=True, promoted_at__year=campaign.year
    ).order_by("promoted_at", "id")
    for report in promoted:
        part = part_of(report.promoted_by_id)
        part.entries.append(
            RecordEntry(
                "报市国动办推广",
                report.title,
                local_date(report.promoted_at),
                "“六进”活动信息报市国动办",
            )
        )
    return parts


def record_counts(campaign, *, staff) -> dict[int, dict[str, int]]:
    """Return per person the counts of `record` (adopted reports, reviews), counted in SQL."""
    by_user = {s.user_id: s.pk for s in staff if s.user_id}
    counts: dict[int, dict[str, int]] = {}
    if not by_user:
        return counts

    def add(rows, key) -> None:
        for user_id, n in rows:
            entry = counts.setdefault(
                by_user[user_id], {"outreach_reports": 0, "outreach_reviews": 0}
            )
            entry[key] += n

    add(
        Report.objects.filter(
            approval__submitter_id__in=by_user,
            approval__state=State.APPROVED,
            held_on__year=campaign.year,
        )
        .values_list("approval__submitter_id")
        .annotate(n=Count("id"))
        .order_by(),
        "outreach_reports",
    )
    add(
        Opinion.objects.filter(
            actor_id__in=by_user,
            approval__chain_code__in=CHAINS,
            action__in=DECISIONS,
            at__year=campaign.year,
        )
        .values_list("actor_id")
        .annotate(n=Count("id"))
        .order_by(),
        "outreach_reviews",
    )
    return counts


def copy_key_dates(source, target) -> str:
    """Set the new year's 六进 key dates from their rules (the fronts are standing data)."""

    dates = key_dates_sync(campaign=target)
    return f"按规则生成关键节点 {len(dates)} 个；六个方面为常设，无需复制"


def preview_key_dates(source, year: int) -> list[str]:
    """List the year's 六进 dates from their rules (计划 due end of February, 国防教育日 …)."""

    return [f"{day.title}：{day.date.month}月{day.date.day}日" for day in computed_days(year)]


def rule_key_dates(year: int) -> dict:
    """Return the year's 六进 dates by rule (全民国防教育日: third Saturday of September …),
    the defaults of a new year instead of last year's dates shifted."""

    return {rule.code: rule.compute(year) for rule in RULES}


PROVIDER = Provider(
    label="宣传教育“六进”",
    order=50,
    columns=(("outreach_reports", "六进信息"), ("outreach_reviews", "六进审核")),
    record=record,
    record_counts=record_counts,
)


def register() -> None:
    providers.register("outreach", PROVIDER)
    providers.register_copy_hook(
        "outreach",
        label="宣传教育“六进”",
        copy=copy_key_dates,
        order=50,
        preview=preview_key_dates,
        key_dates=rule_key_dates,
    )
