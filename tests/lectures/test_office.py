"""附表1 工作分工表 .docx opened in LibreOffice: the PDF's pages, cells and merged units."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.office import flat, needs_office, office_pdf_beside, page_count, pdf_text

from .test_exports import UNITS, programme  # noqa: F401 (fixture)

pytestmark = [pytest.mark.office, needs_office]


def test_office_prints_the_division_table_as_the_pdf(client, login, programme):  # noqa: F811
    login("member")
    docx = client.get(reverse("lectures:division-docx")).content
    pdf = client.get(reverse("lectures:division-pdf")).content
    office = office_pdf_beside(docx, pdf, "lectures-division")
    assert page_count(office) == page_count(pdf)
    text, weasy = flat(pdf_text(office)), flat(pdf_text(pdf))
    for expected in ("附表1：", "=HYPERLINK(", "本场次已取消", "5月", "8月"):
        assert expected in text, expected
    # Each unit is one merged cell over its two months: printed once, as on the PDF.
    for unit in UNITS:
        assert text.count(unit) == weasy.count(unit), unit
