"""The staff roster import in the admin: check every row, save only after confirmation."""

import datetime

import pytest
from import_export.results import RowResult

from qpdo.org import clock
from qpdo.org.enums import AuditAction, Education, Gender, PoliticalStatus
from qpdo.org.models import AuditRecord, Staff
from qpdo.org.resources import ROSTER_MAX_BYTES, RosterXLSX
from qpdo.org.services import staff_roster_import
from tests.org.roster_files import HEADERS, IMPORT_URL, confirm, dry_run, roster_xlsx, upload

GOOD_ROWS = [
    ["综合科", "赵小军", "男", "科员", "上海青浦", "中共党员", "大学本科", "1992-05", "2021-09",
     "021-59701234", "是"],
    ["管理保障中心", "钱 多 多", "女", "工程师", "浙江嘉兴", "群众", "研究生", "1988.11",
     "2019-03-15", 13800138000, ""],
    ["朱家角镇", "孙立", "男", "武装部干事", "上海青浦", "共青团员", "大学专科", "1996年7月",
     datetime.datetime(2022, 1, 1), "", "否"],
    # An existing person (demo data): updated, not added.
    ["综合科", "朱晓东", "男", "科长", "上海嘉定", "中共党员", "大学本科", "1983-12", "2017-04",
     "", "是"],
]  # fmt: skip


def test_good_roster_imports_after_confirm(client, login, unit):
    user = login("sysadmin")
    count = Staff.objects.count()

    checked = dry_run(client, roster_xlsx(GOOD_ROWS))

    assert checked.status_code == 200
    assert checked.context["confirm_form"] is not None
    assert "确认导入" in checked.content.decode()
    assert Staff.objects.count() == count  # the check saves nothing
    assert not AuditRecord.objects.filter(action=AuditAction.IMPORT).exists()

    done = confirm(client, checked)

    assert done.status_code == 302
    assert done["Location"] == "/admin/org/staff/"
    assert Staff.objects.count() == count + 3
    qian = Staff.objects.get(unit=unit("baozhang"), name="钱多多")
    assert qian.gender == Gender.FEMALE
    assert qian.education == Education.POSTGRADUATE
    assert qian.birth_month == datetime.date(1988, 11, 1)
    assert qian.post_since == datetime.date(2019, 3, 15)
    assert qian.phone == "13800138000"
    assert qian.is_active is True
    sun = Staff.objects.get(unit=unit("zhujiajiao"), name="孙立")
    assert sun.political_status == PoliticalStatus.CYL_MEMBER
    assert sun.birth_month == datetime.date(1996, 7, 1)
    assert sun.post_since == datetime.date(2022, 1, 1)
    assert sun.is_active is False
    assert Staff.objects.get(unit=unit("zonghe"), name="朱晓东").position == "科长"
    record = AuditRecord.objects.get(action=AuditAction.IMPORT)
    assert record.actor == user
    assert record.success is True
    assert "新增 3 人" in record.detail
    assert "更新 1 人" in record.detail


def test_bad_rows_are_each_reported_and_nothing_is_saved(client, login):
    login("sysadmin")
    NEXT_YEAR_MONTH = f"{clock.today().year + 1}-01"
    rows = [
        GOOD_ROWS[0],  # row 2
        ["综和科", "甲一", "男", "", "", "", "", "", "", "", ""],  # 3: unknown unit
        ["综合科", "甲二", "M", "", "", "", "", "", "", "", ""],  # 4: bad gender
        ["综合科", "甲三", "男", "", "", "党派人士", "", "", "", "", ""],  # 5: bad political status
        ["综合科", "甲四", "男", "", "", "", "", "1990-13", "", "", ""],  # 6: bad date
        ["综合科", "", "男", "科员", "", "", "", "", "", "", ""],  # 7: missing name
        ["民防管理保障中心", "周敏", "女", "", "", "", "", "", "", "", ""],  # 8: duplicate …
        ["管理保障中心", "周敏", "女", "", "", "", "", "", "", "", ""],  # 9: … same unit
        ["综合科", "甲五", "男", "", "", "", "", "", "", "", "也许"],  # 10: bad 在职
        [None] * 11,  # 11: blank, ignored
        [
            "综合科",
            "甲六",
            "男",
            "",
            "",
            "",
            "博士后",
            NEXT_YEAR_MONTH,
            "",
            "",
            "",
        ],  # 12: two problems
    ]
    count = Staff.objects.count()

    response = dry_run(client, roster_xlsx(rows))

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert "确认导入" not in response.content.decode()
    problems = {p.line: " ".join(p.reasons) for p in response.context["result"].problems()}
    assert set(problems) == {3, 4, 5, 6, 7, 8, 9, 10, 12}
    assert "单位：找不到单位“综和科”" in problems[3]
    assert "性别：“M”无法识别，应填写：男、女" in problems[4]
    assert "政治面貌：“党派人士”无法识别" in problems[5]
    assert "出生年月：“1990-13”不是有效的年月" in problems[6]
    assert "姓名：不能为空" in problems[7]
    assert "同一单位内姓名重复（另见第 9 行）" in problems[8]
    assert "同一单位内姓名重复（另见第 8 行）" in problems[9]
    assert "在职：“也许”无法识别" in problems[10]
    assert "学历：“博士后”无法识别" in problems[12]
    assert f"出生年月：“{NEXT_YEAR_MONTH}”晚于今天" in problems[12]
    page = response.content.decode()
    assert "共 9 处问题，未保存任何数据" in page
    for line in (3, 4, 5, 6, 7, 8, 9, 10, 12):
        assert f"第 {line} 行" in page
    assert Staff.objects.count() == count
    assert not Staff.objects.filter(name="赵小军").exists()
    assert not AuditRecord.objects.filter(action=AuditAction.IMPORT).exists()


