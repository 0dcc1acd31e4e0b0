"""The 培树工作总结 drafted from the data: the section's posts, plans, 申报表 and stars, as Word
(read back with python-docx) and PDF (pdftotext); only the section's own draft, audited."""

from __future__ import annotations

import io

import pytest
from docx import Document

from qpdo.org import clock
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord
from stars import selectors, services
from stars.models import Post
from tests.stars.test_pdf import pdftotext
from tests.utils import element_text

from .conftest import publicize
from .test_plans import PLAN

DOCX = "/stars/summaries/draft.docx?year=2024"
PDF = "/stars/summaries/draft.pdf?year=2024"


def _docx(client) -> Document:
    response = client.get(DOCX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    return Document(io.BytesIO(response.content))


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def announced(approved_nominations, demo_user, star_year):
    """Four stars chosen and announced (the first is 管理保障中心's 通信警报 nominee)."""
    nominations = approved_nominations(4)
    for nomination in nominations:
        services.star_select(
            acting_user=demo_user("party_group"),
            nomination=nomination,
            citation=f"{nomination.name}同志业务精湛。",
        )
    publicize(demo_user, star_year)
    with clock.frozen(clock.at(2024, 11, 1)):
        services.stars_announce(acting_user=demo_user("party_group"), star_year=star_year)
    return nominations


def test_draft_docx_has_the_sections_figures(client, login, demo_user, campaign, post, announced):
    head = demo_user("baozhang_head")
    plan = services.plan_create(acting_user=head, post=post("通信警报"), **PLAN)
    services.plan_submit(acting_user=head, plan=plan)
    login("baozhang_head")
    document = _docx(client)
    text = [p.text for p in document.paragraphs]
    assert text[0] == "管理保障中心2024年度“岗位之星”培树工作总结"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["一、基本情况", "二、培树工作开展情况"]
    assert "（一）“通信警报”岗位" in headings
    assert headings[-5:] == [
        "三、督查及整改情况",
        "四、推荐申报情况",
        "五、培树成效",
        "六、经验做法",
        "七、存在不足和下一步打算",
    ]

    # Posts as on the 附表1 page: the section's rows, each with its plan's state.
    posts = list(Post.objects.filter(campaign=campaign, unit=head.staff.unit).order_by("number"))
    table = _cells(document.tables[0])
    assert table[0] == ["序号", "类别", "培树岗位", "培树形式", "实施计划", "实施活动"]
    assert [row[2] for row in table[1:]] == [p.name for p in posts]
    row = next(r for r in table[1:] if r[2] == "通信警报")
    plan.approval.refresh_from_db()
    assert row[4] == plan.approval.get_state_display()
    basics = next(t for t in text if t.startswith("根据2024年度"))
    assert f"本科室负责{'、'.join(f'“{p.name}”' for p in posts)}{len(posts)}个岗位" in basics
    assert "工作重点：提升警报器检测维修和故障排除能力。" in text
    assert "完成时限：2024年10月15日。" in text

    # Nominations as on the 申报表 list of the section head.
    listed = list(
        selectors.nomination_list_for(user=head, campaign=campaign).filter(unit=head.staff.unit)
    )
    nominations = _cells(document.tables[1])
    assert [r[0] for r in nominations[1:]] == [n.name for n in listed]
    cited = selectors.nomination_competition_text(listed[0])
    assert cited and nominations[1][3] == cited  # the 比武 result as the 申报表 prints it
    assert nominations[1][4] == "已通过"
    assert f"推荐申报{len(listed)}人。" in basics

    # The star, as on the 交流展示 page.
    star = announced[0]
    assert f"{star.name}（通信警报岗位）：{star.name}同志业务精湛。" in text
    assert AuditRecord.objects.filter(
        action=AuditAction.DOWNLOAD, detail__contains="培树工作总结草稿（DOCX）"
    ).exists()


def test_draft_pdf_reads_as_the_docx(client, login, make_nomination, tmp_path):
    nomination = make_nomination("baozhang_head")
    login("baozhang_head")
    response = client.get(PDF)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "".join(pdftotext(response.content, tmp_path)).replace("\n", "")
    assert "管理保障中心2024年度“岗位之星”培树工作总结" in text
    # A draft 申报表 is the section's own work in progress: not counted yet.
    assert nomination.name not in text
    assert "本年度本科室尚未报送申报表。" in text
    assert "本年度“岗位之星”尚未公布" in text
    assert AuditRecord.objects.filter(
        action=AuditAction.DOWNLOAD, detail__contains="培树工作总结草稿（PDF）"
    ).exists()


def test_no_data_says_so(client, login):
    login("baozhang_head")
    text = [p.text for p in _docx(client).paragraphs]
    assert "2024年度本科室尚无培树工作实施计划和申报记录，请据实补充。" in text


@pytest.mark.parametrize("username", ["member", "party_group", "zonghe_staff"])
def test_draft_is_only_for_a_responsible_sections_head(client, login, username):
    login(username)
    assert client.get(DOCX).status_code == 404
    assert client.get(PDF).status_code == 404


def test_another_section_gets_its_own_draft_only(client, login, announced):
    login("gongcheng_head")
    document = _docx(client)
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text.startswith("工程指挥科")
    assert announced[0].name not in text  # 管理保障中心's star
    names = [r[0] for r in _cells(document.tables[1])[1:]]
    assert announced[0].name not in names and announced[2].name in names


def test_the_summary_page_offers_the_draft_to_the_head_only(client, login):
    login("baozhang_head")
    page = client.get("/stars/summaries/?year=2024").content.decode()
    offer = element_text(page, "summary-draft-download")
    assert "下载" in offer
    assert 'href="/stars/summaries/draft/?year=2024"' in page  # drafted and edited in the portal
    assert 'href="/stars/summaries/draft.docx?year=2024"' in page
    login("member")
    page = client.get("/stars/summaries/?year=2024").content.decode()
    assert "summary-draft-download" not in page
