"""Reads of the monthly ranking."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, OuterRef, Subquery

from qpdo.org.dates import local_date
from qpdo.org.selectors import campaign_units
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion

from .. import providers, rules
from ..chains import PROGRESS_CHAIN
from ..enums import Metric
from ..models import Campaign, MonthlyRanking, RankingRow, WorkItem
from ..ranking import Line, rank_lines
from .campaign import day_start, month_bounds
from .items import with_progress

# --- the monthly ranking ---------------------------------------------------------------------


def ranking_lines(*, campaign: Campaign, month: int, units=None) -> list[Line]:
    """Compute a month's lines for the sections (live, from the records as they stand now).

    Items: 到期事项 = deadline in the month; 按期完成 = of those, done (verified) by the
    deadline; 逾期未完成 = deadline by the month's end, not done by then. Reports: progress
    reports first submitted in the month. The programmes add theirs through providers.
    """
    units = list(units if units is not None else campaign_units())
    start, end = month_bounds(campaign.year, month)
    counts: dict[int, dict[str, int]] = {u.pk: defaultdict(int) for u in units}
    items = with_progress(
        WorkItem.objects.filter(campaign=campaign, unit__in=units, deadline__lte=end),
        today=end,
    ).values("unit_id", "deadline", "done_at")
    for row in items:
        line = counts[row["unit_id"]]
        done_on = local_date(row["done_at"])
        if row["deadline"] >= start:
            line[Metric.ITEMS_DUE] += 1
            if done_on is not None and done_on <= row["deadline"]:
                line[Metric.ITEMS_DONE] += 1
        if done_on is None or done_on > end:
            line[Metric.ITEMS_OVERDUE] += 1
    filed = (
        Opinion.objects.filter(
            approval__chain_code=PROGRESS_CHAIN.code,
            action=Action.SUBMIT,
            round=1,
            at__gte=day_start(start),
            at__lt=day_start(end + datetime.timedelta(days=1)),
            approval__unit__in=units,
        )
        .values("approval__unit")
        .annotate(n=Count("pk"))
    )
    for row in filed:
        counts[row["approval__unit"]][Metric.REPORTS_FILED] += row["n"]
    for metric, by_unit in providers.monthly_metrics(
        campaign, start=start, end=end, units=units
    ).items():
        for unit_id, n in by_unit.items():
            if unit_id in counts:
                counts[unit_id][metric] += n
    return rank_lines(Line(unit=u, metrics=dict(counts[u.pk])) for u in units)


def stored_lines(ranking: MonthlyRanking) -> list[Line]:
    """Return the lines of a compiled month as they were stored (and confirmed)."""
    rows = RankingRow.objects.filter(ranking=ranking).select_related("unit")
    return [_line_of(row) for row in rows.order_by("rank", "unit__order")]


def _line_of(row: RankingRow) -> Line:
    metrics = {metric: getattr(row, metric) for metric in Metric.values}
    return Line(unit=row.unit, metrics=metrics, score=row.score, rank=row.rank)


def rankings_of(campaign: Campaign) -> dict[int, MonthlyRanking]:
    """Return the campaign's compiled months (with their approval), by month."""
    return {
        r.month: r
        for r in MonthlyRanking.objects.filter(campaign=campaign).select_related("approval")
    }


def ranking_get(*, campaign: Campaign, month: int) -> MonthlyRanking | None:
    return (
        MonthlyRanking.objects.filter(campaign=campaign, month=month)
        .select_related("approval", "compiled_by__staff")
        .first()
    )


def ranking_view(*, user, campaign: Campaign, month: int) -> dict:
    """Return what the user sees of a month's ranking.

    Published (confirmed) months are shown to all staff as stored. Before that only the
    organisers and office-wide roles see the month: the submitted numbers while it waits for
    confirmation, else the live numbers.
    """
    ranking = ranking_get(campaign=campaign, month=month)
    state = ranking.approval.state if ranking else None
    published = state == State.APPROVED
    preview = rules.may_preview_ranking(user, campaign)
    if published:
        lines, source = stored_lines(ranking), "published"
    elif not preview:
        lines, source = [], "hidden"
    elif ranking is not None and state == State.IN_REVIEW:
        lines, source = stored_lines(ranking), "submitted"
    else:
        lines, source = ranking_lines(campaign=campaign, month=month), "live"
    return {
        "ranking": ranking,
        "lines": lines,
        "source": source,
        "published": published,
        "published_at": ranking.approval.decided_at if published else None,
    }


def ranking_trend(*, user, campaign: Campaign) -> dict[int, dict[int, Line]]:
    """Return per month the stored lines the user may see (published, or all compiled for the
    organisers), keyed by unit id: the month-by-month picture."""
    rows = RankingRow.objects.filter(ranking__campaign=campaign).select_related(
        "unit", "ranking__approval"
    )
    if not rules.may_preview_ranking(user, campaign):
        rows = rows.filter(ranking__approval__state=State.APPROVED)
    trend: dict[int, dict[int, Line]] = defaultdict(dict)
    for row in rows:
        trend[row.ranking.month][row.unit_id] = _line_of(row)
    return dict(trend)


def latest_published_ranking(campaign: Campaign, *, unit=None) -> MonthlyRanking | None:
    """Return the campaign's latest published ranking; with `unit`, its rank and score on it
    as `unit_rank` and `unit_score` (None when the unit has no line), in the same statement."""
    rankings = MonthlyRanking.objects.filter(campaign=campaign, approval__state=State.APPROVED)
    if unit is not None:
        line = RankingRow.objects.filter(ranking=OuterRef("pk"), unit=unit)
        rankings = rankings.annotate(
            unit_rank=Subquery(line.values("rank")[:1]),
            unit_score=Subquery(line.values("score")[:1]),
        )
    ranking = rankings.select_related("approval").order_by("-month").first()
    if ranking is not None:
        ranking.campaign = campaign  # its URL and title need the year: no second statement
    return ranking


def months_to_compile(campaign: Campaign, *, today: datetime.date) -> list[int]:
    """Return the ended months of the campaign that have no compiled ranking yet."""
    done = set(MonthlyRanking.objects.filter(campaign=campaign).values_list("month", flat=True))
    return [
        m for m in campaign.months if month_bounds(campaign.year, m)[1] < today and m not in done
    ]
