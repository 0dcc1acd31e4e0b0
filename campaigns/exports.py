"""Exports of the campaign, fed by campaigns.selectors; the engines live in qpdo.documents.

- a month's section ranking as Excel;
- the yearly records (个人实践档案) as Excel, one row per person;
- one person's record as an A4 PDF (one page) and as Word.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.text import Truncator
from pypdf import PdfReader, PdfWriter

from qpdo.documents import word
from qpdo.documents.excel import Column, Percent, XlsxExporter
from qpdo.documents.pdf import pdf_response, render_pdf
from qpdo.documents.word import docx_response
from qpdo.jobs.registry import JobOutput, JobRefused
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.dates import cn_date
from qpdo.org.enums import AuditAction
from qpdo.org.models import Staff

from . import selectors
from .enums import AppraisalKind, ranking_rule_text
from .models import Campaign
from .ranking import COLUMNS

# How many lines the one-page PDF prints in all; each kind of entry gets an equal share and
# the rest of a kind is summed up in one line, so a busy year still prints on one page. When
# long lines wrap and the page still overflows, the budget shrinks to the next value.
PDF_LINE_BUDGETS = (28, 20, 14, 9)
PDF_MAX_PER_KIND = 8
PDF_COUNTS_PER_ROW = 9


class RankingExporter(XlsxExporter):
    """A month's ranking: rank, section, the counts, completion rate and score."""

    sheet_name = "科室排名"

    def __init__(self, *, campaign: Campaign, month: int, view: dict) -> None:
        self.campaign = campaign
        self.month = month
        self.view = view
        self.columns = (
            Column("名次", 6),
            Column("科室", 18),
            *(Column(metric.label, 11) for metric in COLUMNS),
            Column("完成率", 9),
            Column("得分", 8),
        )

    @property
    def status(self) -> str:
        return {"published": "已公布", "submitted": "待办领导确认", "live": "预览"}.get(
            self.view["source"], ""
        )

    @property
    def title(self) -> str:
        return f"{self.campaign.year}年{self.month}月各科室实践活动完成情况排名（{self.status}）"

    @property
    def filename(self) -> str:
        return f"实践活动科室排名-{self.campaign.year}年{self.month}月.xlsx"

    def rows(self) -> Iterable[Sequence[Any]]:
        for line in self.view["lines"]:
            rate = line.completion_rate
            yield [
                line.rank,
                line.unit.name,
                *line.values,
                Percent(rate) if rate is not None else "—",
                line.score,
            ]
        ranking = self.view.get("ranking")
        rule = ranking.rule_text if ranking is not None and self.view["source"] != "live" else ""
        yield []
        yield [f"计分规则：{rule or ranking_rule_text()}"]


class RecordsExporter(XlsxExporter):
    """The yearly records of a set of people, one row each, a column per count."""

    sheet_name = "个人实践档案"

    def __init__(self, *, campaign: Campaign, records: list) -> None:
        self.campaign = campaign
        self.records = records
        self.record_columns = selectors.record_columns()
        self.columns = (
            Column("序号", 6),
            Column("姓名", 10),
            Column("科室", 16),
            Column("职务/岗位", 18),
            *(Column(header, 10) for _key, header in self.record_columns),
            Column("主要事项", 60),
        )

    @property
    def title(self) -> str:
        return f"{self.campaign.year}年度“投身改革强能力 自我革命促提升”实践活动个人实践档案汇总"

    @property
    def filename(self) -> str:
        return f"个人实践档案-{self.campaign.year}年.xlsx"

    def rows(self) -> Iterable[Sequence[Any]]:
        for number, record in enumerate(self.records, start=1):
            highlights = "；".join(
                f"{entry.category}：{entry.title}"
                for section in record.sections
                for entry in section.entries[:3]
            )
            yield [
                number,
                record.staff.name,
                record.staff.unit.name,
                record.staff.position,
                *(record.counts.get(key, 0) for key, _header in self.record_columns),
                highlights,
            ]


