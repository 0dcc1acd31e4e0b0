"""Pages of the campaign itself: home, overview, the next year, closing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.workflow.mixins import form_add_errors

from .. import charts, rules, selectors, services
from ..forms import NewYearForm
from ..models import Campaign
from .base import CampaignMixin


def _asked_year(request) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return selectors.working_year()


class HomeView(TemplateView):
    """This year's campaign; when it is not set up yet, one line saying who does it."""

    template_name = "campaigns/campaign/missing.html"

    def get(self, request, *args, **kwargs):
        if not rules.is_office_staff(request.user):
            raise Http404("未找到页面。")
        year = _asked_year(request)
        campaign = Campaign.objects.filter(year=year).first()
        if campaign is not None:
            return redirect("campaigns:overview", year=campaign.year)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _asked_year(self.request)
        source = selectors.campaign_previous(year)
        context.update(
            year=year,
            source=source,
            starter=selectors.who_starts_year(year),
            may_start=source is not None
            and year <= selectors.working_year() + 1
            and rules.may_start_year(self.request.user, source),
            years=selectors.campaign_years(),
        )
        return context


class OverviewView(CampaignMixin, TemplateView):
    """Progress per key task and per section, charts, the year's calendar and what is new."""

    template_name = "campaigns/campaign/overview.html"
    tab = "overview"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        progress = selectors.overview_progress(campaign=self.campaign, today=today)
        latest = selectors.latest_published_ranking(self.campaign)
        context.update(
            today=today,
            progress=progress,
            task_chart=charts.progress_bars(progress["tasks"], label_width=110),
            unit_chart=charts.progress_bars(progress["units"]),
            calendar=selectors.calendar_months(campaign=self.campaign),
            counts=selectors.activity_counts(campaign=self.campaign),
            latest=latest,
            latest_lines=selectors.stored_lines(latest) if latest else [],
            key_tasks=list(self.campaign.key_tasks.order_by("order")),
            may_copy=rules.may_copy_campaign(self.request.user, self.campaign)
            and not Campaign.objects.filter(year=self.campaign.year + 1).exists(),
            may_close=rules.may_close_campaign(self.request.user, self.campaign)
            and self.campaign.year < selectors.working_year(),
            campaigns=list(selectors.campaign_list()),
            years=selectors.campaign_years(),
        )
        return context


# --- next year -----------------------------------------------------------------------------------


class CopyView(CampaignMixin, View):
    """The old “复制到下一年度” button: the new-year page, made from this year."""

    def get(self, request, *args, **kwargs):
        return redirect(reverse("campaigns:new-year") + f"?year={self.campaign.year + 1}")


class NewYearView(FormView):
    """Start a new year from last year's campaign: edit, preview everything, save at once."""

    form_class = NewYearForm
    template_name = "campaigns/campaign/new_year.html"

    def dispatch(self, request, *args, **kwargs):
        if not rules.is_office_staff(request.user):
            raise Http404("未找到页面。")
        self.year = _asked_year(request)
        self.source = selectors.campaign_previous(self.year)
        if self.year > selectors.working_year() + 1:
            raise Http404("只能建立本年度或下一年度的实践活动。")
        if self.source is None:
            raise Http404("没有可以作为模板的往年实践活动。")
        if not rules.may_start_year(request.user, self.source):
            raise Refused(
                f"{self.year}年度实践活动由{selectors.who_starts_year(self.year)}负责人"
                "或系统管理员建立。"
            )
        self.existing = Campaign.objects.filter(year=self.year).first()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(source=self.source, year=self.year)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        preview = services.campaign_preview(source=self.source, year=self.year)
        context.update(
            year=self.year,
            source=self.source,
            existing=self.existing,
            preview=preview,
            key_date_fields=[form[name] for name in form.key_date_names],
            cancel_url=self.source.get_absolute_url(),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            target, log = services.campaign_copy(
                acting_user=self.request.user,
                source=self.source,
                year=self.year,
                doc_number=data["doc_number"],
                name=data["name"],
                start=data["start"],
                end=data["end"],
                key_dates=form.key_dates(),
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已建立{target.year}年实践活动：" + "；".join(log) + "。")
        return redirect(target.get_absolute_url())


class CloseView(CampaignMixin, View):
    """Close a finished year: it stays readable, nobody writes into it any more."""

    writes = False

    def post(self, request, *args, **kwargs):
        try:
            services.campaign_close(acting_user=request.user, campaign=self.campaign)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"{self.campaign.year}年度工作已结束，此后只读。")
        return redirect("campaigns:overview", year=self.campaign.year)
