"""实践活动总结 (综合科): drafted from last year's records (the demo's finished year), edited
with picked highlights, printed as Word and PDF whose figures equal the campaign pages'."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from campaigns.models import Campaign, CampaignSummary, QuarterStar
from lectures.models import Lecture
from qpdo.workflow.enums import State
from tests.conftest import TEST_TODAY
from tests.forms import PageForm

HEADINGS_1 = [
    "一、总体情况",
    "二、重点任务完成情况",
    "三、主要活动开展情况",
    "四、工作亮点",
    "五、经验做法",
    "六、存在不足和下一步打算",
]


@pytest.fixture
def last_year(db):
    """Seed the demo (last year is finished history) and return last year's campaign."""
    call_command("seed", "--demo", verbosity=0)
    return Campaign.objects.get(year=TEST_TODAY.year - 1)


def _url(campaign, tail=""):
    return f"/campaigns/{campaign.year}/summary{tail}"


def _docx(client, campaign) -> Document:
    response = client.get(_url(campaign, ".docx"))
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _table_after(document, header: str) -> list[list[str]]:
    for table in document.tables:
        if table.rows[0].cells[0].text == header:
            return _cells(table)
    raise AssertionError(f"no table starting with {header}")


def test_summary_is_drafted_and_carries_the_pages_figures(
    client, login, last_year, request, clock_at
):
    login("zonghe_head")
    assert client.post(_url(last_year, "/")).status_code == 302
    summary = CampaignSummary.objects.get(campaign=last_year)
    assert summary.versions.count() == 1
    overview = client.get(f"/campaigns/{last_year.year}/").context["progress"]
    document = _docx(client, last_year)

    assert document.paragraphs[0].text == str(summary)
    assert document.paragraphs[1].text == f"青国动〔{last_year.year}〕　　号"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS_1
    tasks = [p.text for p in document.paragraphs if p.style.name == "Heading 2"][:5]
    assert tasks == [
        f"（{n}）{t.title}"
        for n, t in zip("一二三四五", last_year.key_tasks.order_by("order"), strict=True)
    ]
    rows = _table_after(document, "重点任务")
    on_page = [
        [p.label, str(p.total), str(p.counts["done"]), str(p.counts["done_late"])]
        for p in overview["tasks"]
    ]
    assert [row[:4] for row in rows[1:]] == on_page
    assert sum(int(row[1]) for row in rows[1:]) == overview["overall"].total > 0

    lectures = _table_after(document, "月份")
    delivered = Lecture.objects.filter(slot__campaign=last_year, held_on__isnull=False)
    assert len(lectures) - 1 == delivered.count() > 0
    ranking = client.get(f"/campaigns/{last_year.year}/ranking/{last_year.months[-1]}/").context
    published = [m["month"] for m in ranking["months"] if m["state"] == State.APPROVED]
    months = _table_after(document, "科室")[0][1:]
    assert months == [f"{m}月" for m in published]
    stars = _table_after(document, "姓名")
    assert len(stars) - 1 == last_year.stars.count() == 4
    assert len(document.inline_shapes) == 1  # the monthly ranking chart

    # The PDF says the same, as text.
    response = client.get(_url(last_year, ".pdf"))
    assert response["Content-Type"] == "application/pdf"
    folder = request.config.rootpath / "test-artifacts"
    folder.mkdir(exist_ok=True)
    path = folder / "campaign-summary.pdf"  # kept to be looked at (pdftoppm -png -r 60)
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    plain = text.replace("\n", "").replace(" ", "")
    for heading in HEADINGS_1:
        assert heading in plain
    assert "国动小讲堂" in plain and "每月排名" in plain

    # An earlier version chosen keeps the day it was chosen.
    first = summary.versions.get()
    moment = clock_at(TEST_TODAY.year, TEST_TODAY.month, TEST_TODAY.day, 15, 30)
    client.post(_url(last_year, f"/versions/{first.pk}/choose/"))
    summary.refresh_from_db()
    assert summary.chosen_version == first and summary.chosen_at == moment


def test_highlights_are_picked_and_a_deleted_one_is_dropped_with_a_note(client, login, last_year):
    # Only the office sees the summary and only the lead section drafts it (checked on the same
    # data: one demo seeding per test is slow).
    login("gongcheng_head")
    assert client.get(_url(last_year, "/")).status_code == 404
    assert client.post(_url(last_year, "/")).status_code == 404
    login("zhujiajiao")
    assert client.get(_url(last_year, "/")).status_code == 404
    login("office_leader")
    assert client.get(_url(last_year, "/")).status_code == 200
    login("party_group")  # sees the office's records, does not draft
    assert client.post(_url(last_year, "/")).status_code == 403
    assert not CampaignSummary.objects.exists()
    login("zonghe_head")
    client.post(_url(last_year, "/"))
    page = client.get(_url(last_year, "/edit/"))
    form = PageForm.from_response(page, testid="summary-form")
    star = QuarterStar.objects.filter(campaign=last_year).order_by("quarter", "id").first()
    competition = last_year.competitions.order_by("held_on", "id").first()
    form.check("highlights", f"quarter_star:{star.pk}")
    form.check("highlights", f"competition:{competition.pk}")
    form.fill("experience", "一是目标清单化。\n二是责任节点化。")
    assert form.submit(client).status_code == 302
    summary = CampaignSummary.objects.get(campaign=last_year)
    assert summary.versions.count() == 2
    text = [p.text for p in _docx(client, last_year).paragraphs]
    assert any(star.staff.name in line for line in text)
    assert any(competition.title in line for line in text)
    assert "二是责任节点化。" in text

    star.delete()
    page = client.get(_url(last_year, "/"))
    assert "所选的一项季度之星已被删除，未列入亮点。" in page.content.decode()
    text = [p.text for p in _docx(client, last_year).paragraphs]
    assert "所选的一项季度之星已被删除，未列入亮点。" in text
    assert not any(star.staff.name + "（" in line for line in text)


def test_a_year_without_records_says_so(client, login):
    campaign = Campaign.objects.get(year=2024)  # the notice's campaign, seeded without records
    login("zonghe_head")
    page = client.get(_url(campaign, "/")).content.decode()
    assert "2024年度实践活动还没有清单事项、活动和排名记录，无从总结。" in page
    response = client.post(_url(campaign, "/"), follow=True)
    assert "无从总结" in response.content.decode()
    assert not CampaignSummary.objects.exists()
