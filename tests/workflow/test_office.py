"""The 审批单 .docx opened in LibreOffice: one page, each step with opinion, signer and date."""

from __future__ import annotations

import pytest

from qpdo.workflow import services
from qpdo.workflow.enums import Action
from tests.office import flat, needs_office, office_pdf_beside, page_texts, word_boxes

from .test_views import submitted_topic

pytestmark = [pytest.mark.office, needs_office]


def test_office_prints_the_sheet_on_one_page_with_signed_steps(
    client, login, make_topic, demo_user
):
    topic = submitted_topic(make_topic, demo_user)
    services.approval_transition(
        approval=topic.approval,
        action=Action.APPROVE,
        acting_user=demo_user("zonghe_staff"),
        opinion="同意推荐。",
    )
    login("gongcheng_head")
    docx = client.get(f"/workflow/{topic.approval.pk}/sheet.docx").content
    pdf = client.get(f"/workflow/{topic.approval.pk}/sheet.pdf").content
    office = office_pdf_beside(docx, pdf, "workflow-sheet")
    [page] = page_texts(office)
    text = flat(page)
    opinion = topic.approval.opinions.get(action="submit")
    for expected in (
        "审批单",
        "所属单位工程指挥科",
        flat(topic.title),
        "【同意】同意推荐。",
        "签名：李静",
    ):
        assert expected in text, expected
    assert "张卫东" in text and f"{opinion.at.astimezone().year}年" in text
    assert text.count("年月日") >= 1  # the 办领导审定 step left to sign
    office_boxes, weasy_boxes = word_boxes(office), word_boxes(pdf)
    for label in ("所属单位", "当前状态", "科室推荐", "综合科初评", "办领导审定"):
        assert abs(office_boxes[label][0][0] - weasy_boxes[label][0][0]) < 4, label
