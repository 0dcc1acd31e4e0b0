"""组织实施 to 培树工作总结 in real Chromium: 管理保障中心's head records a training under the
通信警报 plan (with a photo), the 机关党支部 records a 督查 visit asking for follow-up, and the
head drafts the 总结 in the portal, edits a paragraph, chooses that version and downloads it as
Word — the file holds the edited paragraph, the activity and the visit's findings."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from docx import Document
from PIL import Image
from playwright.sync_api import expect

from qpdo.org import clock
from stars import services as stars
from stars.models import ImplementationActivity, Post, StarSummary, SupervisionVisit
from tests.stars.test_plans import PLAN

from .test_stars_nomination import sign_in_as

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "stars-implementation"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
EDITED = "本中心坚持以赛促训，通信警报岗位全年开展实操练兵，警报器完好率保持百分之百。"


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size in (DESK, PHONE):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(DESK)


def _photo(tmp_path) -> Path:
    path = tmp_path / "现场照片.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (70, 120, 160)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_activity_visit_and_edited_summary(browser, browser_context_args, portal_url, tmp_path):
    head_user = get_user_model().objects.get(username="baozhang_head")
    post = Post.objects.get(campaign__year=2024, name="通信警报")
    with clock.frozen(clock.at(2024, 4, 20)):
        plan = stars.plan_create(acting_user=head_user, post=post, **PLAN)
        stars.plan_submit(acting_user=head_user, plan=plan)

    # 1. The section head records a training under the plan.
    head = sign_in_as(browser, browser_context_args, portal_url, "baozhang_head")
    head.goto(portal_url("/stars/activities/?year=2024"))
    head.get_by_role("link", name="“通信警报”岗位 · 登记活动").click()
    form = head.get_by_test_id("activity-form")
    form.get_by_label("开展日期").fill("2024-06-18")
    form.get_by_label("活动类型").select_option(label="培训")
    form.get_by_label("活动名称").fill("警报控制终端操作培训")
    form.get_by_label("参加人员").fill("胡晓琳、林涛、马骏")
    form.get_by_label("参加人数").fill("3")
    form.get_by_label("活动情况").fill("讲解控制终端的操作流程，逐人上机操作并考核。")
    form.get_by_label("佐证材料（文件或照片）").set_input_files(str(_photo(tmp_path)))
    _shoot(head, "activity-form")
    form.get_by_role("button", name="登记").click()
    head.wait_for_url(re.compile(rf"/stars/plans/{plan.pk}/$"))
    expect(head.get_by_test_id("plan-activities")).to_contain_text("警报控制终端操作培训")
    activity = ImplementationActivity.objects.get()
    assert activity.evidence.get().is_photo
    _shoot(head, "plan-detail")
    head.goto(portal_url("/stars/activities/?year=2024"))
    expect(head.get_by_test_id("activity-list")).to_contain_text("警报控制终端操作培训")
    _shoot(head, "activity-list")
    head.goto(portal_url(activity.get_absolute_url()))
    _shoot(head, "activity-detail")

    # 2. The 机关党支部 records a 督查 visit of that plan.
    branch = sign_in_as(browser, browser_context_args, portal_url, "party_branch")
    branch.goto(portal_url("/stars/visits/?year=2024"))
    branch.get_by_test_id("visit-new").click()
    form = branch.get_by_test_id("visit-form")
    form.get_by_label("督查日期").fill("2024-07-25")
    form.get_by_label("被督查科室").select_option(label="民防管理保障中心")
    form.get_by_label("督查的实施计划").select_option(label="通信警报（管理保障中心）")
    form.get_by_label("督查发现").fill("培训记录完整，个别同志对故障排除流程还不熟练。")
    form.get_by_label("需要整改跟进").check()
    form.get_by_label("整改要求").fill("9月底前组织一次故障排除专项练习。")
    _shoot(branch, "visit-form")
    form.get_by_role("button", name="登记").click()
    visit = SupervisionVisit.objects.get()
    branch.wait_for_url(re.compile(rf"/stars/visits/{visit.pk}/$"))
    expect(branch.get_by_test_id("visit-state")).to_have_text("待整改")
    _shoot(branch, "visit-detail-branch")
    branch.goto(portal_url("/stars/visits/?year=2024"))
    _shoot(branch, "visit-list")

    # 3. The section drafts the 总结 in the portal, edits it, chooses the edit and downloads it.
    head.goto(portal_url(visit.get_absolute_url()))
    expect(head.get_by_test_id("follow-up-form")).to_be_visible()
    _shoot(head, "visit-detail-section")
    head.goto(portal_url("/stars/summaries/?year=2024"))
    _shoot(head, "summary-list")
    head.get_by_test_id("summary-draft-open").click()
    head.get_by_test_id("summary-draft-create").click()
    expect(head.get_by_test_id("summary-versions")).to_contain_text("第1稿")
    head.get_by_test_id("summary-draft-edit").click()
    head.get_by_label("六、经验做法").fill(EDITED)
    _shoot(head, "summary-edit")
    head.get_by_role("button", name="保存为新稿").click()
    versions = head.get_by_test_id("summary-versions")
    expect(versions).to_contain_text("第2稿")
    versions.locator("li", has_text="第2稿").get_by_role("button", name="选用此稿").click()
    expect(head.get_by_test_id("summary-versions").locator("li", has_text="第2稿")).to_contain_text(
        "已选用"
    )
    expect(head.get_by_test_id("summary-preview")).to_contain_text(EDITED)
    _shoot(head, "summary-draft")
    summary = StarSummary.objects.get()
    assert summary.chosen_version.number == 2 and summary.chosen_at is not None

    with head.expect_download() as download:
        head.get_by_test_id("summary-draft-docx").click()
    path = tmp_path / "summary.docx"
    download.value.save_as(path)
    document = Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert paragraphs[0] == "管理保障中心2024年度“岗位之星”培树工作总结"
    assert EDITED in paragraphs
    assert "警报控制终端操作培训" in cells and "培训" in cells
    assert "培训记录完整，个别同志对故障排除流程还不熟练。" in cells
