"""Excel exports of the 六进 programme, fed by selectors (no queries per row).

Every string cell goes through qpdo.documents.excel, which neutralises formula-like text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qpdo.documents.excel import Column, XlsxExporter
from qpdo.org import clock
from qpdo.org.enums import UnitKind

from .enums import REPORT_STATE_LABELS
from .selectors import Coverage, UnitProgress


def _stamp() -> str:
    return f"{clock.today():%Y%m%d}"


class ReportExporter(XlsxExporter):
    """Activity reports as filtered on the list page."""

    sheet_name = "活动信息"
    columns = (
        Column("序号", 6),
        Column("报送单位", 14),
        Column("标题", 36),
        Column("所属方面", 18),
        Column("信息类别", 10),
        Column("活动日期", 14),
        Column("地点", 20),
        Column("组织单位", 18),
        Column("参加人员", 24),
        Column("参加人数", 10),
        Column("活动内容", 60),
        Column("对应年度计划", 30),
        Column("状态", 10),
        Column("首次提交时间", 18),
        Column("采用时间", 18),
        Column("报市国动办", 10),
        Column("照片（张）", 10),
    )

    def __init__(self, reports: Iterable, *, description: str = "") -> None:
        self.reports = list(reports)
        self.title = (
            f"国防动员宣传教育“六进”活动信息{('（' + description + '）') if description else ''}"
        )
        self.filename = f"六进活动信息-{_stamp()}.xlsx"

    def rows(self) -> Iterable[list[Any]]:
        for number, report in enumerate(self.reports, start=1):
            approval = report.approval
            yield [
                number,
                report.unit.name,
                report.title,
                "、".join(f.name for f in report.fronts.all()),
                report.get_kind_display(),
                report.held_on,
                report.place,
                report.organiser,
                report.participants,
                report.audience_count,
                report.content,
                str(report.plan_item) if report.plan_item_id else "计划外活动",
                REPORT_STATE_LABELS.get(approval.state, approval.state),
                getattr(report, "first_submitted_at", None),
                approval.decided_at if approval.state == "approved" else None,
                report.promoted_to_city,
                len(report.photos.all()),
            ]


class SchoolRegisterExporter(XlsxExporter):
    sheet_name = "学校台账"

    def __init__(self, schools: Iterable, *, year: int) -> None:
        self.schools = list(schools)
        self.year = year
        self.title = f"学校人民防空紧急疏散行动方案与演练台账（{year}年）"
        self.filename = f"学校台账-{year}-{_stamp()}.xlsx"
        self.columns = (
            Column("街镇", 12),
            Column("学校名称", 30),
            Column("学段", 14),
            Column("地址", 30),
            Column("联系人", 10),
            Column("联系电话", 16),
            Column("紧急疏散行动方案", 10),
            Column("方案编制日期", 14),
            Column(f"{year}年演练次数", 10),
            Column("最近演练日期", 14),
            Column("是否全覆盖", 10),
            Column("备注", 24),
        )

    def rows(self):
        for school in self.schools:
            yield [
                school.town.name,
                school.name,
                school.get_stage_display(),
                school.address,
                school.contact_name,
                school.contact_phone,
                "有" if school.has_plan else "无",
                school.plan_on,
                school.drill_count or 0,
                school.last_drill_on,
                school.has_plan and school.drilled,
                school.note,
            ]


class CommunityRegisterExporter(XlsxExporter):
    sheet_name = "社区台账"

    def __init__(self, communities: Iterable, *, year: int) -> None:
        self.communities = list(communities)
        self.title = f"社区（村、居委）国防动员培训与演练台账（{year}年）"
        self.filename = f"社区台账-{year}-{_stamp()}.xlsx"
        self.columns = (
            Column("街镇", 12),
            Column("名称", 24),
            Column("类型", 10),
            Column(f"{year}年培训", 10),
            Column("最近培训日期", 14),
            Column(f"{year}年演练", 10),
            Column("最近演练日期", 14),
            Column("是否全覆盖", 10),
            Column("备注", 24),
        )

    def rows(self):
        for community in self.communities:
            yield [
                community.town.name,
                community.name,
                community.get_kind_display(),
                community.trained,
                community.last_training_on,
                community.drilled,
                community.last_drill_on,
                community.trained and community.drilled,
                community.note,
            ]


def _rate(coverage: Coverage | None, unit) -> str:
    if coverage is None:
        return "—"
    row = next((r for r in coverage.rows if r.town and r.town.pk == unit.pk), None)
    if row is None or row.rate is None:
        return "无登记"
    return f"{row.covered}/{row.total}（{row.rate:g}%）"


class YearSummaryExporter(XlsxExporter):
    """One row per reporting unit: plan, reports, fronts covered and (for 街镇) coverage."""

    sheet_name = "年度汇总"

    def __init__(
        self,
        progress: list[UnitProgress],
        *,
        year: int,
        budgets: dict,
        audiences: dict,
        schools: Coverage,
        communities: Coverage,
    ) -> None:
        self.progress = progress
        self.year = year
        self.budgets = budgets
        self.audiences = audiences
        self.schools = schools
        self.communities = communities
        self.fronts = [cell.front for cell in progress[0].cells] if progress else []
        self.title = f"{year}年国防动员宣传教育“六进”工作情况汇总（按单位）"
        self.filename = f"六进年度汇总-{year}-{_stamp()}.xlsx"
        self.columns = (
            Column("单位", 16),
            Column("类别", 14),
            Column("年度计划", 10),
            Column("计划报送", 10),
            Column("首次报送日期", 14),
            Column("经费预算（元）", 14),
            Column("已报送信息", 10),
            Column("已采用", 8),
            Column("待审核", 8),
            Column("退回修改", 8),
            Column("及时报送", 8),
            Column("逾期报送", 8),
            *(Column(f"{f.name}（采用）", 10) for f in self.fronts),
            Column("涉及方面已覆盖", 12),
            Column("完成度", 8),
            Column("参加人数（已采用）", 12),
            Column("学校覆盖", 16),
            Column("社区覆盖", 16),
        )

    def rows(self):
        for p in self.progress:
            is_town = p.unit.kind == UnitKind.TOWN
            yield [
                p.unit.name,
                p.unit.get_kind_display(),
                p.plan.state_label,
                p.plan.timing_label,
                p.plan.first_submitted,
                self.budgets.get(p.unit.pk),
                p.filed,
                p.adopted,
                p.pending,
                p.returned,
                p.timely,
                p.late,
                *(cell.adopted if cell.responsible else "—" for cell in p.cells),
                f"{p.fronts_covered}/{p.responsible_count}",
                f"{p.completeness}%",
                self.audiences.get(p.unit.pk) or 0,
                _rate(self.schools, p.unit) if is_town else "—",
                _rate(self.communities, p.unit) if is_town else "—",
            ]


class ImportTemplateExporter(XlsxExporter):
    """The header row of a register import, for the user to fill in."""

    def __init__(self, spec) -> None:
        self.spec = spec
        self.sheet_name = f"{spec.label}名单"[:31]
        self.filename = f"{spec.label}名单导入模板.xlsx"
        self.columns = tuple(Column(c.header, 24 if c.attr == "name" else 14) for c in spec.columns)

    def rows(self):
        return []
