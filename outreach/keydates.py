"""The 六进 key dates of a year, as rules: computed once per year and stored as key dates.

全民国防教育日 is the third Saturday of September (国防教育法); 全国防灾减灾日 is 12 May and
全国消防日 9 November; the plan is due at the end of February (通知：于每年2月底报送). The
防空警报试鸣 day is set by the city each year: it defaults to 全民国防教育日 (Shanghai sounds
its sirens that day) and, once stored, is kept as the office entered it.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from .enums import KeyDateCode

SATURDAY = 5


def third_saturday_of_september(year: int) -> datetime.date:
    """Return 全民国防教育日 of a year: the third Saturday of September."""
    first = datetime.date(year, 9, 1)
    first_saturday = first + datetime.timedelta(days=(SATURDAY - first.weekday()) % 7)
    return first_saturday + datetime.timedelta(weeks=2)


def end_of_february(year: int) -> datetime.date:
    return datetime.date(year, 2, calendar.monthrange(year, 2)[1])


@dataclass(frozen=True)
class DayRule:
    code: str
    title: str
    compute: Callable[[int], datetime.date]
    is_deadline: bool = False
    note: str = ""
    # True: the date follows from the rule every year and is rewritten when it differs.
    # False: the computed date is only the default; a date the office stored is kept.
    fixed: bool = True


RULES: tuple[DayRule, ...] = (
    DayRule(
        KeyDateCode.PLAN_DUE,
        "“六进”年度宣传教育工作计划报送截止",
        end_of_february,
        is_deadline=True,
        note="各街镇、区国动委成员单位于每年2月底报送区国动办",
        fixed=False,
    ),
    DayRule("disaster-day", "全国防灾减灾日", lambda year: datetime.date(year, 5, 12), fixed=True),
    DayRule(
        KeyDateCode.DEFENCE_DAY,
        "全民国防教育日",
        third_saturday_of_september,
        note="每年9月第三个星期六",
    ),
    DayRule(
        "air-raid-drill",
        "防空警报试鸣",
        third_saturday_of_september,
        note="与全民国防教育日同日组织",
        fixed=False,
    ),
    DayRule("fire-day", "全国消防日", lambda year: datetime.date(year, 11, 9)),
)
RULE_CODES = frozenset(rule.code for rule in RULES)


@dataclass(frozen=True)
class KeyDay:
    """A key date of a year as the 六进 pages show it."""

    code: str
    title: str
    date: datetime.date
    is_deadline: bool
    note: str = ""


def computed_days(year: int) -> list[KeyDay]:
    """Return the key dates of a year as the rules give them (for a year with no campaign)."""
    return sorted(
        (KeyDay(r.code, r.title, r.compute(year), r.is_deadline, r.note) for r in RULES),
        key=lambda day: day.date,
    )
