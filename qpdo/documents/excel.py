"""Write and read Excel (.xlsx) files: the one spreadsheet engine of the portal.

Exports stream rows through XlsxWriter in constant-memory mode (each row goes to disk as it is
written, so a large export never holds a worksheet in memory); the caller passes rows built
from a selector (no queries per row). Cells are typed: numbers as numbers, dates as dates,
`Percent` as a number with a percent format; every string cell is written as a string (never
a formula) and neutralised against formula injection. Imports read through openpyxl: they
refuse oversized files before opening them and parse the XML through defusedxml.
"""

from __future__ import annotations

import datetime
import enum
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml import DEFUSEDXML

from .pdf import content_disposition
from .uploads import format_size

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
PERCENT_FORMAT = "0%"
PERCENT_FORMAT_DECIMAL = "0.0%"
# A spreadsheet program evaluates a cell typed or re-entered with one of these first characters.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32767  # Excel's limit; a longer cell makes Excel "repair" the file


@dataclass(frozen=True)
class Column:
    """One exported column: its header and its width in Excel character units."""

    header: str
    width: float = 16


@dataclass(frozen=True)
class Percent:
    """A share written as a number with a percent format: Percent(17) shows 17%, holds 0.17.

    `value` is in percent points (what the page prints), `None` writes an empty cell.
    """

    value: float | int | Decimal | None

    @property
    def fraction(self) -> float | None:
        return None if self.value is None else float(self.value) / 100

    def __str__(self) -> str:
        return "" if self.value is None else f"{self.value:g}%"


def neutralise(text: str) -> str:
    """Return text that a spreadsheet shows as text, never runs as a formula.

    A leading apostrophe is added to text starting with = + - @, tab or CR (OWASP's advice for
    CSV/formula injection); it stays visible in the cell, which is the price of safety in any
    later copy of the data (CSV, re-typing).
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:MAX_CELL_CHARS]


def cell_value(value: Any) -> Any:
    """Convert a Python value to what the cell should hold (dates as real dates)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, int | float | Decimal | Percent):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, timezone.get_default_timezone())
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, enum.Enum) and hasattr(value, "label"):
        value = value.label  # Django choices: print 审核中, not in_review
    return neutralise(str(value))


def build_xlsx(
    rows: Iterable[Sequence[Any]],
    *,
    columns: Sequence[Column],
    title: str = "",
    sheet_name: str = "Sheet1",
) -> bytes:
    """Return an .xlsx with an optional title row, a bold frozen header row and the rows."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "in_memory": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    date_style = workbook.add_format({"num_format": DATE_FORMAT})
    datetime_style = workbook.add_format({"num_format": DATETIME_FORMAT})
    percent_style = workbook.add_format({"num_format": PERCENT_FORMAT})
    percent_decimal_style = workbook.add_format({"num_format": PERCENT_FORMAT_DECIMAL})
    row_index = 0
    if title:
        title_style = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
        if len(columns) > 1:
            sheet.merge_range(0, 0, 0, len(columns) - 1, neutralise(title), title_style)
        else:
            sheet.write_string(0, 0, neutralise(title), title_style)
        row_index = 1
    header_style = workbook.add_format({"bold": True})
    for index, column in enumerate(columns):
        sheet.write_string(row_index, index, neutralise(column.header), header_style)
    sheet.freeze_panes(row_index + 1, 0)
    row_index += 1

    write_string = sheet.write_string
    write_number = sheet.write_number
    write_datetime = sheet.write_datetime
    for row in rows:
        for col, raw in enumerate(row):
            value = cell_value(raw)
            if value is None:
                continue
            if isinstance(value, str):
                if value:
                    write_string(row_index, col, value)
            elif isinstance(value, int | float):
                write_number(row_index, col, value)
            elif isinstance(value, Decimal):
                write_number(row_index, col, float(value))
            elif isinstance(value, datetime.datetime):
                write_datetime(row_index, col, value, datetime_style)
            elif isinstance(value, datetime.date):
                write_datetime(row_index, col, value, date_style)
            elif isinstance(value, Percent):
                if value.value is not None:
                    whole = float(value.value) == int(value.value)
                    style = percent_style if whole else percent_decimal_style
                    write_number(row_index, col, value.fraction, style)
            else:  # pragma: no cover - cell_value returns only the types above
                write_string(row_index, col, neutralise(str(value)))
        row_index += 1
    workbook.close()
    return buffer.getvalue()


class XlsxExporter:
    """Base of every Excel export: declare columns and filename, yield rows from a selector.

    Subclasses set `columns`, `title`, `filename` and implement `rows()`; views call
    `response()`. Keep rows free of queries: fetch everything in the selector.
    """

    columns: Sequence[Column] = ()
    title: str = ""
    sheet_name: str = "Sheet1"
    filename: str = "导出.xlsx"

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def render(self) -> bytes:
        return build_xlsx(
            self.rows(), columns=self.columns, title=self.title, sheet_name=self.sheet_name
        )

    def response(self) -> HttpResponse:
        return xlsx_response(self.render(), filename=self.filename)


def xlsx_response(data: bytes, *, filename: str) -> HttpResponse:
    """Return an .xlsx download with a UTF-8 filename."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, inline=False)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# What openpyxl raises for a file that is not a readable workbook (defusedxml's refusals
# of entity tricks are ValueError subclasses; XML parse errors are SyntaxError subclasses).
UNREADABLE = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError)
NOT_XLSX = "文件不是有效的 Excel 工作簿（.xlsx）。请在 Excel 中“另存为” .xlsx 格式后重新上传。"


def read_xlsx_rows(
    uploaded_file, *, max_bytes: int, max_rows: int = 10000, max_unpacked_bytes: int = 0
) -> list[tuple[int, tuple[Any, ...]]]:
    """Return the non-empty rows of the first sheet with their 1-based row numbers.

    Every row has the same length (padded with None), so row[i] is safe.

    Raise ValidationError (in Chinese) for a file over max_bytes, more than max_rows rows or
    not an .xlsx workbook. The size is checked before anything is parsed, and what the zip
    would unpack to (at most max_unpacked_bytes, by default 20 × max_bytes) before any XML is
    read, so a small "zip bomb" cannot exhaust memory.
    """
    if not DEFUSEDXML:
        raise ImproperlyConfigured("openpyxl 未使用 defusedxml：请安装 defusedxml 后再导入 Excel。")
    size = uploaded_file.size
    if size > max_bytes:
        raise ValidationError(
            f"文件过大：{format_size(size)}，导入文件不超过 {format_size(max_bytes)}。",
            code="file_too_large",
        )
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except UNREADABLE as error:
        raise ValidationError(NOT_XLSX, code="not_xlsx") from error
    if unpacked > (max_unpacked_bytes or 20 * max_bytes):
        raise ValidationError(
            "文件解压后过大，不像正常的 Excel 名单，请检查后重新上传。", code="file_too_large"
        )
    uploaded_file.seek(0)
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except UNREADABLE as error:
        raise ValidationError(NOT_XLSX, code="not_xlsx") from error
    rows = []
    try:
        for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            if all(value in (None, "") for value in row):
                continue
            if len(rows) >= max_rows:
                raise ValidationError(
                    f"行数过多：一次最多导入 {max_rows} 行，请分批导入。", code="too_many_rows"
                )
            rows.append((number, tuple(row)))
    except UNREADABLE as error:
        raise ValidationError(NOT_XLSX, code="not_xlsx") from error
    finally:
        workbook.close()
    width = max((len(row) for _, row in rows), default=0)  # short rows: no trailing cells stored
    return [(number, row + (None,) * (width - len(row))) for number, row in rows]
