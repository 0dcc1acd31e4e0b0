"""Downloads of the lecture series: 工作分工表 (Excel, PDF), the programme, the calendar.

Thin: the campaign is the year asked for (?year=, this year's by default), selectors decide
what each user sees, exporters render. The calendar feed is the only page open without a
session: its signed token names the user instead.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View

from qpdo.documents.pdf import content_disposition, handle_missing_fonts

from . import rules, selectors
from .calendar import build_calendar, calendar_user_for_token
from .exports import DivisionTableExporter, programme_export

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _campaign_or_404(request):
    """Return the campaign of ?year= (this year's when absent), or 404 before it exists."""
    year = selectors.year_asked(request.GET.get("year"))
    campaign = selectors.lecture_campaign_of(year) if year else None
    if campaign is None:
        raise Http404("尚未建立实践活动。")
    return campaign


class ScheduleDownloadMixin:
    """The public schedule is for the office's own staff; others get a 404, as for the page."""

    def dispatch(self, request, *args, **kwargs):
        if not rules.may_view_schedule(request.user):
            raise Http404("未找到页面。")
        return super().dispatch(request, *args, **kwargs)


class DivisionTableXlsxView(ScheduleDownloadMixin, View):
    """附表1 工作分工表 as Excel."""

    def get(self, request):
        return DivisionTableExporter(_campaign_or_404(request)).xlsx_response()


@method_decorator(handle_missing_fonts, name="get")
class DivisionTablePdfView(ScheduleDownloadMixin, View):
    """附表1 工作分工表 as an A4 PDF in the source's layout."""

    def get(self, request):
        return DivisionTableExporter(_campaign_or_404(request)).pdf_response()


class DivisionTableDocxView(ScheduleDownloadMixin, View):
    """附表1 工作分工表 as Word, laid out as the PDF."""

    def get(self, request):
        return DivisionTableExporter(_campaign_or_404(request)).docx_response()


class ProgrammeXlsxView(ScheduleDownloadMixin, View):
    """Every topic of the year the user may see (scoped by selectors.programme_rows)."""

    def get(self, request):
        return programme_export(
            acting_user=request.user,
            campaign=_campaign_or_404(request),
        )


def calendar_response(campaign, request) -> HttpResponse:
    data = build_calendar(
        selectors.lecture_list(campaign=campaign),
        campaign=campaign,
        absolute_url=request.build_absolute_uri,
    )
    response = HttpResponse(data, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"国动小讲堂-{campaign.year}年.ics", inline=True
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=900"
    return response


class CalendarDownloadView(ScheduleDownloadMixin, View):
    """The schedule as .ics for a signed-in user (to import once)."""

    def get(self, request):
        return calendar_response(_campaign_or_404(request), request)


@method_decorator(login_not_required, name="dispatch")
class CalendarFeedView(View):
    """The schedule as .ics for a calendar program: the token stands in for the session."""

    def get(self, request, token: str):
        user = calendar_user_for_token(token)
        if not rules.may_view_schedule(user):
            raise Http404("订阅链接无效。")
        return calendar_response(_campaign_or_404(request), request)
