"""The 六进 coverage registers (学校, 社区（村、居委）, 企业（园区）) declared once each.

A `RegisterPages` says what differs between them: which selector lists its places, the status
filter, the Excel exporter and the words of the audit record. One list view and one export view
serve every register from its declaration (`outreach/urls.py` names them per register); each
list template extends `outreach/_register_list.html` with its own columns. The detail pages,
whose forms differ, stay in `views.py` (built on `RegisterActionsMixin`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.urls import path
from django.views.generic import ListView

from qpdo.org.caching import CachedCountPaginator

from . import exports, rules, selectors, services
from .views import RegisterAccessMixin, _query_string, _year_from


@dataclass(frozen=True)
class RegisterPages:
    """The pages of one register (`enums.Register` names the registers): the selector of its
    places, the status filter, the template, the exporter and the export's audit label."""

    key: str
    path: str
    list_for: Callable
    statuses: dict[str, str]
    template_name: str
    exporter: type[exports.RegisterExporter]
    export_what: str
    paginator_class: type[Paginator] = CachedCountPaginator


SCHOOLS = RegisterPages(
    key="school",
    path="schools/",
    list_for=selectors.school_list_for,
    statuses=selectors.SCHOOL_STATUS_LABELS,
    template_name="outreach/school/list.html",
    exporter=exports.SchoolRegisterExporter,
    export_what="学校台账",
)
COMMUNITIES = RegisterPages(
    key="community",
    path="communities/",
    list_for=selectors.community_list_for,
    statuses=selectors.COMMUNITY_STATUS_LABELS,
    template_name="outreach/community/list.html",
    exporter=exports.CommunityRegisterExporter,
    export_what="社区（村、居委）台账",
)
ENTERPRISES = RegisterPages(
    key="enterprise",
    path="enterprises/",
    list_for=selectors.enterprise_list_for,
    statuses=selectors.ENTERPRISE_STATUS_LABELS,
    template_name="outreach/enterprise/list.html",
    exporter=exports.EnterpriseRegisterExporter,
    export_what="企业（园区）台账",
    paginator_class=Paginator,
)


class RegisterListView(RegisterAccessMixin, ListView):
    """A register's places of the year, filtered by 街镇, status and name; paginated."""

    register: RegisterPages = SCHOOLS
    paginate_by = 30

    def get_template_names(self) -> list[str]:
        return [self.register.template_name]

    def get_paginator(self, *args, **kwargs):
        self.paginator_class = self.register.paginator_class
        return super().get_paginator(*args, **kwargs)

    def get_queryset(self):
        self.year = _year_from(self.request)
        self.town = self.town_filter()
        return self.register.list_for(
            user=self.request.user,
            year=self.year,
            town=self.town,
            status=self.request.GET.get("status", ""),
            query=self.request.GET.get("q", "").strip(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.year,
            years=selectors.year_choices(),
            town=self.town,
            towns=selectors.towns_for(self.request.user),
            status=self.request.GET.get("status", ""),
            statuses=self.register.statuses,
            q=self.request.GET.get("q", ""),
            query_string=_query_string(self.request),
            may_import=rules.may_import_registers(self.request.user),
        )
        return context


class RegisterExportView(RegisterListView):
    """The register's places as filtered on its list page, as Excel (audited)."""

    paginate_by = None

    def get(self, request, *args, **kwargs):
        exporter = self.register.exporter(self.get_queryset(), year=self.year)
        response = exporter.response()
        services.export_record(
            acting_user=request.user,
            what=self.register.export_what,
            rows=len(exporter.places),
        )
        return response


def register_urls(register: RegisterPages) -> list:
    """Return the list and export URLs of a register (`outreach:<key>-list`, `-export`)."""
    return [
        path(
            register.path,
            RegisterListView.as_view(register=register),
            name=f"{register.key}-list",
        ),
        path(
            f"{register.path}export.xlsx",
            RegisterExportView.as_view(register=register),
            name=f"{register.key}-export",
        ),
    ]
