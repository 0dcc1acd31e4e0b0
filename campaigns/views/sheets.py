"""Printing the 工作清单 and 整改清单 as of a day (Excel, PDF, Word)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View

from qpdo.documents.pdf import handle_missing_fonts
from qpdo.org import clock

from .. import rules
from ..documents import SHEET_INLINE_LIMIT, SheetExporter
from ..forms import SheetForm
from ..selectors.sheets import sheet_for, sheet_items_for, sheet_units_for
from ..services.sheets import sheet_export_record, sheet_print_request
from .base import CampaignMixin


def sheet_form_for(user, campaign, data=None, *, kind: str = "") -> SheetForm:
    """Return the print form of a user: the whole office or one unit for the organisers and
    office-wide readers, their own section for a section head."""
    whole = rules.sees_all(user, campaign)
    units = sheet_units_for(user=user, campaign=campaign)
    if whole:
        from qpdo.org.selectors import campaign_units

        units = campaign_units()
    initial = {"kind": kind or "task"}
    if not whole:
        initial["unit"] = units.first()
    return SheetForm(
        data,
        units=units,
        whole_office=whole,
        today=clock.today(),
        initial=initial,
        auto_id="sheet-%s",
    )


@method_decorator(handle_missing_fonts, name="post")
class ItemSheetView(CampaignMixin, View):
    """The list as of the chosen day as a download; a long one is printed in the background."""

    http_method_names = ["post"]

    def post(self, request, year: int):
        campaign = self.campaign
        if not rules.may_print_sheets(request.user, campaign):
            raise Http404("未找到页面。")
        form = sheet_form_for(request.user, campaign, request.POST)
        back = f"/campaigns/{campaign.year}/items/?" + urlencode(
            {"kind": request.POST.get("kind", "")}
        )
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"打印清单：{error}")
            return redirect(back)
        data = form.cleaned_data
        options = {
            "campaign": campaign,
            "kind": data["kind"],
            "as_of": data["as_of"],
            "unit": data["unit"],
        }
        count = sheet_items_for(user=request.user, **options).count()
        if count > SHEET_INLINE_LIMIT and data["format"] != "xlsx":
            job = sheet_print_request(acting_user=request.user, fmt=data["format"], **options)
            messages.info(request, "清单较长，已转入后台打印，完成后可在“后台任务”中下载。")
            return redirect(job.get_absolute_url())
        sheet = sheet_for(user=request.user, **options)
        response = SheetExporter(sheet).response(data["format"])
        sheet_export_record(acting_user=request.user, sheet=sheet, fmt=data["format"])
        return response
