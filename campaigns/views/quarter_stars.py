"""Pages of the 季度之星: the chosen stars per quarter, the recommendations, recommend, edit.

The decisions (牵头科室审核, 办党组评定) are made on the approval page or in the admin, as for
every chain.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, ListView

from qpdo.org import clock
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.scoping import user_unit

from .. import rules, selectors, services
from ..forms import QuarterStarEditForm, QuarterStarForm
from .base import PAGE_SIZE, CampaignMixin, ServiceFormMixin


class QuarterStarListView(CampaignMixin, ListView):
    template_name = "campaigns/quarterstar/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    context_object_name = "recommendations"
    tab = "stars"

    def get_queryset(self):
        return selectors.quarter_star_recommendations(
            campaign=self.campaign, user=self.request.user
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stars = list(selectors.quarter_star_list(campaign=self.campaign))
        context.update(
            quarters=[
                (q, [s for s in stars if s.quarter == q])
                for q in selectors.quarters_of(self.campaign)
            ],
            may_recommend=rules.may_recommend_quarter_star(self.request.user, self.campaign)
            and not self.campaign.is_closed,
            user_unit_id=getattr(user_unit(self.request.user), "pk", None),
            sees_recommendations=rules.sees_all(self.request.user, self.campaign)
            or rules.may_recommend_quarter_star(self.request.user, self.campaign),
        )
        return context


class QuarterStarCreateView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:quarter-star-list"
    form_class = QuarterStarForm
    template_name = "campaigns/quarterstar/form.html"
    tab = "stars"
    heading = "推荐“季度之星”"
    success_message = "推荐已提交牵头科室审核。"
    extra_context = {"submit_label": "推荐并提交牵头科室审核"}

    def dispatch(self, request, *args, **kwargs):
        if rules.is_office_staff(request.user) and not rules.may_recommend_quarter_star(
            request.user, None
        ):
            raise PermissionDenied("“季度之星”由各科室负责人推荐本科室人员。")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        unit = user_unit(self.request.user)
        kwargs.update(
            quarters=selectors.quarters_of(self.campaign),
            people=selectors.campaign_staff().filter(unit=unit),
        )
        return kwargs

    def get_initial(self):
        # The quarter just ended (or running): the one a 科室 recommends for now.
        started = [
            q
            for q in selectors.quarters_of(self.campaign)
            if selectors.quarter_bounds(self.campaign.year, q)[0] <= clock.today()
        ]
        return {"quarter": started[-1].value} if started else {}

    def save(self, data):
        return services.quarter_star_recommend(
            acting_user=self.request.user,
            campaign=self.campaign,
            quarter=data["quarter"],
            staff=data["staff"],
            deeds=data["deeds"],
        )

    def success_url_for(self, obj) -> str:
        return reverse("campaigns:quarter-star-list", args=[self.campaign.year])


class QuarterStarEditView(CampaignMixin, ServiceFormMixin, FormView):
    """The recommending 科室负责人 revises a returned recommendation and hands it in again."""

    list_url_name = "campaigns:quarter-star-list"
    form_class = QuarterStarEditForm
    template_name = "campaigns/quarterstar/form.html"
    tab = "stars"
    success_message = "推荐已修改并重新提交。"
    extra_context = {"submit_label": "修改并重新提交"}

    def get_star(self):
        if not hasattr(self, "star"):
            star = get_object_or_404(
                selectors.quarter_star_recommendations(
                    campaign=self.campaign, user=self.request.user
                ),
                pk=self.kwargs["pk"],
            )
            if not rules.heads_unit(self.request.user, star.unit_id):
                raise Http404("未找到该推荐。")
            self.star = star
        return self.star

    def get_initial(self):
        return {"deeds": self.get_star().deeds}

    def get_context_data(self, **kwargs):
        star = self.get_star()
        self.heading = f"修改推荐：{star.staff.name}（{star.get_quarter_display()}）"
        return super().get_context_data(**kwargs)

    def save(self, data):
        return services.quarter_star_update(
            acting_user=self.request.user,
            star=self.get_star(),
            deeds=data["deeds"],
        )

    def success_url_for(self, obj) -> str:
        return reverse("campaigns:quarter-star-list", args=[self.campaign.year])
