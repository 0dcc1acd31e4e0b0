"""The 申报表 .docx opened in LibreOffice: it opens as the paper form (one page unless the
deeds overflow), its fields and signed opinions print, its columns stand where the PDF's do,
and a batch prints each form on its own pages."""

from __future__ import annotations

import pytest

from tests.office import (
    flat,
    needs_office,
    office_pdf,
    office_pdf_beside,
    page_count,
    page_texts,
    pdf_text,
    word_boxes,
)

from .test_docx import render
from .test_pdf import TITLE, long_deeds
from .test_pdf import render as render_pdf

pytestmark = [pytest.mark.office, needs_office]

LABELS = (
    "姓名",
    "性别",
    "籍贯",
    "政治面貌",
    "学历",
    "出生年月",
    "申报类别",
    "工作岗位",
    "在岗年限",
)


def test_office_opens_the_form_as_one_page_with_fields_and_signed_opinions(
    make_nomination, advance, demo_user
):
    nomination = advance(make_nomination("baozhang_head"))
    user = demo_user("baozhang_head")
    pdf = office_pdf(render(user, [nomination]), "stars-nomination")
    [page] = page_texts(pdf)
    text = flat(page)
    assert flat(TITLE) in text
    for cell in (
        "姓名胡晓琳",
        "性别女",
        "籍贯上海青浦",
        "出生年月1989年8月",
        "推荐科室民防管理保障中心",
    ):
        assert cell in text
    for opinion, signer, date in (
        ("该同志表现突出，同意推荐。", "签名：徐明", "2024年10月18日"),
        ("经支部委员会研究，同意推荐。", "签名：蒋丽华", "2024年10月21日"),
        ("同意推荐为“岗位之星”候选人选。", "签名：陆振华", "2024年10月28日"),
    ):
        assert text.index(opinion) < text.index(signer) < text.index(date)
    assert "校验码" in text

    # The grid's columns stand where the WeasyPrint PDF's do (same widths, same merges).
    office, weasy = word_boxes(pdf), word_boxes(render_pdf(user, [nomination]))
    for label in LABELS:
        x_office, x_weasy = office[label][0][0], weasy[label][0][0]
        assert abs(x_office - x_weasy) < 4, (label, x_office, x_weasy)


def test_office_runs_long_deeds_onto_a_second_page_with_the_header_row(
    make_nomination, advance, demo_user
):
    deeds = long_deeds()
    nomination = advance(make_nomination("baozhang_head", deeds=deeds))
    pdf = office_pdf(render(demo_user("baozhang_head"), [nomination]), "stars-nomination-long")
    first, second = page_texts(pdf)
    assert flat(TITLE) in flat(first) and flat(TITLE) not in flat(second)
    # The header row (姓名 · 性别 · 籍贯) repeats at the top of the continuation page.
    assert flat(second).startswith("姓名胡晓琳性别女籍贯上海青浦")
    whole = flat(first + second)
    for paragraph in filter(None, deeds.splitlines()):
        assert flat(paragraph)[:20] in whole and flat(paragraph)[-20:] in whole
    assert "签名：陆振华" in flat(second)


def test_office_prints_a_batch_form_by_form(approved_nominations, demo_user):
    nominations = approved_nominations(3)
    pdf = office_pdf(render(demo_user("party_branch"), nominations), "stars-nomination-batch")
    pages = page_texts(pdf)
    assert len(pages) == 3
    for nomination, page in zip(nominations, pages, strict=True):
        assert flat(TITLE) in flat(page) and f"姓名{nomination.name}" in flat(page)
        assert "第1页" in flat(page)  # each form numbered from 1


def test_office_prints_the_post_table_as_the_pdf(client, login, approved_nominations):
    """附件2 附表1 工作分工表: landscape, the PDF's page count, categories merged over posts."""
    approved_nominations(2)
    login("party_branch")
    docx = client.get("/stars/posts.docx?year=2024").content
    pdf = client.get("/stars/posts.pdf?year=2024&download=1").content
    office = office_pdf_beside(docx, pdf, "stars-posts")
    assert page_count(office) == page_count(pdf)
    text, weasy = flat(pdf_text(office)), flat(pdf_text(pdf))
    assert "青浦区国防动员办公室“岗位之星”培树工作分工表（2024年）" in text
    for name in ("组织指挥", "智慧国动", "基层党建", "比武竞赛"):
        assert name in text, name
    for category in ("国动援战", "城市防护", "为民服务"):  # one merged cell each
        assert text.count(category) == weasy.count(category), category


def test_office_prints_the_batch_job_word_file_form_by_form(
    approved_nominations, demo_user, campaign
):
    from qpdo.jobs.models import Job
    from stars import services

    nominations = approved_nominations(3)
    job = Job(
        kind=services.BATCH_JOB,
        label="测试",
        requested_by=demo_user("party_branch"),
        params={
            "campaign": campaign.pk,
            "nominations": [n.pk for n in nominations],
            "base_url": "http://portal.test",
            "format": "docx",
        },
    )
    output = services.batch_print_run(job, lambda done, total: None)
    assert output.filename.endswith(".docx")
    pages = page_texts(office_pdf(output.content, "stars-batch-job"))
    assert sorted(
        name
        for page in pages
        for name in [n.name for n in nominations]
        if f"姓名{name}" in flat(page)
    ) == sorted(n.name for n in nominations)
    assert len(pages) == 3 and all("第1页" in flat(page) for page in pages)
