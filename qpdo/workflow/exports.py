"""The printable 审批单 of any subject: what it is and every step's opinion, name and date."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from qpdo.documents.pdf import render_pdf
from qpdo.org import clock

from . import selectors
from .models import Approval


class ApprovalSheetExporter:
    template_name = "workflow/approval_sheet.html"

    def __init__(self, approval: Approval) -> None:
        self.approval = approval

    @property
    def filename(self) -> str:
        return f"审批单-{self.approval.chain.label}-{self.approval.pk}.pdf"

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
