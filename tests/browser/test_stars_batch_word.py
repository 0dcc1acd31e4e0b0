"""Batch 申报表 as Word in real Chromium: the 机关党支部 ticks two 申报表 on the list, chooses
Word on the batch button, and downloads one .docx holding both forms, each from a new page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from playwright.sync_api import expect

from qpdo.org import clock

pytestmark = pytest.mark.browser
SHOTS = Path("test-artifacts") / "stars-batch-word"


def test_branch_prints_two_forms_as_one_word_file(page, sign_in, portal_url, tmp_path):
    # Last year's 申报表: the demo builds that year as history on any day, while this year's
    # are filed only by 20 October (on 1 June there is none to tick yet).
    call_command("seed", "--demo", verbosity=0)
    year = clock.today().year - 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in("party_branch")
    page.goto(portal_url(f"/stars/nominations/?year={year}"))
    boxes = page.get_by_test_id("nomination-list").locator("input[name=ids]")
    names = []
    for index in range(2):
        boxes.nth(index).check()
        names.append(boxes.nth(index).get_attribute("aria-label").removeprefix("选择 "))
    page.screenshot(path=str(SHOTS / "stars-list-1366.png"), full_page=True)
    page.get_by_test_id("batch-selected-docx").click()
    status = page.get_by_test_id("job-status")
    expect(status).to_contain_text("共 2 份申报表，每份另起一页")
    link = page.get_by_test_id("job-download")
    expect(link).to_contain_text(".docx")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "batch.docx"
    download.value.save_as(path)
    doc = Document(str(path))
    assert sorted(t.cell(0, 1).text for t in doc.tables) == sorted(names)
    assert len(doc.sections) == 2
    page.screenshot(path=str(SHOTS / "stars-batch-job-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "stars-batch-job-390.png"), full_page=True)
    page.goto(portal_url(f"/stars/nominations/?year={year}"))
    page.screenshot(path=str(SHOTS / "stars-list-390.png"), full_page=True)
