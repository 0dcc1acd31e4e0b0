"""Writes of the monthly ranking: compiling and submitting it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import State

from .. import rules, selectors
from ..enums import Metric, ranking_rule_text
from ..models import Campaign, MonthlyRanking, RankingRow
from .common import _audit, check_open

if TYPE_CHECKING:
    from qpdo.workflow.models import Approval

# --- the monthly ranking -----------------------------------------------------------------------


def ranking_check_complete(ranking: MonthlyRanking) -> None:
    """Refuse to submit a month that has not been compiled (a ValidationError)."""
    if not ranking.rows.exists():
        raise ValidationError("尚未汇总本月排名。")


@transaction.atomic
def ranking_compile(*, acting_user: User, campaign: Campaign, month: int) -> MonthlyRanking:
    """Compute a month's ranking from the records as they stand and store it as a draft.

    A month that is submitted for confirmation or published is frozen: it is not recomputed.
    """
    check_open(campaign)
    if not rules.may_compile_ranking(acting_user, campaign):
        raise Refused("只有牵头科室负责人可以汇总每月排名。")
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
    _audit(acting_user, ranking, f"汇总{ranking}：{len(lines)} 个科室")
    return ranking


def ranking_submit(*, acting_user: User, ranking: MonthlyRanking) -> Approval:
    """Submit the compiled month to the 办领导 for confirmation."""
    return workflow.approval_submit(subject=ranking, acting_user=acting_user)
