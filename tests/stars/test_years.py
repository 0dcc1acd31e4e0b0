"""The year selector of the 岗位之星 pages: every year from the first to this one, none skipped;
a year without its settings says in one line who starts it, with the link for who may."""

from __future__ import annotations

import datetime
import re

from campaigns.models import Campaign
from qpdo.org import clock
from qpdo.org.models import Unit
from tests.conftest import TEST_TODAY

NEXT = TEST_TODAY.year + 1


def options(html: str) -> list[int]:
    select = re.search(r'<select id="year-select".*?</select>', html, re.S).group(0)
    return [int(y) for y in re.findall(r'<option value="(\d+)"', select)]


def test_switch_lists_every_year_from_the_first_to_this_one(client, login):
    with clock.frozen(clock.at(NEXT, 3, 2)):
        login("zonghe_head")
        html = client.get("/stars/?year=2024").content.decode()
    assert options(html) == list(range(NEXT, 2023, -1))


def test_year_without_campaign_names_the_campaigns_starter(client, login):
    with clock.frozen(clock.at(NEXT, 3, 2)):
        login("party_branch")
        response = client.get("/stars/")
        assert response.status_code == 200
        html = response.content.decode()
    assert f"{NEXT}年度“岗位之星”培树工作尚未建立，由综合科建立" in html
    assert f'href="/campaigns/?year={NEXT}"' in html
    assert options(html)[0] == NEXT


def test_year_with_campaign_but_no_settings_is_started_by_the_party_branch(client, login):
    office = Unit.objects.get(code="qpdo")
    Campaign.objects.create(
        name="测试年度",
        doc_number="青国动〔测试〕1号",
        year=NEXT,
        start=datetime.date(NEXT, 3, 1),
        end=datetime.date(NEXT, 12, 31),
        organiser=office,
    )
    with clock.frozen(clock.at(NEXT, 3, 2)):
        login("party_branch")
        html = client.get(f"/stars/nominations/?year={NEXT}").content.decode()
        assert f"{NEXT}年度“岗位之星”培树工作尚未建立，由机关党支部建立。" in html
        assert 'data-testid="start-year"' in html and "/admin/stars/staryear/add/" in html
        login("gongcheng_head")
        html = client.get(f"/stars/?year={NEXT}").content.decode()
        assert "由机关党支部建立" in html
        assert 'data-testid="start-year"' not in html  # only who may add it gets the link
