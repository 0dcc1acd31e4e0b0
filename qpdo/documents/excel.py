"""Write and read Excel (.xlsx) files: the one spreadsheet engine of the portal.

Exports stream rows into an openpyxl write-only workbook, so a large export never holds a
worksheet of cell objects in memory; the caller passes rows built from a selector (no queries
per row). Every string cell is neutralised against formula injection. Imports refuse oversized
files before opening them and parse the XML through defusedxml.
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

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml import DEFUSEDXML

from .pdf import content_disposition
from .uploads import format_size

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
# A spreadsheet program evaluates a cell typed or re-entered with one of these first characters.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32767  # Excel's limit; a longer cell makes Excel "repair" the file


@dataclass(frozen=True)
class Column:
    """One exported column: its header and its width in Excel character units."""

    header: str
    width: float = 16


@dataclass(frozen=True)
class Formatted:
    """A typed cell value with its Excel number format: Formatted(0.167, "0.0%")."""

    value: Any
    number_format: str


PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "0"


def percent(rate: float | None) -> Formatted | None:
    """Return a percentage given in percent (16.7) as a number cell shown as 16.7%."""
    if rate is None:
        return None
    return Formatted(float(rate) / 100, PERCENT_FORMAT)


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
    if value is None or isinstance(value, int | float | Decimal):
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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 2 if title else 1
    sheet.freeze_panes = f"A{header_row + 1}"

    def styled(value: Any, font: Font, **extra) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=cell_value(value))
        cell.font = font
        for name, style in extra.items():
            setattr(cell, name, style)
        return cell

    if title:
        if len(columns) > 1:
            sheet.merged_cells.add(f"A1:{get_column_letter(len(columns))}1")
        sheet.append([styled(title, Font(bold=True, size=14), alignment=Alignment("center"))])
    sheet.append([styled(column.header, Font(bold=True)) for column in columns])

    for row in rows:
        values = []
        for value in row:
            if isinstance(value, Formatted):
                formatted = WriteOnlyCell(sheet, value=cell_value(value.value))
                formatted.number_format = value.number_format
                values.append(formatted)
                continue
            value = cell_value(value)
            if isinstance(value, datetime.date):
                date_cell = WriteOnlyCell(sheet, value=value)
                is_datetime = isinstance(value, datetime.datetime)
                date_cell.number_format = DATETIME_FORMAT if is_datetime else DATE_FORMAT
                value = date_cell
            values.append(value)
        sheet.append(values)

    buffer = io.BytesIO()
    workbook.save(buffer)
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
