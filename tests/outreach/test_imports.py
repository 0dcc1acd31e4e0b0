"""School and community lists from Excel: a dry run with per-row problems, then all or none."""

from __future__ import annotations

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from outreach import services
from outreach.models import Community, School
from qpdo.errors import Refused
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord

from .conftest import xlsx_bytes

HEADER = ["街镇", "学校名称", "学段", "联系人", "联系电话"]


def rows(*lines):
    """Return sheet rows as read_xlsx_rows gives them: (Excel row number, cells)."""
    return [(number, list(cells)) for number, cells in enumerate(lines, start=1)]


def test_dry_run_reports_every_problem_by_excel_row(reviewer):
    result = services.register_import_check(
        user=reviewer,
        spec_code="schools",
        raw_rows=rows(
            HEADER,
            ["朱家角镇", "青浦区朱家角中学", "完全中学", "王老师", "021-1"],
            ["朱家角镇", "", "小学", "", ""],
            ["夏阳街道", "青浦区夏阳小学", "小学", "", ""],
            ["夏阳街道", "青浦区夏阳小学", "小学", "", ""],
            ["不存在镇", "某某小学", "小学", "", ""],
            ["金泽", "青浦区金泽小学", "大学", "", ""],
        ),
    )
    assert not result.is_clean
    problems = {row.line: row.errors for row in result.rows if row.errors}
    assert problems[3] == ["学校名称不能为空"]
    assert problems[4] == ["学校名称重复（另见第 5 行）"]
    assert problems[5] == ["学校名称重复（另见第 4 行）"]
    assert "找不到“不存在镇”" in problems[6][0]
    assert "“大学”无法识别" in problems[7][0]
    assert result.rows[0].action == "new" and not result.rows[0].errors
    assert not School.objects.exists()  # a dry run writes nothing


def test_missing_columns_are_named(reviewer):
    result = services.register_import_check(
        user=reviewer, spec_code="schools", raw_rows=rows(["名字", "地址"], ["甲", "乙"])
    )
    assert "缺少必填列：街镇、学校名称" in result.file_errors[0]


def test_import_applies_all_rows_or_none(reviewer, unit):
    bad = rows(
        HEADER, ["朱家角镇", "青浦区朱家角中学", "完全中学", "", ""], ["朱家角镇", "", "", "", ""]
    )
    result = services.register_import(acting_user=reviewer, spec_code="schools", raw_rows=bad)
    assert not result.applied and not School.objects.exists()

    good = rows(
        HEADER,
        ["朱家角镇", "青浦区朱家角中学", "完全中学", "王老师", "021-1"],
        ["朱家角", "青浦区沈巷小学", "小学", "", ""],  # the town's name without 镇
    )
    result = services.register_import(
        acting_user=reviewer, spec_code="schools", raw_rows=good, file_name="名单.xlsx"
    )
    assert result.applied and result.count("new") == 2
    assert School.objects.get(name="青浦区沈巷小学").town == unit("zhujiajiao")
    assert AuditRecord.objects.filter(action=AuditAction.IMPORT, detail__contains="名单.xlsx")

    again = rows(HEADER, ["朱家角镇", "青浦区朱家角中学", "完全中学", "李老师", "021-1"])
    result = services.register_import(acting_user=reviewer, spec_code="schools", raw_rows=again)
    assert result.count("update") == 1
    assert School.objects.get(name="青浦区朱家角中学").contact_name == "李老师"


def test_a_school_registered_in_another_town_is_refused(reviewer, unit):
    School.objects.create(town=unit("xiayang"), name="青浦区实验中学")
    result = services.register_import_check(
        user=reviewer,
        spec_code="schools",
        raw_rows=rows(HEADER, ["朱家角镇", "青浦区实验中学", "完全中学", "", ""]),
    )
    assert "已登记在夏阳街道" in result.rows[0].errors[0]


def test_a_town_reporter_imports_only_its_own_town(demo_user, unit):
    result = services.register_import(
        acting_user=demo_user("zhujiajiao"),
        spec_code="communities",
        raw_rows=rows(
            ["名称", "类型", "街镇"],
            ["北大街居委会", "居委", ""],  # the 街镇 column may be left empty
            ["张马村", "村", "朱家角镇"],
            ["塘郁村", "村委会", "夏阳街道"],
        ),
    )
    assert not result.applied
    assert "只能导入本街镇（朱家角镇）" in result.rows[2].errors[0]
    assert not result.rows[0].errors and not result.rows[1].errors
    assert not Community.objects.exists()


def test_member_unit_reporter_may_not_import(demo_user):
    with pytest.raises(Refused):
        services.register_import_check(
            user=demo_user("jiaoyuju"), spec_code="schools", raw_rows=rows(HEADER)
        )


def test_import_page_checks_then_confirms(client, login):
    login("outreach_reviewer")
    data = xlsx_bytes(
        [
            [*HEADER, "备注"],
            ["朱家角镇", "青浦区朱家角中学", "完全中学", "王老师", "+86-21-59700000"],
            ["夏阳街道", "青浦区夏阳小学", "小学", "", ""],
        ]
    )
    response = client.post(
        "/outreach/import/schools/", {"file": SimpleUploadedFile("名单.xlsx", data)}
    )
    text = response.content.decode()
    assert "新增 <strong>2</strong>" in text and "确认导入" in text
    assert not School.objects.exists()
    token = response.context["token"]
    response = client.post("/outreach/import/schools/", {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert School.objects.count() == 2
    # Formula-like text is stored as it was typed (exports neutralise it).
    assert School.objects.get(name="青浦区朱家角中学").contact_phone == "+86-21-59700000"
    response = client.post("/outreach/import/schools/", {"confirm": "1", "token": token})
    assert any("已过期或已完成" in m.message for m in get_messages(response.wsgi_request))


def test_import_page_refuses_a_file_that_is_not_xlsx(client, login):
    login("outreach_reviewer")
    response = client.post(
        "/outreach/import/schools/",
        {"file": SimpleUploadedFile("名单.xlsx", b"%PDF-1.7 not a workbook")},
    )
    assert "内容与扩展名不符" in response.content.decode()
    response = client.post(
        "/outreach/import/schools/", {"file": SimpleUploadedFile("名单.xls", b"abc")}
    )
    assert "不支持的文件类型" in response.content.decode()


def test_import_page_shows_row_problems(client, login):
    login("outreach_reviewer")
    data = xlsx_bytes([HEADER, ["朱家角镇", "甲小学", "小学"], ["朱家角镇", "甲小学", "小学"]])
    response = client.post(
        "/outreach/import/schools/", {"file": SimpleUploadedFile("名单.xlsx", data)}
    )
    text = response.content.decode()
    assert "学校名称重复（另见第 3 行）" in text
    assert "确认导入" not in text


def test_the_template_filled_in_is_imported(client, login):
    login("zhujiajiao")
    response = client.get("/outreach/import/communities/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == ["街镇", "名称", "类型", "在册", "备注"]
    sheet.append(["", "北大街居委会", "居委会", "是", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        "/outreach/import/communities/",
        {"file": SimpleUploadedFile("村居.xlsx", buffer.getvalue())},
    )
    client.post(
        "/outreach/import/communities/", {"confirm": "1", "token": response.context["token"]}
    )
    assert Community.objects.get().town.code == "zhujiajiao"
