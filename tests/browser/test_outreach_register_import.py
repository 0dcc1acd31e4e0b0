"""六进 registers in real Chromium: 朱家角镇's 填报员 imports the year's community register
(防空袭方案 revision and 宣教队伍) from Excel — dry run, then confirm — and the coverage page
counts the revised plan for 朱家角镇."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from outreach.models import Community, CommunityAirRaidPlan
from qpdo.org import clock
from qpdo.org.models import Unit

pytestmark = pytest.mark.browser


def revised_cell(page, town: str):
    row = page.get_by_test_id("coverage-communities").locator("tr", has_text=town)
    return row.locator("td").nth(4)  # 街镇, 数, 已培训, 已演练, 已修订防空袭方案


def shoot(page, request, step: str) -> None:
    """Save the page (1366 wide, then phone width) under test-artifacts/."""
    folder = Path(request.config.rootpath) / "test-artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(folder / f"outreach-register-import-{step}-{width}.png"))
    page.set_viewport_size({"width": 1366, "height": 768})


def test_town_imports_community_year_and_coverage_counts_it(
    signed_in_page, portal_url, tmp_path, request
):
    today = clock.today()
    year = today.year
    revised_on = max(today - datetime.timedelta(days=3), today.replace(month=1, day=1))
    town = Unit.objects.get(code="zhujiajiao")
    for name in ("北大街居委会", "东湖街居委会"):
        Community.objects.get_or_create(town=town, name=name)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["名称", "防空袭方案修订日期", "宣教队伍（居委）", "宣教队伍（物业）"])
    sheet.append(["北大街居委会", revised_on.isoformat(), "张三、李四", "王五"])
    sheet.append(["东湖街居委会", revised_on.isoformat(), "赵六", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "社区年度台账.xlsx"
    path.write_bytes(buffer.getvalue())

    clerk = signed_in_page("zhujiajiao")
    clerk.goto(portal_url(f"/outreach/coverage/?year={year}"))
    before = int(revised_cell(clerk, "朱家角镇").inner_text())

    clerk.goto(portal_url(f"/outreach/communities/?year={year}"))
    clerk.get_by_test_id("import-community-year").click()
    expect(clerk.get_by_label("台账年度")).to_have_value(str(year))
    clerk.get_by_label("Excel 文件").set_input_files(str(path))
    clerk.get_by_role("button", name="检查文件").click()
    result = clerk.get_by_test_id("import-result")
    expect(result).to_contain_text("更新 2")
    expect(result.locator("tbody tr")).to_have_count(2)
    assert not CommunityAirRaidPlan.objects.exists()  # the dry run saved nothing
    shoot(clerk, request, "dry-run")

    clerk.get_by_test_id("import-confirm").click()
    expect(clerk.get_by_text(f"{year}年社区年度台账已导入")).to_be_visible()
    assert CommunityAirRaidPlan.objects.filter(community__town=town).count() == 2

    clerk.goto(portal_url(f"/outreach/coverage/?year={year}"))
    expect(revised_cell(clerk, "朱家角镇")).to_have_text(str(before + 2))
    shoot(clerk, request, "coverage")
