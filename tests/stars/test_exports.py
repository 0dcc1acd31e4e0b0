"""Excel exports read back with openpyxl: the nomination summary and 附表1 with nominees;
formula-like text stays inert; each user gets only what they may see."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from stars import services


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(response.content))


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_summary_export_has_scores_and_stars_for_the_party_group(
    client, login, approved_nominations, demo_user
):
    nominations = approved_nominations(2)
    group = demo_user("party_group")
    services.score_save(
        acting_user=group, nomination=nominations[0], political=9.5, skill=9, performance=8.5
    )
    services.star_select(acting_user=group, nomination=nominations[0])
    login("party_group")
    rows = rows_of(workbook(client.get("/stars/nominations/export.xlsx")).active)
    assert rows[0][0] == "2024年度“岗位之星”申报汇总表"
    header = rows[1]
    assert header[:6] == ["序号", "申报类别", "工作岗位", "推荐科室", "姓名", "性别"]
    assert "政治素质过硬（均分）" in header and "确定为“岗位之星”" in header
    by_name = {row[header.index("姓名")]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    first = by_name["胡晓琳"]
    assert first["工作岗位"] == "通信警报" and first["申报类别"] == "城市防护"
    assert first["产生方式"] == "比武竞赛"
    assert first["审批状态"] == "已通过"
    assert first["政治素质过硬（均分）"] == 9.5
    assert first["总分（均分）"] == 27.0
    assert first["确定为“岗位之星”"] == "是"
    assert by_name["黄俊杰"]["确定为“岗位之星”"] == "否"


def test_section_head_export_holds_only_their_unit_and_no_scores(
    client, login, approved_nominations
):
    approved_nominations(3)  # 管理保障中心, 动员协调科, 工程指挥科
    login("baozhang_head")
    rows = rows_of(workbook(client.get("/stars/nominations/export.xlsx")).active)
    header = rows[1]
    assert "政治素质过硬（均分）" not in header and "确定为“岗位之星”" not in header
    assert [row[header.index("推荐科室")] for row in rows[2:]] == ["民防管理保障中心"]


def test_formula_like_text_stays_inert(client, login, make_nomination):
    from qpdo.org.models import Staff

    from .conftest import competition_entry

    entry = competition_entry(
        Staff.objects.get(name="胡晓琳"),
        title='=HYPERLINK("http://evil.example","点击")',
        award="+1+1",
    )
    make_nomination("baozhang_head", nominee="胡晓琳", competition_entry=entry)
    login("baozhang_head")
    sheet = workbook(client.get("/stars/nominations/export.xlsx")).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    texts = [c.value for c in cells]
    assert '\'=HYPERLINK("http://evil.example","点击")，\'+1+1' not in texts
    joined = next(t for t in texts if "HYPERLINK" in t)
    assert joined.startswith("'=HYPERLINK") or not joined.startswith("=")
    assert all(c.data_type != "f" for c in cells)


def test_post_table_export_mirrors_annex_1_with_nominees(client, login, approved_nominations):
    approved_nominations(2)
    login("party_branch")
    sheet = workbook(client.get("/stars/posts.xlsx")).active
    rows = rows_of(sheet)
    assert rows[0][0] == "青浦区国防动员办公室“岗位之星”培树工作分工表（2024年）"
    assert rows[1][:5] == ["序号", "类别", "岗位名称", "业务责任部门", "培树形式"]
    body = rows[2:]
    assert [r[2] for r in body] == [
        "组织指挥",
        "动员协调",
        "潜力调查",
        "智慧国动",
        "通信警报",
        "工程管理",
        "防护救援",
        "国动宣教",
        "行政执法",
        "政务服务",
        "文秘宣传",
        "基层党建",
    ]
    assert body[11][3] == "机关党支部" and body[0][4] == "比武竞赛或评选推荐"
    # The responsible unit printed as 附表1 writes it (Unit.print_name), not its full name.
    assert [r[3] for r in body][4:6] == ["管理保障中心", "管理保障中心"]
    assert "胡晓琳（管理保障中心，比武竞赛）" in body[4][6]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"B3:B6", "B7:B10", "B11:B14"} <= merged
    assert sheet["B3"].value == "国动援战" and sheet["B7"].value == "城市防护"


def test_post_table_prints_as_annex_1_on_one_a4_page(client, login):
    import io

    from pypdf import PdfReader

    from qpdo.org.models import AuditRecord
    from tests.stars.test_deadlines import pdf_text

    login("baozhang_head")
    response = client.get("/stars/posts.pdf?year=2024")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    flat = "".join(pdf_text(response.content).split())
    assert "附表1：" in flat and "青浦区国防动员办公室“岗位之星”培树工作分工表" in flat
    assert "序号类别岗位名称业务责任部门培树形式" in flat
    # The responsible unit as the notice writes it: its name for print.
    assert "5通信警报管理保障中心比武竞赛或评选推荐" in flat.replace("城市防护", "")
    assert "民防管理保障中心" not in flat
    assert "12基层党建机关党支部比武竞赛或评选推荐" in flat
    assert "办机关党支部" not in flat
    assert AuditRecord.objects.filter(detail__contains="培树工作分工表.pdf").exists()


def test_unit_print_name_falls_back_to_name_and_the_admin_offers_it(db):
    from qpdo.org.admin import UnitAdmin
    from qpdo.org.models import Unit

    centre = Unit.objects.get(code="baozhang")
    assert (centre.name, centre.print_label) == ("民防管理保障中心", "管理保障中心")
    branch = Unit.objects.get(code="party_branch")
    assert (branch.print_name, branch.print_label) == ("", "机关党支部")
    assert "print_name" in UnitAdmin.list_display


def test_sysadmin_sets_a_units_print_name_and_annex_1_prints_it(client, login):
    from qpdo.org.models import AuditRecord, Unit

    login("sysadmin")
    unit = Unit.objects.get(code="party_branch")
    response = client.post(
        f"/admin/org/unit/{unit.pk}/change/",
        {
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "print_name": "办机关党支部",
            "kind": unit.kind,
            "order": unit.order,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.print_label == "办机关党支部"
    assert "打印名称：" in AuditRecord.objects.latest("id").detail
    login("party_branch")
    sheet = workbook(client.get("/stars/posts.xlsx?year=2024")).active
    assert rows_of(sheet)[13][3] == "办机关党支部"
