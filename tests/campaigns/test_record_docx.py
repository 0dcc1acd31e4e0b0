"""The 个人实践档案 as Word: the PDF's rows (who, the counts, the entries by kind with the kind
merged over its rows, the note, the signature line); scoped like the PDF and audited."""

from __future__ import annotations

import pytest
from docx.oxml.ns import qn

from campaigns import selectors
from campaigns.exports import RecordPdf
from qpdo.documents import word
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord
from tests.word import docx_of, row_texts

from .test_records import OTHERS, VISIBLE, busy_year, wu  # noqa: F401 (fixtures)


def test_record_docx_has_the_pdfs_rows_and_counts(busy_year, campaign, make_item):  # noqa: F811
    for number in range(10):
        make_item(unit="gongcheng", owner="吴佳怡", title=f"宣传专项工作 {number}")
    record = selectors.records_for(campaign=campaign, staff=[busy_year])[0]
    doc = word.read_docx(RecordPdf(record).render_docx())
    assert doc.paragraphs[0].text == "个人实践档案"
    who, *counts, lines, sign = doc.tables
    assert row_texts(who)[0][:4] == ["姓名", "吴佳怡", "科室", "工程指挥科"]
    # The counts equal the page's (record.counts through record_columns).
    printed = {}
    for table in counts:
        heads, values = row_texts(table)
        printed.update(zip(heads, values, strict=True))
    expected = {
        header: str(record.counts.get(key, 0)) for key, header in selectors.record_columns()
    }
    assert printed == expected
    rows = row_texts(lines)
    assert rows[0] == ["类别", "日期", "事项", "情况"]
    assert lines.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # The 负责事项 kind is merged over its rows; the rest beyond the cap is summed up.
    kinds = [r[0] for r in rows[1:]]
    first = next(i for i, r in enumerate(rows) if r[0] == "负责事项")
    span = lines.cell(first, 0)._tc
    merged_rows = [i for i in range(len(lines.rows)) if lines.cell(i, 0)._tc is span]
    assert len(merged_rows) > 1
    assert any("另有" in " ".join(r) for r in rows)
    assert "比武" in kinds and "讲堂讲述" in kinds
    assert next(r[-2:] for r in rows if r[-2] == "国动宣教业务比武") == [
        "国动宣教业务比武",
        "第1名（91分，一等奖）",
    ]
    assert row_texts(sign)[0] == ["本人签字：", "科室负责人签字："]


@pytest.mark.parametrize("username", sorted(VISIBLE) + OTHERS[:3])
def test_record_docx_visibility_matches_the_pdf(wu, campaign, client, login, username):  # noqa: F811
    login(username)
    pdf = client.get(f"/campaigns/2024/records/{wu.pk}.pdf").status_code
    before = AuditRecord.objects.filter(action=AuditAction.EXPORT).count()
    response = client.get(f"/campaigns/2024/records/{wu.pk}.docx")
    assert response.status_code == pdf == (200 if username in VISIBLE else 404)
    if username in VISIBLE:
        doc = docx_of(response)
        assert row_texts(doc.tables[0])[0][1] == "吴佳怡"
        record = AuditRecord.objects.filter(action=AuditAction.EXPORT).latest("id")
        assert AuditRecord.objects.filter(action=AuditAction.EXPORT).count() == before + 1
        assert "个人实践档案-2024年-吴佳怡.docx" in record.detail
