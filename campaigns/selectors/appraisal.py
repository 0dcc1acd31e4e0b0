"""Reads of the 年度考核参考 list: everyone's yearly record summarised by programme, with the
recommendations (优秀等次, 评先表彰) the 办领导 and the 办党组 marked.

The figures are the 个人实践档案's own (`records_for`, fed by the same providers), so the list
and a person's record never disagree. The whole list is read in a fixed number of statements
whatever the number of staff (each provider counts in a fixed number), then sorted and paged.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.http import Http404

from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.models import Staff
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion

from .. import rules
from ..enums import AppraisalKind
from ..models import AppraisalRecommendation, Campaign
from .items import campaign_staff
from .records import record_columns, records_for


@dataclass(frozen=True)
class AppraisalColumn:
    key: str  # the count's key in the 个人实践档案 (a provider's column)
    header: str
    rule: str  # what is counted, as shown on the page


# (key, header if the programme is not installed, what is counted). The headers shown are the
# providers' own, the ones of the 个人实践档案.
_COLUMNS = (
    ("items_owned", "负责事项", "本人作为责任人的工作清单、整改清单事项件数"),
    (
        "items_on_time",
        "按期完成",
        "其中在时限内完成并经组织单位核验通过的事项件数（逾期完成、逾期未完成不计）",
    ),
    ("lectures_given", "小讲堂讲述", "本人作为讲述人、已完成讲述的国动小讲堂场次"),
    ("star_nominations", "岗位之星申报", "以本人为申报人已提交的“岗位之星”申报表份数"),
    ("stars", "岗位之星", "当选并已公布的“岗位之星”"),
    ("competitions", "比武", "参加本年度比武并取得成绩的次数"),
    ("quarter_stars", "季度之星", "经办党组评定的“季度之星”次数"),
    (
        "outreach_reports",
        "六进信息",
        "本人报送、本年度举办并经宣教审核采用的“六进”活动信息篇数（按自然年）",
    ),
    (
        "outreach_reviews",
        "六进审核",
        "本人本年度作出的“六进”年度计划、活动信息、年度总结审核意见件数（按自然年）",
    ),
)

SORT_FIXED = ("unit", "marks")


@dataclass
class AppraisalMark:
    """One recommendation as the list shows it: kind, state, its opinions (signed, dated)."""

    recommendation: AppraisalRecommendation
    opinions: list[Opinion] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return self.recommendation.get_kind_display()

    @property
    def state(self) -> str:
        return self.recommendation.approval.state

    @property
    def state_label(self) -> str:
        approval = self.recommendation.approval
        if approval.state == State.APPROVED:
            return "办党组已确定推荐"
        if approval.state == State.REJECTED:
            return "办党组未同意"
        if approval.state == State.IN_REVIEW:
            return "待办党组研究确定"
        return approval.get_state_display()


@dataclass
class AppraisalRow:
    staff: Staff
    counts: dict[str, int]
    values: list[int]
    marks: list[AppraisalMark]

    @property
    def decided(self) -> int:
        return sum(1 for mark in self.marks if mark.state == State.APPROVED)


@dataclass
class AppraisalReference:
    campaign: Campaign
    columns: list[AppraisalColumn]
    rows: list[AppraisalRow]
    sort: str
    period_start: datetime.date
    period_end: datetime.date

    @property
    def period_text(self) -> str:
        return f"{cn_date(self.period_start)}至{cn_date(self.period_end)}"


def appraisal_columns() -> list[AppraisalColumn]:
    """Return the list's columns, headed as the 个人实践档案 heads them."""
    headers = dict(record_columns())
    return [AppraisalColumn(key, headers.get(key, header), rule) for key, header, rule in _COLUMNS]


def appraisal_sort_keys() -> list[str]:
    return [*SORT_FIXED, *(key for key, _header, _rule in _COLUMNS)]


def appraisal_marks_of(*, campaign: Campaign, staff_ids=None) -> dict[int, list[AppraisalMark]]:
    """Return the year's recommendations by staff id, each with its opinions (two statements)."""
    recommendations = AppraisalRecommendation.objects.filter(campaign=campaign).select_related(
        "approval", "staff"
    )
    if staff_ids is not None:
        recommendations = recommendations.filter(staff_id__in=list(staff_ids))
    recommendations = list(recommendations.order_by("staff_id", "kind"))
    opinions: dict[int, list[Opinion]] = defaultdict(list)
    for opinion in Opinion.objects.filter(
        approval_id__in=[r.approval_id for r in recommendations],
        action__in=[Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REJECT],
    ).order_by("at", "pk"):
        opinions[opinion.approval_id].append(opinion)
    marks: dict[int, list[AppraisalMark]] = defaultdict(list)
    order = {kind: index for index, kind in enumerate(AppraisalKind.values)}
    for recommendation in sorted(recommendations, key=lambda r: order[r.kind]):
        marks[recommendation.staff_id].append(
            AppraisalMark(recommendation, opinions.get(recommendation.approval_id, []))
        )
    return dict(marks)


def _sorted(rows: list[AppraisalRow], sort: str) -> tuple[list[AppraisalRow], str]:
    key = sort.removeprefix("-")
    if key not in appraisal_sort_keys():
        return rows, ""
    descending = sort.startswith("-")
    if key == "unit":
        value = lambda row: (row.staff.unit.order, row.staff.unit_id)  # noqa: E731
    elif key == "marks":
        value = lambda row: (row.decided, len(row.marks))  # noqa: E731
    else:
        value = lambda row: row.counts.get(key, 0)  # noqa: E731
    # The default order (unit, then person) breaks ties: sorted() is stable.
    return sorted(rows, key=value, reverse=descending), sort


def appraisal_reference_for(*, user, campaign: Campaign, sort: str = "") -> AppraisalReference:
    """Return the year's 年度考核参考 list if the user may see it (the 办领导, the 办党组);
    anyone else gets a 404, as for a page that does not exist.

    `sort` is a column key (ascending) or `-key` (descending); anything else keeps the
    default order (unit, then person).
    """
    if not rules.may_view_appraisal(user):
        raise Http404("未找到页面。")
    staff = list(campaign_staff())
    columns = appraisal_columns()
    marks = appraisal_marks_of(campaign=campaign)
    rows = []
    for record in records_for(campaign=campaign, staff=staff, counts_only=True):
        rows.append(
            AppraisalRow(
                staff=record.staff,
                counts=record.counts,
                values=[record.counts.get(column.key, 0) for column in columns],
                marks=marks.get(record.staff.pk, []),
            )
        )
    rows, sort = _sorted(rows, sort)
    return AppraisalReference(
        campaign=campaign,
        columns=columns,
        rows=rows,
        sort=sort,
        period_start=campaign.start,
        period_end=min(clock.today(), campaign.end),
    )


def appraisal_staff_get_for(*, user, campaign: Campaign, staff_pk: int) -> Staff:
    """Return a person of the list the user may mark or read the marks of; else a 404."""
    if not rules.may_view_appraisal(user):
        raise Http404("未找到页面。")
    staff = campaign_staff().select_related("user").filter(pk=staff_pk).first()
    if staff is None:
        raise Http404("未找到该人员。")
    return staff


def appraisal_list_for(*, user):
    """Every year's recommendations the user may see (the admin's list): the 办领导 and the
    办党组 all of them, anyone else none."""
    recommendations = AppraisalRecommendation.objects.select_related(
        "campaign", "staff__unit", "approval__unit", "proposed_by"
    )
    if not rules.may_view_appraisal(user):
        return recommendations.none()
    return recommendations
