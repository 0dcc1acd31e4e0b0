"""培树工作总结 draft in real Chromium: 管理保障中心's head opens the 总结 page of the demo year,
downloads the draft computed from the records as Word, and finds the section's posts in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document

from stars.models import Post

pytestmark = pytest.mark.browser

ARTIFACTS = Path("test-artifacts")


def test_section_head_downloads_the_drafted_summary(signed_in_page, portal_url, tmp_path):
    call_command("seed", "--demo", verbosity=0)
    head = signed_in_page("baozhang_head")
    head.goto(portal_url("/stars/summaries/?year=2024"))
    offer = head.get_by_test_id("summary-draft-download")
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 768), (390, 844)):
        head.set_viewport_size({"width": width, "height": height})
        head.screenshot(path=str(ARTIFACTS / f"stars-summary-draft-{width}.png"), full_page=True)
    head.set_viewport_size({"width": 1366, "height": 768})

    with head.expect_download() as download:
        offer.get_by_role("link", name="Word").click()
    path = tmp_path / "draft.docx"
    download.value.save_as(path)
    document = Document(str(path))
    assert document.paragraphs[0].text == "管理保障中心2024年度“岗位之星”培树工作总结"
    posts = Post.objects.filter(campaign__year=2024, unit__code="baozhang").order_by("number")
    assert [row.cells[2].text for row in document.tables[0].rows[1:]] == [p.name for p in posts]
