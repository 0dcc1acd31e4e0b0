"""Excel exports of the 六进 programme, fed by selectors (no queries per row).

Every string cell goes through qpdo.documents.excel, which neutralises formula-like text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qpdo.documents.excel import Column, Percent, XlsxExporter
from qpdo.org import clock
from qpdo.org.enums import UnitKind

from .coverage import Coverage
from .dashboard import UnitProgress
from .enums import REPORT_STATE_LABELS, TeamMemberKind


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


class RegisterExporter(XlsxExporter):
    """A register of places (学校, 社区, 企业) for one year, as filtered on its list page.

    A register declares its sheet name, `title_of(year)`, `columns_of(year)` and `row(place)`.
    """

    def __init__(self, places: Iterable, *, year: int) -> None:
        self.places = list(places)
        self.year = year
        self.title = self.title_of(year)
        self.filename = f"{self.sheet_name}-{year}-{_stamp()}.xlsx"
        self.columns = self.columns_of(year)

    def title_of(self, year: int) -> str:
        raise NotImplementedError

    def columns_of(self, year: int) -> tuple[Column, ...]:
        raise NotImplementedError

    def row(self, place) -> list[Any]:
        raise NotImplementedError

    def rows(self) -> Iterable[list[Any]]:
        for place in self.places:
            yield self.row(place)


class SchoolRegisterExporter(RegisterExporter):
    sheet_name = "学校台账"

    def title_of(self, year: int) -> str:
        return f"学校人民防空紧急疏散行动方案与演练台账（{year}年）"

    def columns_of(self, year: int) -> tuple[Column, ...]:
        return (
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
            Column(f"{year}年课程数", 10),
            Column(f"{year}年课时", 10),
            Column("是否全覆盖", 10),
            Column("备注", 24),
        )

    def row(self, school) -> list[Any]:
        return [
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
            school.course_count or 0,
            school.course_hours or 0,
            school.has_plan and school.drilled,
            school.note,
        ]


class CommunityRegisterExporter(RegisterExporter):
    sheet_name = "社区台账"

    def title_of(self, year: int) -> str:
        return f"社区（村、居委）国防动员培训与演练台账（{year}年）"

    def columns_of(self, year: int) -> tuple[Column, ...]:
        return (
            Column("街镇", 12),
            Column("名称", 24),
            Column("类型", 10),
            Column(f"{year}年培训", 10),
            Column("最近培训日期", 14),
            Column(f"{year}年演练", 10),
            Column("最近演练日期", 14),
            Column(f"{year}年修订防空袭方案", 12),
            Column(f"{year}年防空袭方案修订日期", 14),
            Column("故事长廊", 8),
            Column("微展馆", 8),
            Column("体验角", 8),
            Column("宣教队伍人数", 10),
            *(Column(f"宣教队伍（{kind.label}）", 10) for kind in TeamMemberKind),
            Column("是否全覆盖", 10),
            Column("备注", 24),
        )

    def row(self, community) -> list[Any]:
        return [
            community.town.name,
            community.name,
            community.get_kind_display(),
            community.trained,
            community.last_training_on,
            community.drilled,
            community.last_drill_on,
            community.plan_revised,
            community.plan_revised_on,
            community.has_story_corridor,
            community.has_micro_museum,
            community.has_experience_corner,
            community.team_size or 0,
            *(getattr(community, f"team_{kind.value}") or 0 for kind in TeamMemberKind),
            community.trained and community.drilled,
            community.note,
        ]


class EnterpriseRegisterExporter(RegisterExporter):
    sheet_name = "企业台账"

    def title_of(self, year: int) -> str:
        return f"企业（园区）国防动员工作小组、防空疏散演练方案与演练台账（{year}年）"

    def columns_of(self, year: int) -> tuple[Column, ...]:
        return (
            Column("街镇", 12),
            Column("企业名称", 30),
            Column("所在园区", 20),
            Column("已成立工作小组", 10),
            Column("依托部门", 14),
            Column("专人", 10),
            Column("联系电话", 16),
            Column("防空疏散演练方案", 10),
            Column("方案编制日期", 14),
            Column(f"{year}年演练次数", 10),
            Column("最近演练日期", 14),
            Column("结合重要节点演练", 10),
            Column("是否全覆盖", 10),
            Column("备注", 24),
        )

    def row(self, e) -> list[Any]:
        return [
            e.town.name,
            e.name,
            e.park,
            e.has_group,
            e.group_basis,
            e.contact_name,
            e.contact_phone,
            e.has_plan,
            e.plan_on,
            e.drill_count or 0,
            e.last_drill_on,
            e.drilled_at_key_day,
            bool(e.has_group and e.contact_name and e.has_plan and e.drilled),
            e.note,
        ]


class PartySchoolExporter(XlsxExporter):
    """The 进党校 register of a year: its courses, then its base visits."""

    sheet_name = "进党校台账"

    def __init__(self, register) -> None:
        self.register = register
        year = register.year
        agreement = register.agreement
        self.title = f"进党校台账（{year}年）· 共建协议：" + (
            f"{agreement.title}（{agreement.signed_on:%Y-%m-%d}签订）"
            if agreement
            else "无有效协议"
        )
        self.filename = f"进党校台账-{year}-{_stamp()}.xlsx"
        self.columns = (
            Column("类别", 16),
            Column("日期", 14),
            Column("名称", 36),
            Column("培训班次", 24),
            Column("课时", 8),
            Column("人数", 8),
            Column("授课人/说明", 24),
        )

    def rows(self):
        for c in self.register.courses:
            yield ["培训计划课程", c.taught_on, c.title, c.class_name, c.hours, None, c.speaker]
        for v in self.register.visits:
            yield [
                "参观科普教育基地",
                v.visited_on,
                v.base_name,
                v.class_name,
                None,
                v.participants,
                v.note,
            ]


def _coverage_cells(coverage: Coverage | None, unit) -> list:
    """Return [covered, total, rate] of a 街镇 (typed: counts and a percent), or blanks."""
    if coverage is None or unit.kind != UnitKind.TOWN:
        return [None, None, None]
    row = next((r for r in coverage.rows if r.town and r.town.pk == unit.pk), None)
    if row is None:
        return [None, None, None]
    return [row.covered, row.total, Percent(row.rate)]


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
        enterprises: Coverage | None = None,
    ) -> None:
        self.progress = progress
        self.year = year
        self.budgets = budgets
        self.audiences = audiences
        self.schools = schools
        self.communities = communities
        self.enterprises = enterprises
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
            Column("涉及方面数", 10),
            Column("完成度", 8),
            Column("参加人数（已采用）", 12),
            Column("计划待报送", 10),
            *(
                Column(f"{label}{part}", 10)
                for label in ("学校", "社区", "企业")
                for part in ("已覆盖", "总数", "覆盖率")
            ),
        )

    def rows(self):
        for p in self.progress:
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
                *(cell.adopted if cell.responsible else None for cell in p.cells),
                p.fronts_covered,
                p.responsible_count,
                Percent(p.completeness),
                self.audiences.get(p.unit.pk) or 0,
                len(p.owed),
                *_coverage_cells(self.schools, p.unit),
                *_coverage_cells(self.communities, p.unit),
                *_coverage_cells(self.enterprises, p.unit),
            ]


class ImportTemplateExporter(XlsxExporter):
    """The header row of a register import, for the user to fill in."""

    def __init__(self, spec) -> None:
        self.spec = spec
        what = spec.label if spec.is_records else f"{spec.label}名单"
        self.sheet_name = what[:31]
        self.filename = f"{what}导入模板.xlsx"
        self.columns = tuple(Column(c.header, 24 if c.attr == "name" else 14) for c in spec.columns)

    def rows(self):
        return []
