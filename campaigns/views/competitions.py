"""Pages of the 比武."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView, ListView, TemplateView

from qpdo.errors import Refused
from qpdo.org.caching import CachedCountPaginator

from .. import rules, selectors, services
from ..forms import CompetitionForm, EntryFormSet
from .base import PAGE_SIZE, CampaignMixin, ServiceFormMixin

# --- competitions --------------------------------------------------------------------------------


class CompetitionListView(CampaignMixin, ListView):
    template_name = "campaigns/competition/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "competitions"

    def get_queryset(self):
        return selectors.competition_list(campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = rules.may_run_competitions(self.request.user, self.campaign)
        return context


class CompetitionDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/competition/detail.html"
    tab = "competitions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        competition = selectors.competition_get(campaign=self.campaign, pk=kwargs["pk"])
        context.update(
            competition=competition,
            entries=selectors.standings(competition),
            may_edit=rules.may_run_competitions(self.request.user, self.campaign),
        )
        return context


class CompetitionFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:competition-list"
    form_class = CompetitionForm
    template_name = "campaigns/competition/form.html"
    tab = "competitions"
    competition = None
    success_message = "比武已保存。"

    def get(self, request, *args, **kwargs):
        if not rules.may_run_competitions(request.user, self.campaign):
            raise Refused("只有办领导或牵头科室可以登记比武。")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["competition"] = self.competition
        return context

    def save(self, data):
        return services.competition_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            **{k: data.get(k) for k in services.COMPETITION_FIELDS},
            competition=self.competition,
        )


class CompetitionCreateView(CompetitionFormView):
    heading = "登记比武"


class CompetitionUpdateView(CompetitionFormView):
    heading = "修改比武"

    def get_form(self, form_class=None):
        if self.competition is None:
            self.competition = selectors.competition_get(
                campaign=self.campaign, pk=self.kwargs["pk"]
            )
        return super().get_form(form_class)

    def get_initial(self):
        competition = self.competition or selectors.competition_get(
            campaign=self.campaign, pk=self.kwargs["pk"]
        )
        return {key: getattr(competition, key) for key in services.COMPETITION_FIELDS}


class CompetitionResultsView(CampaignMixin, TemplateView):
    """Participants, scores and awards of a 比武, as rows."""

    template_name = "campaigns/competition/results.html"
    tab = "competitions"

    def _load(self):
        self.competition = selectors.competition_get(campaign=self.campaign, pk=self.kwargs["pk"])
        if not rules.may_run_competitions(self.request.user, self.campaign):
            raise Refused("只有办领导或牵头科室可以登记比武成绩。")

    def _formset(self, data=None):
        initial = [
            {"staff": e.staff, "score": e.score, "award": e.award}
            for e in self.competition.entries.select_related("staff").order_by("id")
        ]
        return EntryFormSet(
            data, prefix="entries", initial=initial, people=selectors.office_people()
        )

    def get(self, request, *args, **kwargs):
        self._load()
        return self.render_to_response(self.get_context_data(formset=self._formset(), **kwargs))

    def post(self, request, *args, **kwargs):
        self._load()
        formset = self._formset(request.POST)
        errors = []
        if formset.is_valid():
            try:
                services.competition_results_save(
                    acting_user=request.user,
                    competition=self.competition,
                    rows=formset.rows(),
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, "比武成绩已保存，名次按成绩自动排定。")
                return redirect(self.competition.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(formset=formset, errors=errors, **kwargs)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["competition"] = self.competition
        return context
