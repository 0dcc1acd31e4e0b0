"""Excel export and import: formula neutralisation, real dates, defused and capped reading."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from openpyxl import load_workbook

from qpdo.documents.excel import (
    Column,
    Percent,
    XlsxExporter,
    build_xlsx,
    read_xlsx_rows,
    xlsx_response,
)

COLUMNS = [Column("姓名", 10), Column("内容", 30), Column("日期", 16), Column("状态")]
INJECTIONS = ["=1+1", "+86 21 5970", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("x")']


class State(models.TextChoices):
    IN_REVIEW = "in_review", "审核中"


def read_back(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_build_xlsx_layout():
    data = build_xlsx(
        [["张三", "讲述稿", None, State.IN_REVIEW]], columns=COLUMNS, title="选题汇总"
    )
    sheet = read_back(data)
    assert sheet["A1"].value == "选题汇总"
    assert sheet["A1"].font.bold
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:D1"]
    assert [cell.value for cell in sheet[2]] == ["姓名", "内容", "日期", "状态"]
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert 30 <= sheet.column_dimensions["B"].width < 31  # XlsxWriter adds the cell padding
    assert [cell.value for cell in sheet[3]] == ["张三", "讲述稿", None, "审核中"]


def test_build_xlsx_without_title_freezes_header():
    sheet = read_back(build_xlsx([["a"]], columns=[Column("名称")]))
    assert sheet["A1"].value == "名称"
    assert sheet.freeze_panes == "A2"


def test_build_xlsx_neutralises_formulae():
    data = build_xlsx([[text] for text in INJECTIONS], columns=[Column("内容")])
    sheet = read_back(data)
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    # XlsxWriter stores a CR as the escape _x000D_ (Excel shows a CR); what matters is the
    # apostrophe in front.
    assert [cell.value.replace("_x000D_", "\r") for cell in cells] == ["'" + t for t in INJECTIONS]
    # Nothing in the file is stored as a formula.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_build_xlsx_keeps_ordinary_text_and_numbers():
    row = ["普通文本", "a=b", 42, -3.5, Decimal("1.50"), True, "包含\x07控制字符"]
    sheet = read_back(build_xlsx([row], columns=[Column(str(i)) for i in range(len(row))]))
    assert [cell.value for cell in sheet[2]] == [
        "普通文本",
        "a=b",
        42,
        -3.5,
        1.5,
        "是",
        "包含控制字符",
    ]
    assert sheet["C2"].data_type == "n"


def test_build_xlsx_writes_real_dates_in_shanghai_time():
    aware = datetime.datetime(2024, 10, 20, 16, 30, tzinfo=datetime.UTC)
    naive = datetime.datetime(2024, 5, 1, 9, 0)
    day = datetime.date(2024, 10, 20)
    sheet = read_back(
        build_xlsx([[aware, naive, day]], columns=[Column("a"), Column("b"), Column("c")])
    )
    a, b, c = sheet[2]
    assert a.is_date and a.value == datetime.datetime(2024, 10, 21, 0, 30)  # UTC+8
    assert b.is_date and b.value == naive
    assert c.is_date and c.value.date() == day
    assert "年" in c.number_format


def test_build_xlsx_aware_datetime_from_another_zone():
    tokyo = datetime.datetime(2024, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    sheet = read_back(build_xlsx([[tokyo]], columns=[Column("时间")]))
    assert sheet["A2"].value == datetime.datetime(2024, 3, 1, 9, 0)


def test_build_xlsx_streams_a_generator():
    rows = ([f"第{i}行", i] for i in range(2000))
    sheet = read_back(build_xlsx(rows, columns=[Column("a"), Column("b")]))
    assert sheet.max_row == 2001
    assert sheet["B2001"].value == 1999


class TopicExporter(XlsxExporter):
    columns = (Column("题目", 30), Column("讲述人"))
    title = "国动小讲堂选题"
    filename = "小讲堂选题.xlsx"

    def rows(self):
        yield ("=危险", "张三")


def test_exporter_response():
    response = TopicExporter().response()
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="download.xlsx"; '
        "filename*=UTF-8''%E5%B0%8F%E8%AE%B2%E5%A0%82%E9%80%89%E9%A2%98.xlsx"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert read_back(response.content)["A3"].value == "'=危险"


def test_xlsx_response_bytes():
    assert xlsx_response(b"PK", filename="a.xlsx").content == b"PK"


def upload(data: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_read_xlsx_rows_round_trip_with_row_numbers():
    data = build_xlsx(
        [["张三", datetime.date(2024, 5, 1)], [None, None], ["李四", None]],
        columns=[Column("姓名"), Column("日期")],
        title="名单",
    )
    rows = read_xlsx_rows(upload(data), max_bytes=1024 * 1024)
    assert rows == [
        (1, ("名单", None)),
        (2, ("姓名", "日期")),
        (3, ("张三", datetime.datetime(2024, 5, 1))),
        (5, ("李四", None)),
    ]


def test_read_xlsx_rows_refuses_oversized_file_before_opening():
    with pytest.raises(ValidationError, match=r"文件过大：2 MB，导入文件不超过 1 MB"):
        read_xlsx_rows(upload(b"\0" * 2 * 1024 * 1024), max_bytes=1024 * 1024)


@pytest.mark.parametrize(
    "data",
    [
        b"name,date\nzhang,2024-05-01\n",  # a CSV renamed .xlsx
        b"PK\x03\x04 broken zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # an old .xls
    ],
)
def test_read_xlsx_rows_refuses_what_is_not_xlsx(data):
    with pytest.raises(ValidationError, match="文件不是有效的 Excel 工作簿"):
        read_xlsx_rows(upload(data), max_bytes=1024 * 1024)


def test_read_xlsx_rows_refuses_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(ValidationError, match="文件不是有效的 Excel 工作簿"):
        read_xlsx_rows(upload(buffer.getvalue()), max_bytes=1024 * 1024)


def test_read_xlsx_rows_refuses_xml_entities():
    data = build_xlsx([["x"]], columns=[Column("a")])
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"<worksheet", b'<!DOCTYPE w [<!ENTITY lol "lol">]><worksheet', 1
                )
            new.writestr(item, content)
    with pytest.raises(ValidationError, match="文件不是有效的 Excel 工作簿"):
        read_xlsx_rows(upload(target.getvalue()), max_bytes=1024 * 1024)


def test_read_xlsx_rows_caps_the_number_of_rows():
    data = build_xlsx([[i] for i in range(20)], columns=[Column("序号")])
    with pytest.raises(ValidationError, match="一次最多导入 10 行"):
        read_xlsx_rows(upload(data), max_bytes=1024 * 1024, max_rows=10)


def test_read_xlsx_rows_refuses_a_zip_bomb_before_parsing():
    data = build_xlsx([["x" * 1000] for _ in range(500)], columns=[Column("a")])
    assert len(data) < 100 * 1024  # compresses well: unpacks to far more
    with pytest.raises(ValidationError, match="文件解压后过大"):
        read_xlsx_rows(upload(data), max_bytes=100 * 1024, max_unpacked_bytes=200 * 1024)


def test_build_xlsx_types_cells_numbers_dates_and_percentages():
    data = build_xlsx(
        [[3, 2.5, Decimal("1.25"), datetime.date(2026, 5, 12), Percent(17), Percent(12.5), "文"]],
        columns=[Column(str(i)) for i in range(7)],
    )
    cells = next(iter(read_back(data).iter_rows(min_row=2)))
    assert [c.value for c in cells[:3]] == [3, 2.5, 1.25]
    assert all(c.data_type == "n" for c in cells[:3])
    assert cells[3].is_date and cells[3].value.date() == datetime.date(2026, 5, 12)
    assert cells[4].value == pytest.approx(0.17) and cells[4].number_format == "0%"
    assert cells[5].value == pytest.approx(0.125) and cells[5].number_format == "0.0%"
    assert cells[6].data_type == "s"
