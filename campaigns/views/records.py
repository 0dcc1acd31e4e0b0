"""Pages of the personal yearly records (个人实践档案)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import ListView, TemplateView

from qpdo.documents.pdf import handle_missing_fonts
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.models import Unit

from .. import rules, selectors, services
from ..exports import RecordPdf, records_export
from .base import PAGE_SIZE, CampaignMixin

# --- personal yearly records ---------------------------------------------------------------------


class RecordListView(CampaignMixin, ListView):
    """The people whose records the user may open (the leadership: everyone)."""

    template_name = "campaigns/record/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "records"

    def get(self, request, *args, **kwargs):
        if not rules.may_list_records(request.user):
            own = selectors.record_people_for(user=request.user, campaign=self.campaign).first()
            if own is None:
                raise Http404("未找到您的人员档案。")
            return redirect("campaigns:record", year=self.campaign.year, staff_pk=own.pk)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.record_people_for(user=self.request.user, campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = selectors.record_people_for(user=self.request.user, campaign=self.campaign)
        context["record_units"] = Unit.objects.filter(pk__in=people.values("unit")).order_by(
            "order", "pk"
        )
        records = selectors.records_for(
            campaign=self.campaign, staff=context["object_list"], counts_only=True
        )
        columns = selectors.record_columns()
        for record in records:
            record.values = [record.counts.get(key, 0) for key, _header in columns]
        context.update(records=records, columns=columns)
        return context


class RecordDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/record/detail.html"
    tab = "records"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = selectors.record_get_for(
            user=self.request.user, campaign=self.campaign, staff_pk=kwargs["staff_pk"]
        )
        context.update(
            record=record,
            staff=record.staff,
            columns=[
                (header, record.counts.get(key, 0)) for key, header in selectors.record_columns()
            ],
        )
        if rules.may_view_appraisal(self.request.user):
            # The 年度考核 recommendations: only for those who read the 年度考核参考 list.
            context["appraisal_marks"] = selectors.appraisal_marks_of(
                campaign=self.campaign, staff_ids=[record.staff.pk]
            ).get(record.staff.pk, [])
            context["shows_appraisal"] = True
        return context


@method_decorator(handle_missing_fonts, name="get")
class RecordPdfView(CampaignMixin, View):
    """One person's record as PDF or (fmt="docx") as Word: one scope, one audit rule (the
    download itself is audited as an export)."""

    fmt = "pdf"

    def get(self, request, year: int, staff_pk: int):
        record = selectors.record_get_for(
            user=request.user, campaign=self.campaign, staff_pk=staff_pk
        )
        if self.fmt == "docx":
            return RecordPdf(record).docx_response()
        return RecordPdf(record).response()


class RecordsXlsxView(CampaignMixin, View):
    """One row per person the user may see the record of."""

    def get(self, request, year: int):
        people = selectors.record_people_for(user=request.user, campaign=self.campaign)
        return records_export(
            acting_user=request.user,
            campaign=self.campaign,
            staff=list(people),
        )


class RecordsPdfJobView(CampaignMixin, View):
    """Queue one PDF of the records of a whole unit (a page each) as a background job."""

    http_method_names = ["post"]

    def post(self, request, year: int):
        people = selectors.record_people_for(user=request.user, campaign=self.campaign)
        unit = Unit.objects.filter(pk__in=people.values("unit"), pk=request.POST.get("unit") or 0)
        unit = unit.first()
        if unit is None:
            raise Http404("未找到该单位的个人实践档案。")
        try:
            job = services.unit_records_pdf_request(
                acting_user=request.user, campaign=self.campaign, unit=unit
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("campaigns:record-list", year=self.campaign.year)
        return redirect(job.get_absolute_url())
