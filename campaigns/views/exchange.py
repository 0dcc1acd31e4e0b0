"""Pages of the 交流展示 records: list per year, detail, record, change, delete, files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from qpdo.documents.uploads import file_response
from qpdo.errors import Refused
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.selectors import campaign_units

from .. import rules, selectors, services
from ..enums import SECTION_EXCHANGE_KINDS, ExchangeKind
from ..forms import ExchangeForm
from .base import PAGE_SIZE, CampaignMixin, ServiceFormMixin


class ExchangeListView(CampaignMixin, ListView):
    """The year's 交流展示, newest first, filtered by kind and organising unit."""

    template_name = "campaigns/exchange/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "exchanges"

    def _filters(self) -> tuple[str, int | None]:
        kind = self.request.GET.get("kind", "")
        if kind not in ExchangeKind.values:
            kind = ""
        unit = self.request.GET.get("unit", "")
        return kind, int(unit) if unit.isdigit() else None

    def get_queryset(self):
        kind, unit_id = self._filters()
        return selectors.exchange_list_for(
            user=self.request.user, campaign=self.campaign, kind=kind, unit_id=unit_id
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind, unit_id = self._filters()
        filters = {k: v for k, v in (("kind", kind), ("unit", unit_id or "")) if v}
        context.update(
            kinds=ExchangeKind.choices,
            units=list(campaign_units()),
            kind=kind,
            unit_id=unit_id,
            query_string=urlencode(filters),
            may_create=rules.may_create_exchanges(self.request.user, self.campaign)
            and not self.campaign.is_closed,
        )
        return context


class ExchangeDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/exchange/detail.html"
    tab = "exchanges"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exchange = selectors.exchange_get_for(
            user=self.request.user, campaign=self.campaign, pk=kwargs["pk"]
        )
        may_edit = rules.may_edit_exchange(self.request.user, exchange) and not (
            self.campaign.is_closed
        )
        edit_url = (
            reverse("stars:sharing-edit", args=[exchange.pk])
            if exchange.is_star_sharing
            else reverse("campaigns:exchange-edit", args=[self.campaign.year, exchange.pk])
        )
        context.update(
            exchange=exchange,
            participants=list(exchange.participants.all()),
            photos=list(exchange.photos.all()),
            may_edit=may_edit,
            edit_url=edit_url,
        )
        return context


class ExchangeFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:exchange-list"
    form_class = ExchangeForm
    template_name = "campaigns/exchange/form.html"
    tab = "exchanges"
    exchange = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            units=selectors.exchange_units_for(user=self.request.user, campaign=self.campaign),
            people=selectors.office_people(),
            photos=list(self.exchange.photos.all()) if self.exchange else (),
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exchange"] = self.exchange
        return context

    def save(self, data):
        people = [services.Speaker(staff=staff) for staff in data["people"]]
        if self.exchange is not None:
            # Keep what the speakers of the record wrote (体会) when the list of people changes.
            by_staff = {p.staff_id: p for p in self.exchange.participants.all()}
            people = [
                services.Speaker(
                    staff=s.staff,
                    reflection=by_staff[s.staff.pk].reflection if s.staff.pk in by_staff else "",
                )
                for s in people
            ]
        return services.exchange_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            **{key: data.get(key) for key in services.EXCHANGE_FIELDS},
            people=people,
            material=data.get("material"),
            photos=data.get("photos") or [],
            remove_photos=data.get("remove_photos") or [],
            exchange=self.exchange,
        )


class ExchangeCreateView(ExchangeFormView):
    heading = "登记交流展示"
    success_message = "交流展示已登记。"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_exchanges(request.user, self.campaign):
            raise Refused("只有科室负责人或牵头科室可以登记交流展示。")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind in {k.value for k in SECTION_EXCHANGE_KINDS} else {}


class ExchangeUpdateView(ExchangeFormView):
    heading = "修改交流展示"
    success_message = "交流展示已修改。"

    def _load(self):
        if self.exchange is None:
            self.exchange = selectors.exchange_get_for(
                user=self.request.user, campaign=self.campaign, pk=self.kwargs["pk"]
            )
            if self.exchange.is_star_sharing:
                raise Http404("“岗位之星”交流展示在“岗位之星”风采展示页修改。")
            if not rules.may_edit_exchange(self.request.user, self.exchange):
                raise Refused("科室负责人只能修改本科室组织的交流展示；牵头科室可以修改各科室的。")

    def get_form(self, form_class=None):
        self._load()
        return super().get_form(form_class)

    def get_initial(self):
        self._load()
        initial = {key: getattr(self.exchange, key) for key in services.EXCHANGE_FIELDS}
        initial["people"] = [p.staff for p in self.exchange.participants.all()]
        return initial


class ExchangeDeleteView(CampaignMixin, View):
    http_method_names = ["post"]

    def post(self, request, year: int, pk: int):
        exchange = selectors.exchange_get_for(user=request.user, campaign=self.campaign, pk=pk)
        try:
            services.exchange_delete(acting_user=request.user, exchange=exchange)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect(exchange.get_absolute_url())
        messages.success(request, f"交流展示“{exchange.title}”已删除。")
        return redirect("campaigns:exchange-list", year=self.campaign.year)


class ExchangeMaterialView(CampaignMixin, View):
    writes = False

    def get(self, request, year: int, pk: int):
        exchange = selectors.exchange_get_for(user=request.user, campaign=self.campaign, pk=pk)
        if not exchange.material:
            raise Http404("未找到该文件。")
        return file_response(exchange.material, filename=exchange.material_name or "交流材料")


class ExchangePhotoView(View):
    """A 交流展示 photo or its thumbnail, for the office's staff."""

    thumbnail = False

    def get(self, request, pk: int):
        photo = selectors.exchange_photo_get_for(user=request.user, pk=pk)
        field = photo.thumbnail if self.thumbnail else photo.image
        response = file_response(field, filename=photo.original_name, inline=True)
        response["Cache-Control"] = "private, max-age=3600"
        return response


class ExchangeReflectionFileView(View):
    """The file of a speaker's 体会."""

    def get(self, request, pk: int):
        part = selectors.exchange_participant_get_for(user=request.user, pk=pk)
        if not part.file:
            raise Http404("未找到该文件。")
        return file_response(part.file, filename=part.original_name or f"{part.staff.name}交流体会")