def records_export(
    *, acting_user: User, campaign: Campaign, staff: QuerySet[Staff]
) -> HttpResponse:
    """Return the records of these people as Excel, and audit it (it lists people by name)."""
    records = selectors.records_for(campaign=campaign, staff=staff)
    exporter = RecordsExporter(campaign=campaign, records=records)
    with transaction.atomic():
        response = exporter.response()
        audit_record(
            action=AuditAction.EXPORT,
            actor=acting_user,
            target=campaign,
            detail=f"导出{campaign.year}年个人实践档案汇总，共 {len(records)} 人。",
        )
    return response


class RecordPdf:
    """One person's yearly record on one A4 page."""

    template_name = "campaigns/record/pdf.html"

    def __init__(self, record) -> None:
        self.record = record

    @property
    def filename(self) -> str:
        return f"个人实践档案-{self.record.campaign.year}年-{self.record.staff.name}.pdf"

    def groups(self, budget: int = PDF_LINE_BUDGETS[0]) -> list[dict]:
        """Return the entries by kind (负责事项, 攻坚团队, 讲堂讲述 …), cut to `budget` lines."""
        kinds: dict[str, list] = {}
        for section in self.record.sections:
            for entry in section.entries:
                kinds.setdefault(entry.category, []).append(entry)
        limit = PDF_MAX_PER_KIND
        while limit > 1:
            lines = sum(min(len(e), limit) + (len(e) > limit) for e in kinds.values())
            if lines <= budget:
                break
            limit -= 1
        groups = []
        for kind, entries in kinds.items():
            shown = entries[:limit]
            groups.append(
                {
                    "kind": kind,
                    "entries": shown,
                    "more": len(entries) - len(shown),
                    "rows": len(shown) + (len(entries) > len(shown)),
                }
            )
        return groups

    def column_rows(self) -> list[list[tuple[str, int]]]:
        """Return the counts in rows of at most PDF_COUNTS_PER_ROW (they must fit the width)."""
        columns = [
            (header, self.record.counts.get(key, 0)) for key, header in selectors.record_columns()
        ]
        per_row = PDF_COUNTS_PER_ROW
        if len(columns) > per_row:  # spread evenly: 14 columns print as two rows of 7
            rows = -(-len(columns) // per_row)
            per_row = -(-len(columns) // rows)
        return [columns[i : i + per_row] for i in range(0, len(columns), per_row)]

    def context(self, budget: int = PDF_LINE_BUDGETS[0]) -> dict:
        return {
            "record": self.record,
            "staff": self.record.staff,
            "campaign": self.record.campaign,
            "column_rows": self.column_rows(),
            "groups": self.groups(budget),
            "printed_on": clock.today(),
            "office_name": settings.QPDO_OFFICE_NAME,
        }

    def render(self) -> bytes:
        """Return the PDF, on one page: with fewer lines per kind if the first try overflows."""
        return self._fitted()[1]

    def fitting_budget(self) -> int:
        """Return the line budget the one-page PDF prints with (the Word file uses it too)."""
        return self._fitted()[0]

    def _fitted(self) -> tuple[int, bytes]:
        if getattr(self, "_fit", None) is None:
            for budget in PDF_LINE_BUDGETS:
                data = render_pdf(self.template_name, self.context(budget))
                if len(PdfReader(io.BytesIO(data)).pages) == 1:
                    break
            self._fit = (budget, data)
        return self._fit

    def response(self):
        return pdf_response(self.render(), filename=self.filename, inline=True)

    # Word ---------------------------------------------------------------------------------

    margins = word.Margins(top=18, bottom=16, left=16, right=16)  # the PDF's @page
    who_widths_mm = (23.3, 36.0) * 3
    # The columns as WeasyPrint prints the PDF's 15 % / 17 % / 38 % / rest (measured on the
    # PDF: CSS widths leave the padding out and the date column does not wrap).
    lines_widths_mm = (33.7, 30.3, 71.6, 42.4)  # the date 2 mm wider: LibreOffice spaces digits

    @property
    def docx_filename(self) -> str:
        return self.filename.removesuffix(".pdf") + ".docx"

    def render_docx(self, budget: int | None = None) -> bytes:
        """Return the record as Word in the PDF's layout, on one page as the PDF is.

        The rows are the one-page PDF's (the same line budget, titles and details cut as the
        PDF cuts them) and the lines are as high as the PDF's (9.5 pt text on 13.3 pt lines),
        so Word, WPS and LibreOffice lay it out on one page too.
        """
        context = self.context(budget=self.fitting_budget() if budget is None else budget)
        staff, campaign = context["staff"], context["campaign"]
        doc = word.new_document(
            title=f"{staff.name} {campaign.year}年度个人实践档案",
            author=context["office_name"],
            margins=self.margins,
            size=9.5,
        )
        width = word.content_width_mm(doc)
        word.add_title(doc, "个人实践档案", size=16, space_after=3)
        word.add_paragraph(
            doc,
            f"{campaign.year}年度 · “投身改革强能力 自我革命促提升”实践活动"
            f"（{campaign.doc_number}）",
            size=9.5,
            align="center",
            space_after=8,
        )
        who = word.add_table(doc, widths_mm=self.who_widths_mm)
        word.add_row(
            who,
            ["姓名", staff.name, "科室", staff.unit.name, "职务/岗位", staff.position or "—"],
            height_mm=7,
            size=9.5,
        )
        for index in (0, 2, 4):
            word.set_cell(who.cell(0, index), who.cell(0, index).text, bold=True, size=9.5)
            word.set_cell_shading(who.cell(0, index), "F2F2F2")
        for columns in context["column_rows"]:
            word.add_paragraph(doc, "", size=4)
            counts = word.add_table(doc, widths_mm=[width / len(columns)] * len(columns))
            heads = word.add_row(counts, [h for h, _ in columns], size=8.5, bold=True)
            for cell in heads.cells:
                word.set_cell_shading(cell, "F2F2F2")
            word.add_row(counts, [str(v) for _, v in columns], height_mm=7, size=11)
        word.add_paragraph(doc, "", size=6)
        lines = word.add_table(doc, widths_mm=self.lines_widths_mm)
        heads = word.add_row(
            lines, ["类别", "日期", "事项", "情况"], header=True, bold=True, size=9
        )
        for cell in heads.cells:
            word.set_cell_shading(cell, "F2F2F2")
        for group in context["groups"]:
            first = len(lines.rows)
            for entry in group["entries"]:
                row = word.add_row(lines, ["", cn_date(entry.date) or "—"], size=9)
                word.set_cell(row.cells[2], Truncator(entry.title).chars(40), size=9, align="left")
                word.set_cell(
                    row.cells[3], Truncator(entry.detail or "").chars(36), size=8.5, align="left"
                )
            if group["more"]:
                row = word.add_row(lines, [""], size=8.5)
                word.merge_cells(lines, len(lines.rows) - 1, 1, len(lines.rows) - 1, 3)
                word.set_cell(
                    lines.cell(len(lines.rows) - 1, 1),
                    f"另有 {group['more']} 项，详见门户“个人实践档案”。",
                    size=8.5,
                    align="left",
                )
            last = len(lines.rows) - 1
            if last > first:
                word.merge_cells(lines, first, 0, last, 0)
            word.set_cell(lines.cell(first, 0), group["kind"], font=word.HEADING_FONT, size=9)
        if not context["groups"]:
            word.add_row(lines, ["本年度暂无记录。"], size=9)
            word.merge_cells(lines, 1, 0, 1, 3)
        word.add_paragraph(
            doc,
            "说明：本档案由门户根据实践活动及国动小讲堂、岗位之星、宣传教育“六进”等工作的记录"
            "自动汇总，作为平时考核、年度考核的参考。"
            f"打印日期：{cn_date(context['printed_on'])}。",
            size=8.5,
            space_before=8,
        )
        sign = word.add_table(doc, widths_mm=(width / 2, width / 2), border_eighths=0)
        word.add_row(
            sign, ["本人签字：", "科室负责人签字："], height_mm=16, align="left", valign="bottom"
        )
        # The PDF's line heights (body 1.4, the table cells' padding 0.9 mm): one page alike.
        for table in doc.tables[:-1]:  # the PDF's padding; the signature line has its own
            word.set_cell_margins(table, left_mm=1.5, right_mm=1.5, top_mm=1.2, bottom_mm=1.2)
        word.set_cell_margins(lines, left_mm=1.2, right_mm=1.2, top_mm=0.9, bottom_mm=0.9)
        word.set_lines_exactly(word.table_paragraphs(who), 13.3)
        word.set_lines_exactly(word.table_paragraphs(lines), 12.6)
        footer = f"{context['office_name']} · 个人实践档案"
        word.add_page_number_footer(doc, template=footer, size=8)
        return word.render_docx(doc)

    def docx_response(self):
        return docx_response(self.render_docx(), filename=self.docx_filename)


UNIT_RECORDS_JOB = "campaigns.unit_records"


def unit_records_pdf_run(job, progress):
    """Print the yearly record of every person of a unit the requester may see, one A4 page
    each, as one PDF (the handler of the campaigns.unit_records job)."""

    user = job.requested_by
    campaign = Campaign.objects.get(pk=job.params["campaign"])
    people = list(
        selectors.record_people_for(user=user, campaign=campaign)
        .filter(unit_id=job.params["unit"])
        .select_related("unit", "user")
    )
    if not people:
        raise JobRefused("该单位没有您可以查看的个人实践档案。")
    records = selectors.records_for(campaign=campaign, staff=people)
    total = len(records)
    progress(0, total)
    writer = PdfWriter()
    for done, record in enumerate(records, start=1):
        writer.append(PdfReader(io.BytesIO(RecordPdf(record).render())))
        gc.collect()
        progress(done, total)
    out = io.BytesIO()
    writer.write(out)
    unit = people[0].unit
    audit_record(
        action=AuditAction.EXPORT,
        actor=user,
        target=campaign,
        detail=f"打印{campaign.year}年{unit.name}个人实践档案，共 {total} 人。",
    )
    return JobOutput(
        filename=f"个人实践档案-{campaign.year}年-{unit.name}.pdf",
        content=out.getvalue(),
        note=f"共 {total} 人，每人一页",
    )


class AppraisalExporter(XlsxExporter):
    """The year's 年度考核参考 list in the page's order: the record's figures, the marks with
    their state and opinions, and the rule under the table."""

    sheet_name = "年度考核参考"

    def __init__(self, *, reference: selectors.AppraisalReference) -> None:
        self.reference = reference
        self.columns = (
            Column("序号", 6),
            Column("姓名", 10),
            Column("科室", 16),
            Column("职务/岗位", 18),
            *(Column(column.header, 10) for column in reference.columns),
            Column("年度考核优秀等次", 22),
            Column("评先表彰", 22),
            Column("推荐意见", 60),
        )

    @property
    def title(self) -> str:
        return f"{self.reference.campaign.year}年度考核参考名单"

    @property
    def filename(self) -> str:
        return f"年度考核参考-{self.reference.campaign.year}年.xlsx"

    def rows(self) -> Iterable[Sequence[Any]]:
        for number, row in enumerate(self.reference.rows, start=1):
            by_kind = {mark.recommendation.kind: mark for mark in row.marks}
            opinions = "；".join(
                f"{mark.kind_label}：{opinion.action_label or opinion.get_action_display()}"
                f"（{opinion.actor_name}，{cn_date(opinion.at)}）{opinion.text}"
                for mark in row.marks
                for opinion in mark.opinions
            )
            yield [
                number,
                row.staff.name,
                row.staff.unit.name,
                row.staff.position,
                *row.values,
                *(
                    by_kind[kind].state_label if kind in by_kind else ""
                    for kind in AppraisalKind.values
                ),
                opinions,
            ]
        yield []
        yield [f"统计期间：{self.reference.period_text}。"]
        for column in self.reference.columns:
            yield [f"{column.header}：{column.rule}。"]


def appraisal_export(*, acting_user: User, reference: selectors.AppraisalReference) -> HttpResponse:
    """Return the 年度考核参考 list as Excel, and audit it (it lists people by name)."""
    exporter = AppraisalExporter(reference=reference)
    with transaction.atomic():
        response = exporter.response()
        audit_record(
            action=AuditAction.EXPORT,
            actor=acting_user,
            target=reference.campaign,
            detail=f"导出{reference.campaign.year}年度考核参考名单，共 {len(reference.rows)} 人。",
        )
    return response
