"""Pages of the monthly ranking."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from qpdo.org import clock
from qpdo.org.selectors import campaign_units
from qpdo.workflow import rules as workflow_rules
from qpdo.workflow import selectors as workflow_selectors
from qpdo.workflow.forms import DecisionForm
from qpdo.workflow.services import TransitionRefused

from .. import charts, rules, selectors, services
from ..enums import RANKING_BASE, RANKING_RULE, ranking_rule_text
from ..exports import RankingExporter
from ..ranking import COLUMNS
from .base import CampaignMixin

# --- the monthly ranking -------------------------------------------------------------------------


def _month_or_default(campaign, month: int | None) -> int:
    today = clock.today()
    if month in campaign.months:
        return month
    published = selectors.latest_published_ranking(campaign)
    if published is not None:
        return published.month
    ended = [m for m in campaign.months if selectors.month_bounds(campaign.year, m)[1] < today]
    return ended[-1] if ended else campaign.months[0]


class RankingView(CampaignMixin, TemplateView):
    """A month's section ranking: table, chart, the rule, and the month-by-month trend."""

    template_name = "campaigns/ranking/month.html"
    tab = "ranking"

    def get(self, request, *args, **kwargs):
        if "month" not in kwargs:
            month = _month_or_default(self.campaign, None)
            return redirect("campaigns:ranking", year=self.campaign.year, month=month)
        if kwargs["month"] not in self.campaign.months:
            raise Http404("该月份不在实践活动期间。")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        month = kwargs["month"]
        view = selectors.ranking_view(user=user, campaign=self.campaign, month=month)
        stored = selectors.rankings_of(self.campaign)
        trend = selectors.ranking_trend(user=user, campaign=self.campaign)
        units = list(campaign_units())
        ranking = view["ranking"]
        may_compile = rules.may_compile_ranking(user, self.campaign)
        ended = selectors.month_bounds(self.campaign.year, month)[1] < clock.today()
        approval = ranking.approval if ranking else None
        may_decide = (
            approval is not None and workflow_rules.refusal_to_decide(user, approval) is None
        )
        start, end = selectors.month_bounds(self.campaign.year, month)
        evidence = selectors.exchange_evidence(
            campaign=self.campaign, start=start, end=end, units=units
        )
        context.update(
            month=month,
            view=view,
            exchange_evidence=[(u, evidence[u.pk]) for u in units if u.pk in evidence],
            lines=view["lines"],
            columns=COLUMNS,
            rule=RANKING_RULE,
            rule_base=RANKING_BASE,
            rule_text=ranking.rule_text
            if ranking and view["source"] != "live"
            else ranking_rule_text(),
            chart=charts.score_bars(view["lines"]) if view["lines"] else None,
            trend=charts.trend_lines(self.campaign.months, units, trend),
            months=[
                {
                    "month": m,
                    "state": stored[m].approval.state if m in stored else "",
                    "label": stored[m].approval.state_label if m in stored else "",
                }
                for m in self.campaign.months
            ],
            approval=approval,
            history=workflow_selectors.history(approval) if approval else [],
            may_compile=may_compile and ended and (approval is None or approval.is_editable),
            may_submit=(
                approval is not None
                and workflow_rules.refusal_to_submit(user, approval, ranking) is None
            ),
            decision_form=DecisionForm(approval=approval) if may_decide else None,
            ended=ended,
        )
        return context


class RankingCompileView(CampaignMixin, View):
    """POST: compute the month from the records and store it (the 牵头科室)."""

    http_method_names = ["post"]

    def post(self, request, year: int, month: int):
        try:
            ranking = services.ranking_compile(
                acting_user=request.user, campaign=self.campaign, month=month
            )
            if "submit" in request.POST:
                services.ranking_submit(acting_user=request.user, ranking=ranking)
                messages.success(request, f"{month}月排名已汇总并提交办领导确认。")
            else:
                messages.success(request, f"{month}月排名已汇总，核对无误后提交办领导确认。")
        except (ValidationError, TransitionRefused) as error:
            text = (
                error.message if isinstance(error, TransitionRefused) else "；".join(error.messages)
            )
            messages.error(request, text)
        return redirect("campaigns:ranking", year=year, month=month)


class RankingXlsxView(CampaignMixin, View):
    def get(self, request, year: int, month: int):
        if month not in self.campaign.months:
            raise Http404("该月份不在实践活动期间。")
        view = selectors.ranking_view(user=request.user, campaign=self.campaign, month=month)
        if view["source"] == "hidden":
            raise Http404("该月排名尚未公布。")
        return RankingExporter(campaign=self.campaign, month=month, view=view).response()
