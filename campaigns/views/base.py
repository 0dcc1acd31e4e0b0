"""Mixins of the campaign's pages: the year's campaign from the URL, service forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from qpdo.errors import Refused
from qpdo.workflow.mixins import form_add_errors

from .. import rules, selectors
from ..models import Campaign

PAGE_SIZE = 20


class CampaignMixin:
    """Resolve the year's campaign from the URL; the campaign is for the office's own staff."""

    tab = ""
    heading = ""
    # Where 取消 leads on a form page: the tab's list.
    list_url_name = "campaigns:overview"

    def dispatch(self, request, *args, **kwargs):
        if not rules.is_office_staff(request.user):
            raise Http404("未找到页面。")
        year = kwargs["year"]
        if not Campaign.objects.filter(year=year).exists() and 2000 <= year <= 2100:
            return redirect(reverse("campaigns:home") + f"?year={year}")
        self.campaign = selectors.campaign_get(year=year)
        if self.campaign.is_closed and request.method == "POST" and self.writes:
            messages.error(request, f"{self.campaign.year}年度工作已经结束，只能查看。")
            return redirect("campaigns:overview", year=self.campaign.year)
        return super().dispatch(request, *args, **kwargs)

    # Whether a POST to the view writes into the year (refused once the year is closed).
    writes = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            campaign=self.campaign,
            tab=self.tab,
            heading=self.heading,
            cancel_url=reverse(self.list_url_name, args=[self.campaign.year]),
            may_manage=rules.may_manage(self.request.user, self.campaign)
            and not self.campaign.is_closed,
            year_closed=self.campaign.is_closed,
            sees_appraisal=rules.may_view_appraisal(self.request.user),
        )
        return context


class ServiceFormMixin:
    """Call `save(cleaned_data)` (a service); show its refusals (`Refused` too) on the form."""

    success_message = "已保存。"

    def save(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            obj = self.save(form.cleaned_data)
        except (ValidationError, Refused) as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.success_url_for(obj))

    def success_url_for(self, obj) -> str:
        return obj.get_absolute_url()