def test_unknown_and_missing_columns_are_reported_for_the_whole_file(client, login):
    login("sysadmin")
    headers = ["单位", "性 别", "备注"]
    response = dry_run(client, roster_xlsx([["综合科", "男", "x"]], headers=headers))

    problems = response.context["result"].problems()
    assert [p.line for p in problems] == [None]
    text = " ".join(problems[0].reasons)
    assert "无法识别的列：备注" in text
    assert "缺少必填列：姓名" in text
    assert "整个文件" in response.content.decode()
    assert response.context.get("confirm_form") is None


def test_roster_over_the_size_cap_is_refused_before_it_is_read(client, login):
    login("sysadmin")
    too_big = b"PK\x03\x04" + b"\0" * ROSTER_MAX_BYTES

    response = dry_run(client, too_big)

    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert response.context.get("result") is None
    assert response.context.get("confirm_form") is None


def test_roster_that_is_not_xlsx_is_refused(client, login):
    login("sysadmin")
    response = dry_run(client, b"name,unit\n", name="名册.csv")
    assert "只能导入 Excel 文件" in response.content.decode()
    response = dry_run(client, b"not a zip at all", name="名册.xlsx")
    assert "不是有效的 Excel 文件" in response.content.decode()


def test_zip_bomb_is_refused_before_openpyxl_opens_it():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < ROSTER_MAX_BYTES

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="文件内容过大"):
        RosterXLSX().create_dataset(buffer.getvalue())


def test_confirm_checks_again_and_saves_nothing_if_data_changed(client, login, unit):
    user = login("sysadmin")
    checked = dry_run(client, roster_xlsx(GOOD_ROWS))
    assert checked.context["confirm_form"] is not None
    zhujiajiao = unit("zhujiajiao")
    zhujiajiao.is_active = False
    zhujiajiao.save()
    count = Staff.objects.count()

    done = confirm(client, checked)

    assert done.status_code == 302
    assert done["Location"] == IMPORT_URL
    assert Staff.objects.count() == count
    assert not Staff.objects.filter(name="赵小军").exists()
    record = AuditRecord.objects.get(action=AuditAction.IMPORT)
    assert record.actor == user
    assert record.success is False


def test_service_import_of_unchanged_roster_skips_every_row(sysadmin_user):
    dataset = RosterXLSX().create_dataset(roster_xlsx([GOOD_ROWS[3]]))
    staff_roster_import(dataset=dataset, acting_user=sysadmin_user, file_name="a.xlsx")
    dataset = RosterXLSX().create_dataset(roster_xlsx([GOOD_ROWS[3]]))

    result = staff_roster_import(dataset=dataset, acting_user=sysadmin_user, file_name="a.xlsx")

    assert result.is_clean()
    assert result.count(RowResult.IMPORT_TYPE_SKIP) == 1
    assert AuditRecord.objects.filter(action=AuditAction.IMPORT).count() == 2


def test_service_dry_run_saves_and_audits_nothing(sysadmin_user):
    dataset = RosterXLSX().create_dataset(roster_xlsx(GOOD_ROWS))
    count = Staff.objects.count()

    result = staff_roster_import(dataset=dataset, acting_user=sysadmin_user, dry_run=True)

    assert result.is_clean()
    assert result.count(RowResult.IMPORT_TYPE_NEW) == 3
    assert Staff.objects.count() == count
    assert not AuditRecord.objects.filter(action=AuditAction.IMPORT).exists()


def test_headers_in_another_order_and_with_aliases_are_accepted(sysadmin_user, unit):
    headers = ["姓名", "所在单位", "职务", "电话"]
    dataset = RosterXLSX().create_dataset(
        roster_xlsx([["吴亮", "动员协调科", "科员", "021-59700000"]], headers=headers)
    )

    result = staff_roster_import(dataset=dataset, acting_user=sysadmin_user)

    assert result.is_clean(), result.problems()
    wu = Staff.objects.get(unit=unit("dongyuan"), name="吴亮")
    assert (wu.position, wu.phone) == ("科员", "021-59700000")


@pytest.mark.parametrize("username", ["secadmin", "auditor", "office_leader"])
def test_only_the_sysadmin_may_import(client, login, username):
    login(username)
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(
        IMPORT_URL, {"resource": "0", "format": "0", "import_file": upload(roster_xlsx(GOOD_ROWS))}
    )
    assert response.status_code == 403
    assert not Staff.objects.filter(name="赵小军").exists()


def test_import_page_shows_chinese_columns_to_the_sysadmin(client, login):
    login("sysadmin")
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "、".join(HEADERS[:2]) in page or all(h in page for h in HEADERS)
    assert "2 MiB" in page


def _tmp_file(response) -> str:
    import os
    import tempfile

    name = response.context["form"].cleaned_data["import_file"].tmp_storage_name
    return os.path.join(tempfile.gettempdir(), name)


def test_uploaded_file_does_not_stay_in_tmp(client, login):
    import os

    login("sysadmin")
    refused = dry_run(client, roster_xlsx([["综和科", "甲一"] + [""] * 9]))
    assert refused.context.get("confirm_form") is None
    assert not os.path.exists(_tmp_file(refused))

    checked = dry_run(client, roster_xlsx(GOOD_ROWS))
    assert os.path.exists(_tmp_file(checked))  # kept for the confirm step
    confirm(client, checked)
    assert not os.path.exists(_tmp_file(checked))
