"""The 六进年度工作总结 .docx opened in LibreOffice: it opens, its headings, tables, chart and
photos print, on about as many A4 pages as the PDF."""

from __future__ import annotations

import re

import pytest

from tests.office import flat, needs_office, office_pdf_beside, page_count, page_size, pdf_text

from .test_summaries import HEADINGS_1, HEADINGS_2, _draft, year_data  # noqa: F401 (fixture)

pytestmark = [pytest.mark.office, needs_office, pytest.mark.usefixtures("in_2024")]


def test_office_opens_the_unit_summary_with_chart_and_photos(client, login, year_data):  # noqa: F811
    summary = _draft(client, login)
    docx = client.get(f"/outreach/summaries/{summary.pk}/summary.docx").content
    pdf = client.get(f"/outreach/summaries/{summary.pk}/summary.pdf").content
    office = office_pdf_beside(docx, pdf, "outreach-summary-unit")
    assert page_size(office) == pytest.approx((595.3, 841.9), abs=0.5)  # A4 portrait
    assert abs(page_count(office) - page_count(pdf)) <= 1
    text = flat(pdf_text(office))
    assert "朱家角镇2024年度国防动员宣传教育“六进”工作总结" in text
    for heading in HEADINGS_1 + HEADINGS_2:
        assert heading in text, heading
    for expected in ("校园防空演练", "社区疏散演练", "未达标", "学校", "进社区"):
        assert expected in text, expected
    # The signature (unit and date) stays together on the last page.
    last = flat(pdf_text(office).split("\f")[page_count(office) - 1])
    assert re.search(r"朱家角镇\d{4}年\d{1,2}月\d{1,2}日", last), last
