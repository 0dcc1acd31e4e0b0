"""Content-Security-Policy without 'unsafe-inline': no inline script, style or handler left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Rendered to PDF by WeasyPrint on the server, never served as HTML (no CSP there).
PDF_TEMPLATES = {
    "lectures/exports/division.html",
    "workflow/approval_sheet.html",
    "campaigns/record/pdf.html",
    "campaigns/item/sheet_pdf.html",
    "documents/official.html",
    "stars/summary/document.html",
    "stars/nomination/pdf.html",
    "stars/post/pdf.html",
}
# A <script type="application/json"> (json_script) is data, never run: CSP leaves it alone.
INLINE = re.compile(
    r"\sstyle=\"|\son[a-z]+=\"|<script(?![^>]*\s(?:src=|type=\"application/json\"))[^>]*>|<style",
    re.I,
)


def html_templates():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT / "templates").as_posix()
        if rel not in PDF_TEMPLATES:
            yield rel, path


def test_no_template_has_inline_script_style_or_handler():
    offenders = [
        f"{rel}:{n}"
        for rel, path in html_templates()
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert offenders == []


def test_policy_header_forbids_inline_and_uses_a_nonce(client, login):
    login("zonghe_head")
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("zonghe_head", "/"),
        ("zonghe_head", "/campaigns/"),
        ("zonghe_head", "/stars/nominations/new/?year=2024"),
        ("outreach_reviewer", "/outreach/"),
        ("zonghe_staff", "/lectures/schedule/"),
        ("party_branch", "/admin/"),
        ("sysadmin", "/admin/org/staff/"),
        ("auditor", "/admin/org/auditrecord/"),
    ],
)
def test_rendered_pages_have_no_inline_style_or_script(client, login, username, path):
    login(username)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    found = INLINE.findall(html)
    assert found == [], (path, found[:3])
