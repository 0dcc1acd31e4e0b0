"""Builders for 六进 records, made through the services as the demo users would.

zhujiajiao (朱家角镇) and jiaoyuju (区教育局) are the demo 填报员; outreach_reviewer decides.
Dates are fixed with the portal's clock inside 2024 where a test needs them.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outreach import selectors, services
from outreach.enums import ActivityForm, ReportKind
from outreach.models import Front
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from tests.documents.conftest import gps_exif, image_bytes

# A minimal MP4: an ftyp box naming the mp42 brand, then padding.
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def jpeg_with_gps(name: str = "现场.jpg", size=(64, 48)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG", size, exif=gps_exif()))


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def front(db):
    """Return a front by its name: front("进学校")."""

    def get(name: str) -> Front:
        return Front.objects.get(name=name)

    return get


@pytest.fixture
def reviewer(demo_user):
    return demo_user("outreach_reviewer")


@pytest.fixture
def in_2024(clock_at):
    """Run the test as if it were 10 October 2024 (the demo records' 六进 year)."""
    clock_at(2024, 10, 10)


def plan_rows(unit, **overrides) -> list[dict]:
    """Return one planned activity for each front the unit is responsible for."""
    rows = []
    for number, f in enumerate(selectors.fronts_of_unit(unit), start=1):
        row = {
            "front": f,
            "month": min(number + 3, 12),
            "title": f"{f.name}宣传活动",
            "form": ActivityForm.CAMPAIGN,
            "audience": "辖区居民",
            "expected_count": 100,
            "budget": None,
            "budget_line": "",
        }
        row.update(overrides)
        rows.append(row)
    return rows


@pytest.fixture
def make_plan(db, demo_user):
    """Create a complete draft plan of a 填报员's unit: make_plan("zhujiajiao", year=2024)."""

    def make(username: str = "zhujiajiao", year: int = 2024, items=None):
        user = demo_user(username)
        return services.plan_create(
            acting_user=user,
            year=year,
            goals="推动“六进”全覆盖。",
            measures="专项经费纳入预算。",
            contact_name=user.staff.name,
            contact_phone="021-59700000",
            items=plan_rows(user.staff.unit) if items is None else items,
        )

    return make


@pytest.fixture
def make_report(db, demo_user, front):
    """Create a draft report with one photo: make_report("zhujiajiao", title=...)."""
    counter = {"n": 0}

    def make(username: str = "zhujiajiao", *, fronts=("进社区",), photos=None, **overrides):
        counter["n"] += 1
        user = demo_user(username)
        data = {
            "kind": ReportKind.ACTIVITY,
            "title": f"社区应急疏散演练 {counter['n']}",
            "held_on": datetime.date(2024, 9, 21),
            "place": "北大街居委会",
            "organiser": user.staff.unit.name,
            "participants": "社区居民",
            "audience_count": 120,
            "content": "组织居民疏散并开展自救互救体验。",
            "plan_item": None,
        }
        data.update(overrides)
        return services.report_create(
            acting_user=user,
            **data,
            fronts=[front(name) for name in fronts],
            photos=[jpeg_with_gps()] if photos is None else photos,
        )

    return make


@pytest.fixture
def adopt(reviewer):
    """Submit a report (or plan) as its unit and decide it as the reviewer."""

    def run(subject, decision: Action = Action.APPROVE, opinion: str = "予以采用。"):
        submitter = subject.approval.created_by
        workflow.approval_submit(subject=subject, acting_user=submitter)
        services.subject_review(
            acting_user=reviewer, subject=subject, decision=decision, opinion=opinion
        )
        subject.approval.refresh_from_db()
        return subject

    return run


def xlsx_bytes(rows: list[list]) -> bytes:
    """Return an .xlsx whose first sheet holds the rows (the first is the header)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
