"""The printed lists (工作清单, 整改清单) as of a day: Excel, an A4 landscape PDF and Word, all
three from one Sheet (campaigns.selectors.sheets), so they never disagree; and the background
job that prints a large list."""

from __future__ import annotations

import datetime

from django.conf import settings

from qpdo.documents import word
from qpdo.documents.excel import Column, XlsxExporter, xlsx_response
from qpdo.documents.pdf import pdf_response, render_pdf
from qpdo.documents.word import docx_response
from qpdo.jobs.registry import JobOutput, JobRefused
from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.models import Unit

from .models import Campaign
from .selectors.sheets import Sheet, sheet_for, sheet_units_for
from .services.sheets import sheet_export_record

SHEET_JOB = "campaigns.item_sheet"
# A list longer than this prints in the background (a WeasyPrint page of ten wrapped columns
# takes about a second; 40 lines make five to eight pages).
SHEET_INLINE_LIMIT = 40
FORMATS = ("xlsx", "pdf", "docx")
FORMAT_LABELS = {"xlsx": "Excel", "pdf": "PDF", "docx": "Word"}

# Column widths of the printed list: Excel character units, and millimetres of the 267 mm
# between the landscape margins (PDF and Word alike).
XLSX_WIDTHS = (9, 30, 12, 8, 30, 24, 13, 30, 24, 12)
PRINT_WIDTHS_MM = (15, 38, 22, 14, 38, 32, 18, 38, 34, 18)


class SheetExporter:
    """One 清单 as of a day in the three formats."""

    pdf_template = "campaigns/item/sheet_pdf.html"

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    # Excel ----------------------------------------------------------------------------------

    def render_xlsx(self) -> bytes:
        sheet = self.sheet

        class _Export(XlsxExporter):
            columns = [Column(h, w) for h, w in zip(sheet.headers, XLSX_WIDTHS, strict=True)]
            title = f"{sheet.title}（{sheet.subtitle.replace('　　', '，')}）"
            sheet_name = sheet.name

            def rows(self):
                yield from (line.cells() for line in sheet.lines)
                yield []
                yield [sheet.summary]

        return _Export().render()

    # PDF ------------------------------------------------------------------------------------

    def context(self) -> dict:
        return {
            "sheet": self.sheet,
            "widths": PRINT_WIDTHS_MM,
            "office_name": settings.QPDO_OFFICE_NAME,
            "printed_on": clock.today(),
        }

    def render_pdf(self) -> bytes:
        return render_pdf(self.pdf_template, self.context())

    # Word -----------------------------------------------------------------------------------

    def render_docx(self) -> bytes:
        sheet = self.sheet
        doc = word.new_document(
            title=sheet.title, author=settings.QPDO_OFFICE_NAME, landscape=True, size=9
        )
        word.add_title(doc, sheet.title, size=18, space_after=4)
        word.add_paragraph(doc, sheet.subtitle, size=10.5, align="center", space_after=8)
        table = word.add_table(doc, widths_mm=PRINT_WIDTHS_MM)
        word.set_cell_margins(table, left_mm=1.2, right_mm=1.2)
        heads = word.add_row(table, sheet.headers, height_mm=8, header=True, bold=True, size=10)
        for cell in heads.cells:
            word.set_cell_shading(cell, "F2F2F2")
        for line in sheet.lines:
            row = word.add_row(table, [line.number], size=9)
            for index, value in enumerate(line.cells()[1:], start=1):
                align = "center" if index in (2, 3, 6, 9) else "left"
                word.set_cell(row.cells[index], value, size=9, align=align)
        if not sheet.lines:
            word.add_row(table, [f"截至该日{sheet.scope_label}{sheet.name}没有事项。"], size=9)
            word.merge_cells(table, 1, 0, 1, 9)
        word.add_paragraph(doc, sheet.summary, size=10.5, space_before=6)
        word.add_paragraph(
            doc,
            f"{settings.QPDO_OFFICE_NAME}　制表日期：{cn_date(clock.today())}",
            size=10.5,
            align="right",
        )
        word.add_page_number_footer(doc, template="第 {page} 页 共 {pages} 页", size=9)
        return word.render_docx(doc)

    # Either ---------------------------------------------------------------------------------

    def render(self, fmt: str) -> bytes:
        return {"xlsx": self.render_xlsx, "pdf": self.render_pdf, "docx": self.render_docx}[fmt]()

    def response(self, fmt: str):
        data, filename = self.render(fmt), self.sheet.filename(fmt)
        if fmt == "pdf":
            return pdf_response(data, filename=filename, inline=False)
        if fmt == "docx":
            return docx_response(data, filename=filename)
        return xlsx_response(data, filename=filename)


def item_sheet_run(job, progress):
    """Print a large list in the background (the handler of the campaigns.item_sheet job)."""

    params = job.params
    user = job.requested_by
    campaign = Campaign.objects.get(pk=params["campaign"])
    unit = None
    if params.get("unit"):
        unit = sheet_units_for(user=user, campaign=campaign).filter(pk=params["unit"]).first()
        if unit is None:
            raise JobRefused("您不能打印该单位的清单。")
    progress(0, 2)
    sheet = sheet_for(
        user=user,
        campaign=campaign,
        kind=params["kind"],
        as_of=datetime.date.fromisoformat(params["as_of"]),
        unit=unit if isinstance(unit, Unit) else None,
    )
    progress(1, 2)
    data = SheetExporter(sheet).render(params["format"])
    sheet_export_record(acting_user=user, sheet=sheet, fmt=params["format"])
    progress(2, 2)
    return JobOutput(filename=sheet.filename(params["format"]), content=data, note=sheet.summary)
