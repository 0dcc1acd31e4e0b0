"""Pages of the 年度考核参考 list: the list (sortable, paged), its Excel, and the mark.

The 办党组's decision on a mark is a move of the engine, made on the 审批单 page (linked from the
list) or in the admin, as for every chain.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from qpdo.workflow import rules as workflow_rules
from qpdo.workflow.services import approval_url

from .. import rules, selectors, services
from ..enums import AppraisalKind
from ..exports import appraisal_export
from ..forms import AppraisalMarkForm
from .base import CampaignMixin, ServiceFormMixin

# The whole office on one page as a rule (about twenty people): the list is read to compare.
APPRAISAL_PAGE_SIZE = 50


class AppraisalListView(CampaignMixin, TemplateView):
    """Everyone's record summarised by programme, sortable by each column (`?sort=key` or
    `?sort=-key`), with the marks; for the 办领导 and the 办党组 only (others: 404)."""

    template_name = "campaigns/appraisal/list.html"
    tab = "appraisal"
    writes = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reference = selectors.appraisal_reference_for(
            user=self.request.user,
            campaign=self.campaign,
            sort=self.request.GET.get("sort", ""),
        )
        page = Paginator(reference.rows, APPRAISAL_PAGE_SIZE).get_page(self.request.GET.get("page"))
        user = self.request.user
        for row in page.object_list:
            row.cells = [(c.header, v) for c, v in zip(reference.columns, row.values, strict=True)]
            for mark in row.marks:
                approval = mark.recommendation.approval
                mark.decide_url = (
                    approval_url(approval)
                    if workflow_rules.refusal_to_decide(user, approval) is None
                    else ""
                )
                mark.detail_url = approval_url(approval)
        headers = []
        for column in [("unit", "科室"), *((c.key, c.header) for c in reference.columns)]:
            key, header = column
            # Numbers sort from the highest first; a second click turns the order round.
            numeric = key != "unit"
            if reference.sort == f"-{key}":
                next_sort, arrow = key, "↓"
            elif reference.sort == key:
                next_sort, arrow = f"-{key}", "↑"
            else:
                next_sort, arrow = (f"-{key}" if numeric else key), ""
            headers.append({"key": key, "header": header, "sort": next_sort, "arrow": arrow})
        marks_sort = "marks" if reference.sort == "-marks" else "-marks"
        context.update(
            reference=reference,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            rows=page.object_list,
            headers=headers[1:],
            unit_header=headers[0],
            marks_sort=marks_sort,
            marks_arrow={"-marks": "↓", "marks": "↑"}.get(reference.sort, ""),
            may_mark=rules.may_mark_appraisal(user, self.campaign),
            query_string=f"sort={reference.sort}" if reference.sort else "",
            sort_choices=[
                ("", "按科室（默认）"),
                ("-marks", "推荐：已确定的在前"),
                *((f"-{c.key}", f"{c.header}：多的在前") for c in reference.columns),
            ],
        )
        return context


class AppraisalXlsxView(CampaignMixin, View):
    """The list as Excel, in the order asked (`?sort=`), every person on one sheet."""

    def get(self, request, year: int):
        reference = selectors.appraisal_reference_for(
            user=request.user, campaign=self.campaign, sort=request.GET.get("sort", "")
        )
        return appraisal_export(acting_user=request.user, reference=reference)


class AppraisalMarkView(CampaignMixin, ServiceFormMixin, FormView):
    """A 办领导 or a 办党组 member marks one person of the list for 优秀等次 or 评先表彰."""

    list_url_name = "campaigns:appraisal"
    form_class = AppraisalMarkForm
    template_name = "campaigns/appraisal/mark.html"
    tab = "appraisal"
    success_message = "推荐意见已提交办党组研究确定。"
    extra_context = {"submit_label": "提交推荐意见"}

    @cached_property
    def staff(self):
        return selectors.appraisal_staff_get_for(
            user=self.request.user, campaign=self.campaign, staff_pk=self.kwargs["staff_pk"]
        )

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in AppraisalKind.values else {}

    def get_context_data(self, **kwargs):
        staff = self.staff  # a 404 before anything else for those who may not see the list
        self.heading = f"年度考核推荐：{staff.name}（{staff.unit.display_name}）"
        context = super().get_context_data(**kwargs)
        record = selectors.records_for(campaign=self.campaign, staff=[staff], counts_only=True)[0]
        context.update(
            staff=staff,
            columns=[
                (c.header, record.counts.get(c.key, 0)) for c in selectors.appraisal_columns()
            ],
            marks=selectors.appraisal_marks_of(campaign=self.campaign, staff_ids=[staff.pk]).get(
                staff.pk, []
            ),
            may_mark=rules.may_mark_appraisal(self.request.user, self.campaign),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.staff  # noqa: B018 - a 404 before the form is read
        return super().post(request, *args, **kwargs)

    def save(self, data):
        return services.appraisal_recommend(
            acting_user=self.request.user,
            campaign=self.campaign,
            staff=self.staff,
            kind=data["kind"],
            reason=data["reason"],
        )

    def success_url_for(self, obj) -> str:
        return reverse("campaigns:appraisal", args=[self.campaign.year])
