"""PDF rendering: Chinese text extracts as text, the CJK fonts are embedded."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import override_settings
from pypdf import PdfReader

from qpdo.documents import fonts
from qpdo.documents.pdf import content_disposition, handle_missing_fonts, pdf_response, render_pdf
from qpdo.documents.qr import verification_code

from .conftest import with_sample_templates

CONTEXT = {
    "office_name": "青浦区国防动员办公室",
    "title": "筹划与部署",
    "link": "https://portal.example/verify/ABCDE12345",
    "code": "ABCDE12345",
}


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    """Render the sample once for the module (a CJK render takes about a second)."""
    with override_settings(TEMPLATES=with_sample_templates(settings.TEMPLATES)):
        return render_pdf("documents_test/sample.html", {**CONTEXT, "code": verification_code(1)})


def test_render_pdf_chinese_extracts_as_text(sample_pdf):
    assert sample_pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sample_pdf)).pages)
    assert "青浦区国防动员办公室" in text
    assert "国动小讲堂讲述稿：筹划与部署" in text


def test_render_pdf_pdftotext_reads_chinese(sample_pdf, tmp_path):
    path = tmp_path / "sample.pdf"
    path.write_bytes(sample_pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "青浦区国防动员办公室" in text


def test_render_pdf_embeds_cjk_fonts(sample_pdf, tmp_path):
    path = tmp_path / "sample.pdf"
    path.write_bytes(sample_pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    cjk_rows = [line for line in listing.splitlines()[2:] if "CJK" in line]
    assert {"Serif", "Sans"} <= {
        kind for line in cjk_rows for kind in ("Serif", "Sans") if kind in line
    }
    # Columns: name type encoding emb sub uni object ID; every CJK font embedded as a subset.
    assert all(line.split()[-5:-3] == ["yes", "yes"] for line in cjk_rows), listing


def test_content_disposition_chinese_name():
    value = content_disposition('审批单-"讲堂"\n.pdf', inline=False)
    assert value.startswith('attachment; filename="download.pdf"; ')
    assert "filename*=UTF-8''%E5%AE%A1%E6%89%B9%E5%8D%95-%22%E8%AE%B2%E5%A0%82%22.pdf" in value
    assert "\n" not in value


def test_content_disposition_ascii_name_kept():
    assert content_disposition("sheet-3.pdf", inline=True) == (
        "inline; filename=\"sheet-3.pdf\"; filename*=UTF-8''sheet-3.pdf"
    )


def test_pdf_response_headers():
    response = pdf_response(b"%PDF-1.7", filename="审批单.pdf", inline=True)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")


def test_handle_missing_fonts_answers_503_in_chinese(rf, monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"DejaVu Sans"}))

    @handle_missing_fonts
    def sheet_view(request):
        fonts.ensure_cjk_fonts()
        return HttpResponse("never")

    request = rf.get("/sheet.pdf")
    request.user = AnonymousUser()
    response = sheet_view(request)
    assert response.status_code == 503
    assert "服务器缺少中文字体" in response.content.decode()


def test_handle_missing_fonts_passes_a_good_response_through(rf):
    @handle_missing_fonts
    def sheet_view(request):
        return pdf_response(b"%PDF-1.7", filename="a.pdf")

    assert sheet_view(rf.get("/")).status_code == 200


def test_render_pdf_collects_garbage_after_the_response_not_before(monkeypatch):
    from django.core.signals import request_finished, request_started

    from qpdo.documents import pdf

    # The handlers are connected to Django's request signals (sending the real signals here
    # would also close the test's database connection).
    assert any(r[1]() is pdf._on_request_started for r in request_started.receivers)
    assert any(r[1]() is pdf._on_request_finished for r in request_finished.receivers)

    calls = []
    monkeypatch.setattr(pdf.gc, "collect", lambda: calls.append("collect"))
    pdf._on_request_started()
    pdf.collect_garbage_after_render()
    assert calls == []  # the response is not kept waiting
    pdf._on_request_finished()
    assert calls == ["collect"]
    pdf.collect_garbage_after_render()  # outside a request (batch job): at once
    assert calls == ["collect", "collect"]
