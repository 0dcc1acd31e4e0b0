"""A 岗位之星 申报表 in real Chromium: the 管理保障中心 head fills the form (prefilled from the
staff record, live character counter, the 比武 result picked from the 比武 record — only the
nominee's own entries offered), submits it with the section's
opinion; the 机关党支部 gives its opinion in the admin and the 办党组 in the portal; the head
then downloads the printed 申报表 with all three opinions, signed and dated."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qpdo.org import clock
from qpdo.org.seeds import DEMO_PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "stars-nomination"
DEEDS = (
    "胡晓琳同志扎根人民防空通信警报岗位十年，熟练掌握警报器维护保养和故障排除技术。\n"
    "今年代表青浦区参加全市通信警报专业技能比武，获个人一等奖。"
)
# The page's counter and the server count the same: a table of awkward texts.
COUNT_CASES = [
    "青浦 国防\n动员",
    "第一段。\r\n第二段。",
    "e\u0301",
    "\U0001f44d\U0001f3fd",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1e8\U0001f1f3",
    "\u200b字",
    "𠀀𠀁",
]


def sign_in_as(browser, browser_context_args, portal_url, username):
    context = browser.new_context(**browser_context_args, accept_downloads=True)
    page = context.new_page()
    page.goto(portal_url("/accounts/login/"))
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def contest() -> str:
    return f"{clock.today().year}年上海市国动系统通信警报专业技能比武"


def result() -> str:
    return f"{contest()}（市级）：一等奖，92.5分"


@pytest.fixture(autouse=True)
def in_this_years_campaign(seeded_transactional_db, clock_at):
    """The walk runs on 10 October of the test clock's year, in that year's campaign (set up
    from the 2024 notice), before that year's 申报表 deadline of 20 October."""
    from django.contrib.auth import get_user_model

    from campaigns import services as campaign_services
    from campaigns.models import Campaign

    year = clock.today().year
    campaign_services.campaign_copy(
        acting_user=get_user_model().objects.get(username="zonghe_head"),
        source=Campaign.objects.get(year=2024),
        year=year,
        doc_number=f"青国动〔{year}〕7号",
    )
    clock_at(year, 10, 10)
    from qpdo.org.models import Staff
    from tests.stars.conftest import competition_entry

    # The city's 通信警报 比武 of that year is on record with 胡晓琳's and 林涛's results.
    for name, score, award in (("胡晓琳", "92.5", "一等奖"), ("林涛", "85", "二等奖")):
        competition_entry(
            Staff.objects.get(name=name), score=score, award=award, title=contest(), year=year
        )


