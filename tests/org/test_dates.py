"""Chinese dates are formatted once, beside the clock (qpdo.org.dates), never zero-padded."""

from __future__ import annotations

import datetime
import pathlib
import re

from qpdo.org import clock
from qpdo.org.dates import cn_date, cn_datetime, cn_month, local_date

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
CODE = ("campaigns", "lectures", "outreach", "stars", "qpdo")
# A whole date put together by hand, or a date format with padded months (:%Y年%m月…).
BY_HAND = re.compile(r"年\{[^}]*\.month\}月\{[^}]*day\}日|:%Y年%m月")


def test_cn_date_prints_the_day_as_the_forms_do():
    assert cn_date(datetime.date(2024, 9, 6)) == "2024年9月6日"
    assert cn_date(clock.at(2024, 3, 1, 0, 30)) == "2024年3月1日"
    assert cn_date(None) == ""
    assert cn_month(datetime.date(2024, 9, 6)) == "2024年9月"
    assert cn_datetime(clock.at(2024, 9, 6, 14, 5)) == "2024年9月6日 14:05"


def test_local_date_is_the_day_in_shanghai():
    assert local_date(clock.at(2024, 3, 1, 0, 30)) == datetime.date(2024, 3, 1)
    assert local_date(None) is None


def test_no_module_formats_a_chinese_date_by_hand():
    found = {
        str(path.relative_to(ROOT))
        for app in CODE
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and BY_HAND.search(path.read_text())
    }
    assert found == {"qpdo/org/dates.py"}
