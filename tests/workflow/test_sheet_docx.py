"""The 审批单 as Word: the PDF's rows (unit, subject, state, each step with opinion, signer and
date, or a blank line to sign); PDF and Word are scoped and audited by the same rule."""

from __future__ import annotations

from django.conf import settings

from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord
from qpdo.workflow import services
from qpdo.workflow.enums import Action
from tests.word import docx_of, row_texts

from .test_views import submitted_topic


def test_sheet_docx_has_every_step_with_names_and_dates(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    services.approval_transition(
        approval=topic.approval,
        action=Action.APPROVE,
        acting_user=demo_user("zonghe_staff"),
        opinion="同意推荐。",
    )
    approval = topic.approval
    approval.refresh_from_db()
    login("gongcheng_head")
    doc = docx_of(client.get(f"/workflow/{approval.pk}/sheet.docx"))
    assert doc.paragraphs[0].text == f"{settings.QPDO_OFFICE_NAME}审批单"
    rows = {texts[0]: texts[1] for texts in row_texts(doc.tables[0])}
    assert rows["所属单位"].startswith("工程指挥科")
    assert rows["选题名称"] == topic.title
    assert rows["当前状态"] == approval.state_label
    signed = [label for label, text in rows.items() if "签名：" in text]
    assert signed[:3] == ["科室推荐", "综合科初评", "办领导审定"]
    submitted = approval.opinions.get(action="submit")
    date = f"{submitted.at.astimezone().year}年"
    assert "张卫东" in rows["科室推荐"] and date in rows["科室推荐"]
    assert rows["综合科初评"].startswith("【同意】同意推荐。")
    assert "签名：李静" in rows["综合科初评"]
    assert rows["办领导审定"].endswith("签名：　　　　　　　年　　月　　日")
    assert doc.paragraphs[-1].text.startswith("打印时间：")


def test_sheet_pdf_and_docx_are_scoped_and_audited_alike(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    exports = AuditRecord.objects.filter(action=AuditAction.EXPORT)
    login("dongyuan_head")
    for extension in ("pdf", "docx"):
        assert client.get(f"/workflow/{topic.approval.pk}/sheet.{extension}").status_code == 404
    assert not exports.exists()
    login("gongcheng_head")
    for extension in ("pdf", "docx"):
        assert client.get(f"/workflow/{topic.approval.pk}/sheet.{extension}").status_code == 200
    assert [r.detail.split("：")[0] for r in exports.order_by("id")] == [
        "打印审批单（PDF）",
        "打印审批单（Word）",
    ]
    page = client.get(f"/workflow/{topic.approval.pk}/").content.decode()
    assert f'href="/workflow/{topic.approval.pk}/sheet.docx"' in page
