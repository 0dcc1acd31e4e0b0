"""Builders for campaign records, made through the services as the demo users would.

zonghe_head (王海燕) heads the 牵头科室 (综合科) and sets up the lists; each section head
reports for their own unit; office_leader (沈建国) verifies and confirms. Dates are fixed with
the portal's clock inside 2024 where a test needs them.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services
from campaigns.enums import ItemKind, RectifyMode
from campaigns.models import Campaign, KeyTask
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from tests.documents.conftest import image_bytes
from tests.lectures.conftest import make_topic  # noqa: F401
from tests.stars.conftest import make_nomination, post  # noqa: F401  (岗位之星 builders)

HEADS = {
    "zonghe": "zonghe_head",
    "gongcheng": "gongcheng_head",
    "dongyuan": "dongyuan_head",
    "baozhang": "baozhang_head",
}
JUNE_28 = datetime.date(2024, 6, 28)
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def pdf_file(name: str = "会议纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def jpeg_file(name: str = "现场照片.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG", (64, 48)), content_type="image/jpeg")


def html_as_pdf(name: str = "纪要.pdf") -> SimpleUploadedFile:
    """A page of HTML renamed to .pdf: refused by content."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>")


def exe_file(name: str = "工具.exe") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 64)


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2024, month, day)


def staff(name: str) -> Staff:
    return Staff.objects.select_related("unit").get(name=name)


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.get(year=2024)


@pytest.fixture
def task(campaign):
    """Return a key task by its order: task(4) is 强化团队攻坚."""

    def get(order: int) -> KeyTask:
        return KeyTask.objects.get(campaign=campaign, order=order)

    return get


@pytest.fixture
def in_2024():
    """Run the test as if it were 10 October 2024."""
    with clock.frozen(clock.at(2024, 10, 10)):
        yield


@pytest.fixture
def make_item(db, demo_user, campaign, task):
    """List a work item: make_item(unit="gongcheng", owner="刘洋", deadline=d(6, 30), ...)."""
    counter = {"n": 0}

    def make(
        *,
        by: str = "zonghe_head",
        unit: str = "gongcheng",
        owner: str = "刘洋",
        deadline: datetime.date = JUNE_28,
        milestones=(),
        kind: str = ItemKind.TASK,
        key_task: int = 4,
        **overrides,
    ):
        counter["n"] += 1
        data = {
            "key_task": task(key_task),
            "kind": kind,
            "title": f"测试事项 {counter['n']}",
            "goal": "按期完成。",
            "problem": "存在问题。" if kind == ItemKind.RECTIFICATION else "",
            "measures": "逐项落实。",
            "rectify_mode": RectifyMode.LONG_TERM if kind == ItemKind.RECTIFICATION else "",
            "unit": Unit.objects.get(code=unit),
            "owner": staff(owner),
            "deadline": deadline,
            "recheck_on": None,
        }
        data.update(overrides)
        if kind == ItemKind.RECTIFICATION and data["rectify_mode"] == RectifyMode.LONG_TERM:
            milestones = milestones or [{"title": "制定整改方案", "due_on": deadline}]
        return services.item_create(
            acting_user=demo_user(by),
            campaign=campaign,
            **data,
            milestones=[{"title": t, "due_on": due} for t, due in milestones]
            if milestones and isinstance(milestones[0], tuple)
            else list(milestones),
        )

    return make


@pytest.fixture
def make_report(demo_user):
    """Write (and by default submit) a report as the unit's head: make_report(item, final=True)."""

    def make(
        item,
        *,
        percent: int = 50,
        final: bool = False,
        files=None,
        text: str = "按计划推进。",
        milestone=None,
        writer: str = "",
        submit: bool = True,
    ):
        head = HEADS[item.unit.code]
        report = services.report_save(
            acting_user=demo_user(writer or head),
            item=item,
            milestone=milestone,
            percent=percent,
            text=text,
            is_final=final,
            files=files if files is not None else ([pdf_file()] if final else []),
        )
        if submit:
            services.report_submit(acting_user=demo_user(head), report=report)
        return report

    return make


@pytest.fixture
def verify(demo_user):
    """Decide a report (or any subject) as the office leader: verify(report)."""

    def decide(subject, decision=Action.APPROVE, opinion: str = ""):
        workflow.approval_decide(
            subject=subject,
            acting_user=demo_user("office_leader"),
            decision=decision,
            opinion=opinion or ("核验通过。" if decision == Action.APPROVE else "请补充材料。"),
        )
        subject.approval.refresh_from_db()
        return subject

    return decide


@pytest.fixture
def done_item(make_item, make_report, verify):
    """Return an item completed and verified: done_item(when=(6, 20), deadline=d(6, 28))."""

    def make(*, when=(6, 20), **kwargs):
        item = make_item(**kwargs)
        with clock.frozen(clock.at(2024, *when, 16, 0)):
            report = make_report(item, final=True, percent=100)
        with clock.frozen(clock.at(2024, *when, 18, 0)):
            verify(report)
        return item

    return make


@pytest.fixture
def choose_quarter_star(demo_user):
    """Walk a 季度之星 through its chain: the person's 科室负责人 recommends, 综合科 reviews,
    the 办党组 decides (all at the current clock)."""
    from campaigns.demo import HEADS

    def choose(campaign, quarter: int, person: Staff, deeds: str = "事迹。"):
        star = services.quarter_star_recommend(
            acting_user=demo_user(HEADS[person.unit.code]),
            campaign=campaign,
            quarter=quarter,
            staff=person,
            deeds=deeds,
        )
        for username in ("zonghe_head", "party_group"):
            workflow.approval_decide(
                subject=star, acting_user=demo_user(username), decision=Action.APPROVE
            )
        star.approval.refresh_from_db()
        return star

    return choose
