"""The staff roster export: Chinese columns, neutralised formulae, audited, permission-checked."""

import pytest
from import_export.results import RowResult

from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord, Staff
from qpdo.org.resources import RosterXLSX, neutralise_formula
from qpdo.org.services import staff_roster_export, staff_roster_import
from tests.factories import StaffFactory, UnitFactory
from tests.org.roster_files import EXPORT_URL, HEADERS, read_xlsx


def export(client):
    return client.post(EXPORT_URL, {"resource": "0", "format": "0"})


def test_export_neutralises_every_formula_like_cell(client, login):
    user = login("sysadmin")
    unit = UnitFactory(name='=HYPERLINK("http://x","单位")')
    StaffFactory(
        unit=unit,
        name="-2+3",
        position="=1+2",
        native_place="+86",
        phone="@SUM(A1)",
    )
    StaffFactory(unit=unit, name="\tTAB", position="\r=CMD|' /C calc'!A0", native_place="-")

    response = export(client)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "filename*=utf-8''" in response["Content-Disposition"]
    rows = read_xlsx(response.content)
    assert rows[0] == HEADERS
    ours = [r for r in rows if r[0] and r[0].startswith("'=HYPERLINK")]
    assert len(ours) == 2
    first = next(r for r in ours if r[1] == "'-2+3")
    assert first[3] == "'=1+2"
    assert first[4] == "'+86"
    assert first[9] == "'@SUM(A1)"
    second = next(r for r in ours if r[1] == "'\tTAB")
    # XML reads a carriage return back as a line feed; the apostrophe still leads.
    assert second[3] in ("'\r=CMD|' /C calc'!A0", "'\n=CMD|' /C calc'!A0")
    assert second[4] == "'-"
    # No cell anywhere is a formula, or starts like one.
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    record = AuditRecord.objects.get(action=AuditAction.EXPORT)
    assert record.actor == user
    assert f"共 {Staff.objects.count()} 人" in record.detail


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("王静", "王静"),
        ("021-5970", "021-5970"),
        ("", ""),
        (None, None),
        (12, 12),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_export_shows_chinese_labels_and_months(client, login, unit):
    login("sysadmin")
    response = export(client)
    rows = read_xlsx(response.content)
    zhu = next(r for r in rows if r[1] == "朱晓东")
    assert zhu == [
        "综合科", "朱晓东", "男", "副科长", "上海嘉定", "中共党员", "大学本科", "1983-12",
        "2017-04", None, "是",
    ]  # fmt: skip


def test_exported_roster_imports_back_unchanged(sysadmin_user):
    StaffFactory(unit=UnitFactory(), position="=1+2", native_place="@home")
    content = staff_roster_export(staff=Staff.objects.all(), acting_user=sysadmin_user)
    count = Staff.objects.count()

    result = staff_roster_import(
        dataset=RosterXLSX().create_dataset(content), acting_user=sysadmin_user
    )

    assert result.is_clean(), result.problems()
    assert result.count(RowResult.IMPORT_TYPE_SKIP) == count
    assert Staff.objects.count() == count


@pytest.mark.parametrize("username", ["sysadmin", "office_leader", "zonghe_staff"])
def test_export_allowed_to_those_who_may_view_staff(client, login, username):
    login(username)
    assert client.get(EXPORT_URL).status_code == 200
    assert export(client).status_code == 200


@pytest.mark.parametrize("username", ["secadmin", "auditor"])
def test_export_refused_to_others(client, login, username):
    login(username)
    assert client.get(EXPORT_URL).status_code == 403
    assert export(client).status_code == 403
    assert not AuditRecord.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_drops_control_characters_excel_cannot_hold(client, login):
    login("sysadmin")
    StaffFactory(unit=UnitFactory(), position="科员\x07\x1b")
    response = export(client)
    assert response.status_code == 200
    assert any(r[3] == "科员" for r in read_xlsx(response.content)[1:])