def test_section_head_fills_the_form_and_prints_it_after_three_opinions(
    browser, browser_context_args, portal_url
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("3-form*"):
        old.unlink()
    head = sign_in_as(browser, browser_context_args, portal_url, "baozhang_head")
    head.goto(portal_url("/stars/"))
    head.get_by_role("link", name="填报申报表").first.click()
    expect(head.get_by_test_id("form-unit")).to_have_text("民防管理保障中心")
    head.wait_for_load_state("load")  # the form's script runs at the end of the page

    head.locator("#id_nominee").select_option(label="胡晓琳（工作人员（通信警报））")
    # Prefilled from the staff record by the page's script.
    expect(head.get_by_label("姓名")).to_have_value("胡晓琳")
    expect(head.get_by_label("籍贯")).to_have_value("上海青浦")
    expect(head.get_by_label("出生年月")).to_have_value("1989-08")
    expect(head.locator("#id_political_status")).to_have_value("cpc_member")

    head.locator("#id_post").select_option(label="通信警报（管理保障中心负责）")
    expect(head.get_by_test_id("post-category")).to_have_text("城市防护")
    expect(head.get_by_label("比武成绩")).to_be_hidden()
    head.get_by_label("比武竞赛", exact=True).check()
    entry = head.get_by_label("比武成绩")
    expect(entry).to_be_visible()
    # Only 胡晓琳's entries are offered, not her colleague's of the same 比武.
    offered = entry.locator("option:not([hidden])")
    expect(offered).to_have_count(2)  # the empty choice and her entry
    expect(offered.nth(1)).to_have_text(f"胡晓琳：{contest()}（一等奖，92.5分）")
    entry.select_option(label=f"胡晓琳：{contest()}（一等奖，92.5分）")
    head.get_by_label("在岗年限").fill("10")

    deeds = head.get_by_label("主要事迹（1500字以内）")
    deeds.fill("字" * 1502)
    counter = head.get_by_test_id("deeds-counter")
    expect(counter).to_contain_text("已输入 1502 / 1500 字，超出 2 字，请删减")
    deeds.fill(DEEDS)
    from stars.text import count_chars

    expect(counter).to_contain_text(f"已输入 {count_chars(DEEDS)} / 1500 字")  # breaks not counted
    for text in COUNT_CASES:
        assert head.evaluate("t => window.qpdoCountChars(t)", text) == count_chars(text), text
    head.get_by_label("推荐科室意见").fill(
        "该同志业务精湛，在全市专业技能比武中获个人一等奖，同意推荐。"
    )
    head.screenshot(path=str(ARTIFACTS / "1-form.png"), full_page=True)
    head.get_by_role("button", name="签署推荐科室意见并提交").click()
    expect(head.get_by_test_id("nomination-state")).to_have_text("审核中（办机关党支部意见）")
    expect(head.get_by_test_id("sheet-competition")).to_have_text(result())
    detail_url = head.url

    branch = sign_in_as(browser, browser_context_args, portal_url, "party_branch")
    branch.goto(portal_url("/admin/stars/nomination/?wf_mine=1"))
    branch.get_by_role("link", name=re.compile("胡晓琳")).first.click()
    expect(branch.get_by_test_id("sheet-competition")).to_have_text(result())  # the paper view
    form = branch.locator("#workflow-panel")
    form.get_by_role("radio", name="同意", exact=True).check()
    form.get_by_label("意见").fill("经支部委员会研究，同意推荐。")
    change_url = branch.url
    form.get_by_role("button", name="提交审批意见").click()
    # The admin goes straight on to the next waiting item (here none: back to 我的待办).
    expect(branch.locator(".messagelist")).to_contain_text("已同意：")
    branch.goto(change_url)
    expect(branch.get_by_test_id("admin-approval-state")).to_have_text("审核中（办党组意见）")

    group = sign_in_as(browser, browser_context_args, portal_url, "party_group")
    group.goto(detail_url)
    group.get_by_test_id("decide-link").click()
    decision = group.get_by_test_id("decision-form")
    decision.get_by_role("radio", name="同意", exact=True).check()
    decision.get_by_label("意见").fill("同意推荐为“岗位之星”候选人选。")
    decision.get_by_role("button", name="提交审批意见").click()
    expect(group.get_by_test_id("approval-state")).to_have_text("已通过")

    head.reload()
    expect(head.get_by_test_id("nomination-state")).to_have_text("已通过")
    expect(head.get_by_test_id("sheet-opinion-group")).to_contain_text("签名：陆振华")
    head.screenshot(path=str(ARTIFACTS / "2-approved.png"), full_page=True)
    with head.expect_download() as download_info:
        head.get_by_test_id("pdf-download").click()
    pdf_path = ARTIFACTS / "3-form.pdf"
    download_info.value.save_as(pdf_path)
    assert (
        download_info.value.suggested_filename == f"岗位之星申报表-胡晓琳-{clock.today().year}.pdf"
    )

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "青浦区国防动员办公室“岗位之星”申报表" in flat
    assert re.sub(r"\s+", "", f"比武成绩{result()}") in flat  # printed from the 比武 record
    for signer in ("徐明", "蒋丽华", "陆振华"):
        assert re.search(f"签名：{signer}\\d{{4}}年\\d{{1,2}}月\\d{{1,2}}日", flat), signer
    assert "经支部委员会研究，同意推荐。" in flat
    assert text.count("\f") == 1  # short deeds: the whole form on one page
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf_path), str(ARTIFACTS / "3-form")], check=True
    )
