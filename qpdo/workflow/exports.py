"""The printable 审批单 of any subject: what it is and every step's opinion, name and date.

As PDF (WeasyPrint) and as Word (python-docx), from the same context, so the two agree.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from qpdo.documents import word
from qpdo.documents.pdf import render_pdf
from qpdo.org import clock
from qpdo.org.dates import cn_date, cn_datetime

from . import selectors
from .models import Approval


class ApprovalSheetExporter:
    template_name = "workflow/approval_sheet.html"
    # The label column as WeasyPrint prints the PDF's (measured: 30 mm, its padding and its
    # share of the fixed table) and the rest of the 156 mm between the margins.
    widths_mm = (40, 116)

    def __init__(self, approval: Approval) -> None:
        self.approval = approval

    @property
    def filename(self) -> str:
        return self.filename_for("pdf")

    def filename_for(self, extension: str) -> str:
        return f"审批单-{self.approval.chain.label}-{self.approval.pk}.{extension}"

    def context(self) -> dict:
        approval = self.approval
        subject = approval.subject
        signed = selectors.signed_opinions(approval)
        chain = approval.chain
        submit = signed.get("submit")
        rows = [{"label": chain.submit_label, "opinion": submit}]
        rows += [{"label": step.label, "opinion": signed.get(step.code)} for step in chain.steps]
        return {
            "office_name": settings.QPDO_OFFICE_NAME,
            "approval": approval,
            "chain": chain,
            "summary": subject.get_workflow_summary() if subject else [],
            "rows": rows,
            "history": selectors.history(approval),
            "printed_at": timezone.localtime(clock.now()),
        }

    def render(self) -> bytes:
        return render_pdf(self.template_name, self.context())

    def render_docx(self) -> bytes:
        """Return the same sheet as Word: title, chain, one bordered two-column table."""
        context = self.context()
        approval, chain = context["approval"], context["chain"]
        doc = word.new_document(
            title=f"审批单（{chain.label}）", author=context["office_name"], size=11
        )
        word.add_title(doc, f"{context['office_name']}审批单", size=20, space_after=6)
        word.add_paragraph(
            doc, f"{chain.label}（{chain.path_label}）", size=11, align="center", space_after=14
        )
        table = word.add_table(doc, widths_mm=self.widths_mm)
        word.set_cell_margins(table, left_mm=2.5, right_mm=2.5, top_mm=1.6, bottom_mm=1.6)
        cell = {"size": 11, "align": "left", "valign": "top"}

        def line(label: str, value: str):
            row = word.add_row(table, [label], height_mm=9)
            word.set_cell(row.cells[1], value, **cell)
            return row

        line(
            "所属单位", f"{approval.unit.name}　（编号 {approval.pk}，第 {approval.round} 轮提交）"
        )
        for label, value in context["summary"]:
            line(label, str(value))
        state = approval.state_label
        if approval.is_late:
            state += (
                f"　逾期报送（报送期限 {cn_date(approval.submit_due_on)}，"
                f"{cn_date(approval.submitted_at)}报送）"
            )
        line("当前状态", state)
        for item in context["rows"]:
            opinion = item["opinion"]
            row = word.add_row(table, [item["label"]], height_mm=22)
            target = row.cells[1]
            if opinion:
                mark = "" if opinion.action == "submit" else f"【{opinion.label}】"
                word.set_cell(target, f"{mark}{opinion.text}", **cell)
                sign = f"签名：{opinion.actor_name}　　{cn_date(opinion.at)}"
            else:
                word.set_cell(target, "", **cell)
                sign = "签名：　　　　　　　年　　月　　日"
            word.add_paragraph(target, sign, size=11, align="right", space_before=10)
        # The PDF's 11 pt text on 16 pt lines (a "multiple" spacing of the CJK face is higher).
        word.set_lines_exactly(word.table_paragraphs(table), 16)
        word.add_paragraph(
            doc, f"打印时间：{cn_datetime(context['printed_at'])}", size=9, space_before=8
        )
        word.add_page_number_footer(doc, template="第 {page} 页 共 {pages} 页", size=9)
        return word.render_docx(doc)
