"""六进年度工作总结: figures from the pages' selectors, the drafts, and the Word/PDF documents.

The figures of a summary are computed by the selectors the 六进 pages already use
(`unit_progress`, `school_coverage`, `community_coverage`, `enterprise_coverage`), so the
document and the pages never disagree. The document is built once as an outline of blocks
(headings, paragraphs, tables, pictures) that both the Word file and the PDF render.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractMonth
from django.http import Http404

from qpdo.documents import drafts
from qpdo.documents.drafts import Outline
from qpdo.documents.images import BarGroup, BarValue, bar_chart_png
from qpdo.documents.official import Block
from qpdo.errors import Refused
from qpdo.jobs.models import Job
from qpdo.jobs.registry import JobOutput, JobRefused
from qpdo.jobs.services import job_request
from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.enums import UnitKind
from qpdo.org.models import Unit
from qpdo.org.need_to_know import reads_across_units
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import EDITABLE_STATES, State
from qpdo.workflow.models import Approval

from . import dashboard, rules, selectors
from .coverage import Coverage, CoverageRow
from .dashboard import UnitProgress
from .models import Report, ReportPhoto, YearSummary, YearSummaryVersion

BEST_REPORTS_UNIT = 3
BEST_REPORTS_DISTRICT = 6
PHOTOS_PER_REPORT = 2
TEXT_FIELDS = YearSummaryVersion.text_fields


_cn_date = cn_date


# --- figures -----------------------------------------------------------------------------------


@dataclass
class FrontMonths:
    """Adopted activities of one front, per month (1–12) and in the year."""

    front: object
    months: list[int]
    responsible: bool

    @property
    def total(self) -> int:
        return sum(self.months)


@dataclass
class CoverageLine:
    label: str
    row: CoverageRow
    target: int

    @property
    def rate_text(self) -> str:
        return "—" if self.row.rate is None else f"{self.row.rate:g}%"

    @property
    def verdict(self) -> str:
        met = self.row.meets(self.target)
        return "无登记" if met is None else ("达标" if met else "未达标")


@dataclass
class SummaryFigures:
    """Everything a summary prints, for one unit or (unit None) the whole district."""

    year: int
    unit: Unit | None
    progress: list[UnitProgress]
    fronts: list[FrontMonths]
    coverage: list[Coverage] = field(default_factory=list)
    best: list[Report] = field(default_factory=list)

    @property
    def is_district(self) -> bool:
        return self.unit is None

    @property
    def own(self) -> UnitProgress | None:
        return None if self.is_district else self.progress[0]

    @property
    def filed(self) -> int:
        return sum(p.filed for p in self.progress)

    @property
    def adopted(self) -> int:
        return sum(p.adopted for p in self.progress)

    @property
    def timely(self) -> int:
        return sum(p.timely for p in self.progress)

    @property
    def late(self) -> int:
        return sum(p.late for p in self.progress)

    @property
    def plans_filed(self) -> int:
        return sum(not p.plan.is_missing for p in self.progress)

    @property
    def plans_on_time(self) -> int:
        return sum(p.plan.timing == "on_time" for p in self.progress)

    @property
    def plans_late(self) -> int:
        return sum(p.plan.timing == "late" for p in self.progress)

    @property
    def has_coverage(self) -> bool:
        return any(c.district.total for c in self.coverage)

    @property
    def has_data(self) -> bool:
        """Return whether the year holds anything to sum up: a plan, a report, a register."""
        return bool(self.plans_filed or self.filed or self.has_coverage)

    def coverage_lines(self) -> list[CoverageLine]:
        """Return one line per register: the unit's own row, or the district's."""
        lines = []
        for coverage in self.coverage:
            row = coverage.district if self.is_district else coverage.rows[0]
            lines.append(CoverageLine(coverage.label, row, coverage.target))
        return lines


def _front_months(year: int, units: list[Unit], progress: list[UnitProgress]) -> list[FrontMonths]:
    """Count the adopted reports per front and month (the pages count them per front)."""
    counts = Counter(
        {
            (row["front_id"], row["month"]): row["n"]
            for row in Report.fronts.through.objects.filter(
                report__unit_id__in=[u.pk for u in units],
                report__held_on__year=year,
                report__approval__state=State.APPROVED,
            )
            .annotate(month=ExtractMonth("report__held_on"))
            .values("front_id", "month")
            .annotate(n=Count("report_id"))
            .order_by()
        }
    )
    fronts = [cell.front for cell in progress[0].cells] if progress else selectors.fronts_all()
    result = []
    for index, front in enumerate(fronts):
        responsible = any(p.cells[index].responsible for p in progress)
        months = [counts[(front.pk, month)] for month in range(1, 13)]
        if responsible or any(months):
            result.append(FrontMonths(front, months, responsible))
    return result


def _best_reports(year: int, units: list[Unit], limit: int) -> list[Report]:
    """Return the year's best reports: adopted, those sent on to the city first, then the
    largest audience (the office's ratings of a report are 采用 and 报市国动办)."""
    return list(
        Report.objects.filter(
            unit__in=[u.pk for u in units],
            held_on__year=year,
            approval__state=State.APPROVED,
        )
        .select_related("unit")
        .prefetch_related(
            Prefetch("photos", queryset=ReportPhoto.objects.order_by("order", "id")),
            "fronts",
        )
        .order_by("-promoted_to_city", "-audience_count", "-held_on", "id")[:limit]
    )


def summary_figures(*, year: int, unit: Unit | None) -> SummaryFigures:
    """Return the figures of a unit's summary, or of the district's (unit None)."""
    if unit is None:
        units = list(selectors.reporting_units())
        town_list = [u for u in units if u.kind == UnitKind.TOWN]
        limit = BEST_REPORTS_DISTRICT
    else:
        units = [unit]
        town_list = [unit] if unit.kind == UnitKind.TOWN else []
        limit = BEST_REPORTS_UNIT
    progress = dashboard.unit_progress(year=year, units=units)
    coverage = []
    if town_list:
        coverage = [
            selectors.school_coverage(year=year, town_list=town_list),
            selectors.community_coverage(year=year, town_list=town_list),
            selectors.enterprise_coverage(year=year, town_list=town_list),
        ]
    return SummaryFigures(
        year=year,
        unit=unit,
        progress=progress,
        fronts=_front_months(year, units, progress),
        coverage=coverage,
        best=_best_reports(year, units, limit),
    )


def no_data_message(year: int, unit: Unit | None) -> str:
    who = "全区" if unit is None else unit.name
    return f"{who}{year}年度没有“六进”年度计划、活动信息和台账记录，无从总结。"


# --- the drafted text --------------------------------------------------------------------------


def draft_text(figures: SummaryFigures) -> dict[str, str]:
    """Return the first draft of the free paragraphs, written from the figures."""
    year = figures.year
    who = "全区各街镇、区国动委成员单位" if figures.is_district else figures.unit.name
    fronts_done = [f.front.name for f in figures.fronts if f.total]
    overview = (
        f"{year}年，{who}按照区国动办关于国防动员宣传教育“六进”工作的部署，"
        f"围绕进党校、进机关、进学校、进企业、进社区、进网络，结合重要节点开展宣传教育活动。"
        f"全年报送活动信息{figures.filed}条，经宣教审核采用{figures.adopted}条"
        + (f"，活动覆盖{'、'.join(fronts_done)}。" if fronts_done else "。")
    )
    practices = (
        "\n".join(f"{report.title}：{report.content[:80]}" for report in figures.best)
        or "（请填写本年度的主要做法和经验。）"
    )
    problems = []
    for fm in figures.fronts:
        if fm.responsible and not fm.total:
            problems.append(f"“{fm.front.name}”全年没有采用的活动信息。")
    for line in figures.coverage_lines():
        if line.verdict == "未达标":
            problems.append(
                f"{line.label}覆盖率{line.rate_text}，未达到{line.target}%的目标，"
                f"尚有{line.row.gap}处未覆盖。"
            )
    if figures.late:
        problems.append(f"有{figures.late}条活动信息未在活动后及时报送。")
    next_steps = (
        f"{year + 1}年，将对照“六进”全覆盖要求，按时报送年度计划和活动信息，"
        "补齐薄弱方面，推动宣传教育常态化、长效化。"
    )
    return {
        "overview": overview,
        "practices": practices,
        "problems": "\n".join(problems) or "（请填写存在的问题和不足。）",
        "next_steps": next_steps,
    }


# --- the outline both documents render ---------------------------------------------------------


def coverage_chart(figures: SummaryFigures) -> bytes:
    """Return the coverage chart (schools, communities, enterprises) as PNG."""
    coverages = figures.coverage
    groups = []
    labels = [row.town.name for row in coverages[0].rows]
    picks = [(label, index) for index, label in enumerate(labels)]
    if figures.is_district:
        picks.append(("全区合计", None))
    for label, index in picks:
        values = []
        for coverage in coverages:
            row = coverage.district if index is None else coverage.rows[index]
            if row.total == 0:
                values.append(BarValue(None, "无登记"))
            else:
                values.append(
                    BarValue(
                        row.rate,
                        f"{row.covered}/{row.total}（{row.rate:g}%）",
                        row.meets(coverage.target) is False,
                    )
                )
        groups.append(BarGroup(label, values))
    return bar_chart_png(
        groups,
        series=[c.label for c in coverages],
        title=f"{figures.year}年度覆盖情况",
        target=max(c.target for c in coverages),
    )


def _photo_bytes(photo: ReportPhoto) -> bytes | None:
    try:
        with photo.thumbnail.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def summary_outline(
    summary: YearSummary,
    version: YearSummaryVersion,
    figures: SummaryFigures,
    progress=None,
    *,
    with_images: bool = True,
) -> list[Block]:
    """Return the blocks of the document, in order (progress(done, total) is told as it goes).

    Without images (the page's preview) the chart and the photos are left out.
    """
    tell = progress or (lambda done, total: None)
    total_steps = 3 + len(figures.best)
    out = Outline(str(summary), f"〔{summary.year}〕　　号")
    heading, paras = out.heading, out.para
    heading(1, "总体情况")
    paras(version.overview)
    if not figures.has_data:
        out.add("note", text=no_data_message(summary.year, figures.unit))
    heading(1, "工作开展情况")
    heading(2, "各方面活动开展情况")
    if figures.adopted:
        paras(
            f"全年报送活动信息{figures.filed}条，采用{figures.adopted}条。"
            "各方面采用的活动信息按活动月份统计如下："
        )
        rows = [[fm.front.name, *(n or "" for n in fm.months), fm.total] for fm in figures.fronts]
        rows.append(
            [
                "合计",
                *(sum(fm.months[m] for fm in figures.fronts) or "" for m in range(12)),
                sum(fm.total for fm in figures.fronts),
            ]
        )
        out.add(
            "table",
            headers=["方面", *(f"{m}月" for m in range(1, 13)), "合计"],
            rows=rows,
            widths=[20] + [9.5] * 12 + [12],
        )
    else:
        out.add("note", text=f"{summary.year}年度没有采用的活动信息。")
    tell(1, total_steps)

    heading(2, "学校、社区和台账覆盖情况")
    if not figures.coverage:
        out.add("note", text="本单位不承担学校、社区（村居）和企业（园区）台账，不统计覆盖率。")
    elif not figures.has_coverage:
        out.add("note", text=f"{summary.year}年度台账中没有登记学校、社区和企业。")
    else:
        lines = figures.coverage_lines()
        out.add(
            "table",
            headers=["台账", "登记数", "已覆盖", "覆盖率", "目标", "情况"],
            rows=[
                [
                    line.label,
                    line.row.total,
                    line.row.covered,
                    line.rate_text,
                    f"{line.target}%",
                    line.verdict,
                ]
                for line in lines
            ],
            widths=[40, 20, 20, 22, 20, 28],
        )
        if figures.is_district:
            town_rows = []
            for index, row in enumerate(figures.coverage[0].rows):
                cells = [row.town.name]
                for coverage in figures.coverage:
                    line = CoverageLine("", coverage.rows[index], coverage.target)
                    cells.append(
                        "无登记"
                        if line.row.total == 0
                        else f"{line.row.covered}/{line.row.total}（{line.rate_text}）"
                    )
                town_rows.append(cells)
            paras("各街镇覆盖情况如下：")
            out.add(
                "table",
                headers=["街镇", *(c.label for c in figures.coverage)],
                rows=town_rows,
                widths=[34, 40, 40, 40],
            )
        if with_images:
            out.add(
                "image",
                data=coverage_chart(figures),
                width_mm=150,
                text="图：学校、社区（村居）、企业（园区）覆盖情况（红线为目标）",
            )
    tell(2, total_steps)

    heading(2, "年度计划和活动信息报送情况")
    if figures.is_district:
        paras(
            f"{len(figures.progress)}个单位中，{figures.plans_on_time}个按时报送年度计划，"
            f"{figures.plans_late}个逾期报送，"
            f"{len(figures.progress) - figures.plans_filed}个未报送。"
            f"活动信息按时报送{figures.timely}条，逾期报送{figures.late}条。"
        )
        out.add(
            "table",
            headers=["单位", "年度计划", "报送信息", "采用", "按时报送", "逾期报送"],
            rows=[
                [p.unit.name, p.plan.timing_label, p.filed, p.adopted, p.timely, p.late]
                for p in figures.progress
            ],
            widths=[40, 26, 22, 20, 22, 22],
        )
    else:
        own = figures.own
        plan = own.plan
        if plan.first_submitted:
            plan_text = (
                f"年度计划报送期限为{_cn_date(plan.due)}，于{_cn_date(plan.first_submitted)}"
                f"报送，{plan.timing_label}，审核状态为“{plan.state_label}”。"
            )
        else:
            plan_text = f"年度计划报送期限为{_cn_date(plan.due)}，{plan.timing_label}。"
        paras(
            plan_text + f"全年报送活动信息{own.filed}条，其中活动后按时报送{own.timely}条、"
            f"逾期报送{own.late}条；采用{own.adopted}条。"
        )
    tell(3, total_steps)

    heading(2, "优秀活动信息")
    if not figures.best:
        out.add("note", text=f"{summary.year}年度没有采用的活动信息。")
    for done, report in enumerate(figures.best, start=1):
        fronts = "、".join(f.name for f in report.fronts.all())
        marks = "，已报市国动办" if report.promoted_to_city else ""
        heading(3, report.title)
        paras(
            f"{report.unit.name}，{_cn_date(report.held_on)}，{report.place}，{fronts}，"
            f"参加{report.audience_count}人{marks}。{report.content}"
        )
        missing = 0
        for photo in list(report.photos.all())[:PHOTOS_PER_REPORT] if with_images else []:
            data = _photo_bytes(photo)
            if data:
                out.add("image", data=data, width_mm=90, text=photo.caption or report.title)
            else:
                missing += 1
        if missing:
            # A photo whose file is gone (a restore without media, a removed file) is named,
            # not silently dropped: the office can re-upload it on the report.
            out.add("note", text=f"该条活动信息有{missing}张照片的文件已不存在，未能附上。")
        tell(3 + done, total_steps)

    heading(1, "主要做法和经验")
    paras(version.practices or "—")
    heading(1, "存在的问题和不足")
    paras(version.problems or "—")
    heading(1, "下一步工作打算")
    paras(version.next_steps or "—")
    signer = "青浦区国防动员办公室" if summary.is_district else summary.unit.name
    out.signature(signer, summary)
    return out.blocks


# --- reads -------------------------------------------------------------------------------------


def summary_list_for(*, user, year: int | None = None):
    """Return the summaries the user may see: the declared readers of outreach.YearSummary
    (宣教审核, 办领导) see all, a unit its own; other office-wide roles none."""
    queryset = YearSummary.objects.select_related("unit", "approval", "chosen_version")
    if year is not None:
        queryset = queryset.filter(year=year)
    if reads_across_units(user, "outreach.YearSummary"):
        return queryset
    unit = rules.reporting_unit(user)
    if unit is None:
        return queryset.none()
    return queryset.filter(unit=unit, is_district=False)


def summary_get_for(*, user, pk: int) -> YearSummary:
    try:
        return summary_list_for(user=user).get(pk=pk)
    except YearSummary.DoesNotExist:
        raise Http404("没有找到该总结。") from None


def summary_version(summary: YearSummary) -> YearSummaryVersion:
    """Return the version the document prints: the chosen one, else the latest."""
    return drafts.draft_version_shown(summary)


def summary_figures_of(summary: YearSummary) -> SummaryFigures:
    return summary_figures(year=summary.year, unit=None if summary.is_district else summary.unit)


def summary_document(summary: YearSummary, *, fmt: str, progress=None) -> tuple[str, bytes]:
    """Return (filename, bytes) of the summary as .docx or .pdf."""
    figures = summary_figures_of(summary)
    blocks = summary_outline(summary, summary_version(summary), figures, progress)
    return drafts.draft_document(blocks, title=str(summary), fmt=fmt)


# --- rules -------------------------------------------------------------------------------------


def may_draft(user, *, district: bool) -> bool:
    return rules.may_review(user) if district else rules.may_report(user)


def may_edit_summary(user, summary: YearSummary | None) -> bool:
    if summary is None or summary.approval.state not in EDITABLE_STATES:
        return False
    if summary.is_district:
        return rules.may_review(user)
    unit = rules.reporting_unit(user)
    return unit is not None and unit.pk == summary.unit_id


def summary_check_submittable(summary: YearSummary) -> None:
    if summary.is_district:
        raise ValidationError("全区总结由宣教审核起草，无需报送。")
    if not summary.versions.exists():
        raise ValidationError("总结还没有保存的稿子。")


# --- writes ------------------------------------------------------------------------------------


def _office_unit() -> Unit:
    return Unit.objects.get(kind=UnitKind.OFFICE)


@transaction.atomic
def summary_create(*, acting_user: User, year: int, district: bool = False) -> YearSummary:
    """Draft the summary of the acting user's unit (or, for 宣教审核, the district's) for a
    year, its first version written from the data. A unit drafts only its own."""
    if not may_draft(acting_user, district=district):
        raise Refused(
            "只有宣教审核可以起草全区总结。" if district else "只有本单位填报员可以起草本单位总结。"
        )
    if year not in selectors.year_choices() or year > clock.today().year:
        raise ValidationError({"year": f"不能起草{year}年度的总结。"})
    unit = _office_unit() if district else rules.reporting_unit(acting_user)
    figures = summary_figures(year=year, unit=None if district else unit)
    if not figures.has_data:
        raise ValidationError({"year": no_data_message(year, figures.unit)})
    if YearSummary.objects.filter(unit=unit, year=year, is_district=district).exists():
        raise ValidationError({"year": f"已有{year}年度的总结，请打开原总结修改。"})
    summary = YearSummary(unit=unit, year=year, is_district=district)
    workflow.subject_create(summary, acting_user=acting_user)
    drafts.draft_first_version(summary, acting_user=acting_user, text=draft_text(figures))
    return summary


@transaction.atomic
def summary_save(
    *, acting_user: User, summary: YearSummary, text: dict[str, str]
) -> YearSummaryVersion:
    """Save the edited paragraphs as a new version (earlier versions stay as they were)."""
    summary = YearSummary.objects.select_for_update().get(pk=summary.pk)
    workflow.ensure_editable(summary)
    if not may_edit_summary(acting_user, summary):
        raise Refused("只能修改本单位的总结。")
    if not (text.get("overview") or "").strip():
        raise ValidationError({"overview": "请填写总体情况。"})
    return drafts.draft_version_save(acting_user=acting_user, summary=summary, text=text)


@transaction.atomic
def summary_choose(*, acting_user: User, summary: YearSummary, version_pk: int) -> YearSummary:
    """Choose the version the documents print, and keep the day it was chosen."""
    summary = YearSummary.objects.select_for_update().get(pk=summary.pk)
    workflow.ensure_editable(summary)
    if not may_edit_summary(acting_user, summary):
        raise Refused("只能修改本单位的总结。")
    return drafts.draft_version_choose(
        acting_user=acting_user, summary=summary, version_pk=version_pk
    )


def summary_submit(*, acting_user: User, summary: YearSummary) -> Approval:
    """Hand the summary in to 宣教审核; without a choice, the latest version is chosen."""
    with transaction.atomic():
        if summary.chosen_version_id is None and may_edit_summary(acting_user, summary):
            latest = summary.versions.order_by("-number").first()
            if latest is not None:
                summary_choose(acting_user=acting_user, summary=summary, version_pk=latest.pk)
                summary.refresh_from_db()
        return workflow.approval_submit(subject=summary, acting_user=acting_user)


summary_download_record = drafts.draft_download_record


# --- the district summary with photos, as a background job -------------------------------------

SUMMARY_JOB = "outreach.summary_document"


def summary_job_request(*, acting_user: User, summary: YearSummary, fmt: str) -> Job:
    return job_request(
        kind=SUMMARY_JOB,
        label=f"{summary}（{'Word' if fmt == 'docx' else 'PDF'}）",
        params={"summary": summary.pk, "format": fmt},
        acting_user=acting_user,
    )


def summary_job_run(job, progress):
    """Render a summary with its photos (the handler of the outreach.summary_document job)."""

    try:
        summary = summary_get_for(user=job.requested_by, pk=job.params["summary"])
    except Http404:
        raise JobRefused("该总结已不存在或无权查看。") from None
    fmt = "docx" if job.params.get("format") == "docx" else "pdf"
    filename, content = summary_document(summary, fmt=fmt, progress=progress)
    summary_download_record(acting_user=job.requested_by, summary=summary, fmt=fmt)
    version = summary_version(summary)
    return JobOutput(filename=filename, content=content, note=f"{version}")
