"""The campaign's Word files opened in LibreOffice: the 个人实践档案 on one page, as its PDF."""

from __future__ import annotations

import pytest

from campaigns import selectors
from campaigns.exports import RecordPdf
from tests.office import (
    flat,
    needs_office,
    office_pdf,
    office_pdf_beside,
    page_count,
    page_size,
    page_texts,
    pdf_text,
    word_boxes,
)

from .test_records import busy_year, wu  # noqa: F401 (fixtures)
from .test_sheets import RECT, lists  # noqa: F401 (fixture)
from .test_summaries import HEADINGS_1, last_year  # noqa: F401 (fixture)

pytestmark = [pytest.mark.office, needs_office]


@pytest.mark.parametrize("items", [10, 25])
def test_office_prints_the_record_on_one_page_as_the_pdf(
    busy_year,  # noqa: F811
    campaign,
    make_item,
    items,
):
    """A typical person (a busy year, ten items of their own) and a very busy one alike."""
    for number in range(items):
        make_item(unit="gongcheng", owner="吴佳怡", title=f"宣传专项工作 {number}")
    record = selectors.records_for(campaign=campaign, staff=[busy_year])[0]
    exporter = RecordPdf(record)
    pdf = office_pdf(exporter.render_docx(), f"campaigns-record-{items}")
    [page] = page_texts(pdf)
    text = flat(page)
    assert "个人实践档案" in text and "姓名吴佳怡" in text and "科室工程指挥科" in text
    assert "本人签字：" in text and "科室负责人签字：" in text
    assert "国动宣教业务比武" in text
    # The same rows as the PDF: every entry's title on the PDF is on the Word page.
    office, weasy = word_boxes(pdf), word_boxes(exporter.render())
    for kind in ("负责事项", "讲堂讲述", "比武"):
        assert kind in office, kind
    # The columns stand where the PDF's do.
    for header in ("类别", "日期", "事项", "情况", "姓名", "科室"):
        assert abs(office[header][0][0] - weasy[header][0][0]) < 7, header
    if items == 25:
        assert "另有" in text


def test_office_prints_the_rectification_sheet_landscape_as_the_pdf(lists, client, login):  # noqa: F811
    campaign = lists["closed"].campaign
    login("zonghe_head")

    def sheet(fmt):
        return client.post(
            f"/campaigns/{campaign.year}/items/sheet/",
            {"kind": RECT, "as_of": "2024-06-30", "unit": "", "format": fmt},
        ).content

    office = office_pdf_beside(sheet("docx"), sheet("pdf"), "campaigns-rectification-sheet")
    width, height = page_size(office)
    assert width > height  # landscape, as the PDF
    assert page_count(office) == page_count(sheet("pdf"))
    text = flat(pdf_text(office))
    boxes = word_boxes(office)
    headers = ("序号", "问题", "责任科室", "责任人", "措施", "节点", "时限", "进展", "核验", "销号")
    assert sorted(headers, key=lambda h: boxes[h][0][0]) == list(headers)  # one header row
    for expected in (
        "2024年度实践活动整改清单",
        "台账资料不规范",
        "值班制度落实不严",
        "沈建国",
        "已销号",
    ):
        assert expected in text, expected


def test_office_opens_the_year_summary_with_its_chart(client, login, last_year):  # noqa: F811
    login("zonghe_head")
    client.post(f"/campaigns/{last_year.year}/summary/")
    docx = client.get(f"/campaigns/{last_year.year}/summary.docx").content
    pdf = client.get(f"/campaigns/{last_year.year}/summary.pdf").content
    office = office_pdf_beside(docx, pdf, "campaigns-summary")
    text = flat(pdf_text(office))
    for heading in HEADINGS_1:
        assert heading in text, heading
    assert f"青国动〔{last_year.year}〕号" in text
    assert "国动小讲堂" in text and "每月排名" in text
    # About as long as the PDF (same faces, margins and 28-point lines).
    assert abs(page_count(office) - page_count(pdf)) <= 1
