"""Build roster spreadsheets for the tests with openpyxl, and drive the admin's import steps."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

HEADERS = [
    "单位",
    "姓名",
    "性别",
    "职务/岗位",
    "籍贯",
    "政治面貌",
    "学历",
    "出生年月",
    "任现岗位时间",
    "联系电话",
    "在职",
]
IMPORT_URL = "/admin/org/staff/import/"
PROCESS_URL = "/admin/org/staff/process_import/"
EXPORT_URL = "/admin/org/staff/export/"


def roster_xlsx(rows, headers=HEADERS) -> bytes:
    """Return an .xlsx with `headers` in row 1 and `rows` below."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员名册"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "人员名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def dry_run(client, content: bytes, name: str = "人员名册.xlsx"):
    """Upload a roster to the admin's import page (the checking step) and return the response."""
    return client.post(
        IMPORT_URL, {"resource": "0", "format": "0", "import_file": upload(content, name)}
    )


def confirm(client, response):
    """Post the confirm form that a clean dry run rendered."""
    form = response.context["confirm_form"]
    return client.post(PROCESS_URL, {name: form.initial[name] for name in form.initial})


def read_xlsx(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]
