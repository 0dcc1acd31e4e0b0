"""Every 六进 page opens on the current year (the 六进 notice is a standing duty, campaign or
not) and its year selector lists every year from the first to this one, none skipped."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_TODAY

PAGES = [
    "/outreach/",
    "/outreach/dashboard/",
    "/outreach/plans/",
    "/outreach/reports/",
    "/outreach/coverage/",
    "/outreach/schools/",
    "/outreach/communities/",
    "/outreach/enterprises/",
    "/outreach/party-school/",
]


def selector(html: str) -> tuple[list[int], list[int]]:
    select = re.search(r'<select[^>]*name="year"[^>]*>.*?</select>', html, re.S)
    assert select, "no year selector"
    text = select.group(0)
    every = [int(y) for y in re.findall(r'<option value="(\d+)"', text)]
    chosen = [int(y) for y in re.findall(r'<option value="(\d+)" selected', text)]
    return every, chosen


@pytest.mark.parametrize("path", PAGES)
def test_page_opens_on_this_year_with_every_year_listed(client, login, path):
    login("outreach_reviewer")
    response = client.get(path, follow=True)
    assert response.status_code == 200
    every, chosen = selector(response.content.decode())
    assert chosen == [TEST_TODAY.year]
    assert every == list(range(every[0], every[-1] - 1, -1))  # newest first, none skipped
    assert every[0] >= TEST_TODAY.year and every[-1] <= 2024


@pytest.mark.parametrize("path", ["/outreach/plans/", "/outreach/reports/"])
def test_a_town_reporter_also_opens_on_this_year(client, login, path):
    login("zhujiajiao")
    response = client.get(path)
    assert response.status_code == 200
    assert selector(response.content.decode())[1] == [TEST_TODAY.year]


@pytest.mark.parametrize("path", ["/outreach/plans/", "/outreach/reports/"])
def test_all_years_stay_one_choice_away(client, login, path):
    login("outreach_reviewer")
    html = client.get(f"{path}?year=").content.decode()
    assert selector(html)[1] == []  # no year chosen: the first option, 全部年度, is shown
    assert re.search(r'<option value=""( selected)?>全部年度</option>', html)
