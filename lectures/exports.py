"""Printed and spreadsheet exports of the lecture series, fed by lectures.selectors.

- 附表1 工作分工表 (the public schedule) as Excel and as an A4 PDF in the source's layout;
- the full programme of the year (every topic with its state, slot and dates) as Excel.

The engines (WeasyPrint, openpyxl, formula neutralising) live in qpdo.documents.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from campaigns.models import Campaign
from qpdo.documents import word
from qpdo.documents.excel import Column, XlsxExporter, cell_value, xlsx_response
from qpdo.documents.pdf import pdf_response, render_pdf
from qpdo.documents.word import docx_response
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.dates import cn_date
from qpdo.org.enums import AuditAction
from qpdo.org.need_to_know import reads_across_units
from qpdo.org.scoping import user_unit

from . import selectors

DIVISION_TITLE = "青浦区国防动员办公室“国动小讲堂·身边人讲身边事”工作分工表"
# The source prints the title in two lines, broken after the office's name.
DIVISION_TITLE_LINES = ("青浦区国防动员办公室", "“国动小讲堂·身边人讲身边事”工作分工表")
CANCELLED_TOPIC = "本场次已取消"
CANCELLED_SPEAKER = "—"


def month_label(month: int) -> str:
    return f"{month}月"


EXTRA_HEADING = "加开场次（附表1以外，经综合科同意）"


def _printable(rows: Iterable[dict]) -> list[dict]:
    """Return slot rows ready to print, with how many rows each unit cell spans.

    A unit cell spans the unit's consecutive rows, as in the source; `unit_rowspan` is 0 on
    the rows it covers. A scheduled slot shows its topic and speaker, others the source's
    rules (个人自定 / 科室推荐), and a cancelled slot says so.
    """
    printed = []
    for row in rows:
        cancelled = row["cancelled"] and row["lecture"] is None
        printed.append(
            {
                "number": row["number"],
                "unit": row["unit"],
                "month": month_label(row["month"]),
                "topic": CANCELLED_TOPIC if cancelled else row["topic"],
                "speaker": CANCELLED_SPEAKER if cancelled else row["speaker"],
                "cancelled": cancelled,
                "scheduled": row["lecture"] is not None,
                "unit_rowspan": 1,
            }
        )
    start = 0
    for index in range(1, len(printed) + 1):
        if index == len(printed) or printed[index]["unit"] != printed[start]["unit"]:
            printed[start]["unit_rowspan"] = index - start
            for covered in printed[start + 1 : index]:
                covered["unit_rowspan"] = 0
            start = index
    return printed


def division_table(campaign: Campaign) -> list[dict]:
    """Return the rows of 附表1 (its eight slots) ready to print."""
    return _printable(selectors.division_rows(campaign=campaign))


def extra_table(campaign: Campaign) -> list[dict]:
    """Return the slots granted beyond 附表1 (加开场次) ready to print, after its rows."""
    return _printable(selectors.extra_slot_rows(campaign=campaign))


def row_height(text: str, width: float) -> float:
    """Return a row height (points) that shows wrapped text whole: Excel keeps a set height."""
    per_line = max(int(width // 2), 1)  # a Chinese character takes about two width units
    lines = -(-len(text) // per_line)
    return max(30.0, lines * 16.0 + 10.0)


class DivisionTableExporter:
    """附表1 “工作分工表” of a campaign year, filled with the real topics and speakers."""

    title = DIVISION_TITLE
    columns = (
        Column("序号", 8),
        Column("单位", 18),
        Column("时间", 10),
        Column("选题", 44),
        Column("人员", 16),
    )
    template_name = "lectures/exports/division.html"

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.table = division_table(campaign)
        self.extra = extra_table(campaign)

    def filename(self, extension: str) -> str:
        return f"国动小讲堂工作分工表-{self.campaign.year}年.{extension}"

    # Excel --------------------------------------------------------------------------------

    def render_xlsx(self) -> bytes:
        """Return the table as .xlsx: a merged title row, the header, unit cells merged."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "工作分工表"
        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        body_font = Font(name="宋体", size=12)
        width = len(self.columns)

        sheet.append([self.title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        title_cell = sheet.cell(1, 1)
        title_cell.font = Font(name="宋体", size=16, bold=True)
        title_cell.alignment = centre
        sheet.row_dimensions[1].height = 48

        sheet.append([column.header for column in self.columns])
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
            cell = sheet.cell(2, index)
            cell.font = Font(name="宋体", size=12, bold=True)
            cell.alignment = centre
            cell.border = border

        first = 3
        for offset, row in enumerate(self.table):
            values = [row["number"], row["unit"], row["month"], row["topic"], row["speaker"]]
            sheet.append([cell_value(value) for value in values])
            number = first + offset
            sheet.row_dimensions[number].height = row_height(row["topic"], self.columns[3].width)
            for index in range(1, width + 1):
                cell = sheet.cell(number, index)
                cell.font = body_font
                cell.alignment = centre
                cell.border = border
            if row["unit_rowspan"] > 1:
                last = number + row["unit_rowspan"] - 1
                sheet.merge_cells(start_row=number, start_column=2, end_row=last, end_column=2)

        if self.extra:
            self._xlsx_extra(sheet, first + len(self.table), border, centre, body_font)

        sheet.print_title_rows = "1:2"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def _xlsx_extra(self, sheet, number: int, border, centre, body_font) -> None:
        """Write the 加开场次 block below 附表1's rows: its heading, then its rows."""
        width = len(self.columns)
        sheet.cell(number, 1, EXTRA_HEADING)
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
        heading = sheet.cell(number, 1)
        heading.font = Font(name="宋体", size=12, bold=True)
        heading.alignment = Alignment(horizontal="left", vertical="center")
        for index in range(1, width + 1):
            sheet.cell(number, index).border = border
        sheet.row_dimensions[number].height = 30
        for offset, row in enumerate(self.extra, start=1):
            at = number + offset
            values = [row["number"], row["unit"], row["month"], row["topic"], row["speaker"]]
            for index, value in enumerate(values, start=1):
                cell = sheet.cell(at, index, cell_value(value))
                cell.font = body_font
                cell.alignment = centre
                cell.border = border
            sheet.row_dimensions[at].height = row_height(row["topic"], self.columns[3].width)
            if row["unit_rowspan"] > 1:
                last = at + row["unit_rowspan"] - 1
                sheet.merge_cells(start_row=at, start_column=2, end_row=last, end_column=2)

    def xlsx_response(self):
        return xlsx_response(self.render_xlsx(), filename=self.filename("xlsx"))

    # PDF ----------------------------------------------------------------------------------

    def context(self) -> dict:
        return {
            "title": self.title,
            "title_lines": DIVISION_TITLE_LINES,
            "campaign": self.campaign,
            "rows": self.table,
            "extra_rows": self.extra,
            "extra_heading": EXTRA_HEADING,
            "printed_on": clock.today(),
            "office_name": settings.QPDO_OFFICE_NAME,
        }

    def render_pdf(self) -> bytes:
        return render_pdf(self.template_name, self.context())

    def pdf_response(self):
        return pdf_response(self.render_pdf(), filename=self.filename("pdf"), inline=True)

    # Word ---------------------------------------------------------------------------------

    # The PDF's column shares (10/23/10/39/18 %) of the 156 mm between the margins.
    docx_widths_mm = (15.6, 35.9, 15.6, 60.8, 28.1)

    def render_docx(self) -> bytes:
        """Return the table as Word in the PDF's layout: 附表1, the two-line title, the unit
        cells merged over their months, the header row repeated on every page."""
        doc = word.new_document(title=self.title, author=settings.QPDO_OFFICE_NAME, size=14)
        word.add_paragraph(doc, "附表1：", font=word.HEADING_FONT, size=16, space_after=17)
        word.add_title(doc, "\n".join(DIVISION_TITLE_LINES), size=20, space_after=22)
        table = word.add_table(doc, widths_mm=self.docx_widths_mm)
        word.add_row(
            table, [c.header for c in self.columns], height_mm=11, header=True, bold=True, size=14
        )
        for row in self.table:
            topic_align = "left" if row["scheduled"] else "center"
            added = word.add_row(
                table,
                [str(row["number"]), row["unit"], row["month"], "", row["speaker"]],
                height_mm=11,
                size=14,
            )
            word.set_cell(added.cells[3], row["topic"], size=14, align=topic_align)
        if not self.table:
            word.add_row(table, ["本年度尚未设置讲堂场次。"], height_mm=11, size=14)
            word.merge_cells(table, 1, 0, 1, 4)
        for offset, row in enumerate(self.table, start=1):
            if row["unit_rowspan"] > 1:
                word.merge_cells(table, offset, 1, offset + row["unit_rowspan"] - 1, 1)
        if self.extra:
            self._docx_extra(table, first=len(table.rows))
        word.add_paragraph(
            doc,
            f"{self.campaign.year}年度 · 制表日期：{cn_date(clock.today())}",
            size=10.5,
            align="right",
            space_before=11,
        )
        word.add_page_number_footer(doc, template="— {page} —", size=14)
        return word.render_docx(doc)

    def _docx_extra(self, table, first: int) -> None:
        """Add the 加开场次 block to the table: a heading row over the five columns, its rows."""
        word.add_row(table, [EXTRA_HEADING], height_mm=11, bold=True, size=14, align="left")
        word.merge_cells(table, first, 0, first, 4)
        for row in self.extra:
            added = word.add_row(
                table,
                [str(row["number"]), row["unit"], row["month"], "", row["speaker"]],
                height_mm=11,
                size=14,
            )
            align = "left" if row["scheduled"] else "center"
            word.set_cell(added.cells[3], row["topic"], size=14, align=align)
        for offset, row in enumerate(self.extra, start=first + 1):
            if row["unit_rowspan"] > 1:
                word.merge_cells(table, offset, 1, offset + row["unit_rowspan"] - 1, 1)

    def docx_response(self):
        return docx_response(self.render_docx(), filename=self.filename("docx"))


# The programme ------------------------------------------------------------------------------

PROGRAMME_FIELDS: Sequence[tuple[str, Column]] = (
    ("unit", Column("推荐科室", 14)),
    ("title", Column("选题名称", 36)),
    ("speaker", Column("主讲人", 10)),
    ("speaker_part", Column("本人角色", 12)),
    ("event", Column("讲述事件", 36)),
    ("event_date", Column("事件时间", 16)),
    ("state", Column("选题状态", 18)),
    ("submitted_at", Column("推荐提交时间", 20)),
    ("manuscript_state", Column("讲述稿状态", 18)),
    ("slot", Column("场次", 16)),
    ("starts_at", Column("讲述时间", 20)),
    ("place", Column("地点", 18)),
    ("held_on", Column("实际举办日期", 16)),
    ("audience_count", Column("听众人数", 10)),
    ("promoted_district_on", Column("全区业务系统宣传", 18)),
    ("promoted_city_on", Column("报市国动办推广", 18)),
)


class ProgrammeExporter(XlsxExporter):
    """Every topic of the year the user may see, with state, slot, manuscript and delivery.

    The scope is programme_rows(user=...): the coordinator and the leadership get every
    section, a section head their own section.
    """

    columns = (Column("序号", 6), *(column for _, column in PROGRAMME_FIELDS))
    sheet_name = "选题及讲述安排"

    def __init__(self, *, user, campaign: Campaign) -> None:
        self.user = user
        self.campaign = campaign
        self.data = selectors.programme_rows(user=user, campaign=campaign)

    @property
    def scope_label(self) -> str:
        if reads_across_units(self.user, "lectures.Topic"):
            return ""
        unit = user_unit(self.user)
        return unit.name if unit else ""

    @property
    def title(self) -> str:
        scope = f"（{self.scope_label}）" if self.scope_label else ""
        return f"{self.campaign.year}年“国动小讲堂”选题及讲述安排一览表{scope}"

    @property
    def filename(self) -> str:
        scope = f"-{self.scope_label}" if self.scope_label else ""
        return f"国动小讲堂选题及讲述安排-{self.campaign.year}年{scope}.xlsx"

    def rows(self) -> Iterable[Sequence[Any]]:
        for number, row in enumerate(self.data, start=1):
            yield [number, *(row[key] for key, _ in PROGRAMME_FIELDS)]


def programme_export(*, acting_user: User, campaign: Campaign) -> HttpResponse:
    """Return the programme export as a download, and audit it (it lists people by name)."""
    exporter = ProgrammeExporter(user=acting_user, campaign=campaign)
    with transaction.atomic():
        response = exporter.response()
        audit_record(
            action=AuditAction.EXPORT,
            actor=acting_user,
            target=campaign,
            detail=f"导出“国动小讲堂”选题及讲述安排一览表，共 {len(exporter.data)} 个选题。",
        )
    return response
