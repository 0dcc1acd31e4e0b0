"""Opening generated .docx files in a real office suite (LibreOffice Writer, headless).

python-docx writes what we ask; only an office suite shows whether the file opens and lays
out as intended. `office_pdf` converts a .docx with `soffice --headless --convert-to pdf` and
returns the PDF; tests count its pages and read its text (pdftotext). The PDFs, and PNGs of
their pages, are kept under test-artifacts/office/ to be looked at.

Tests that use it carry the `office` marker and are skipped where LibreOffice is missing
(`apt-get install libreoffice-writer-nogui`).
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

needs_office = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice（soffice）未安装：apt-get install libreoffice-writer-nogui"
)
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "office"


@functools.cache
def _profile() -> Path:
    """Return this process's own LibreOffice profile (two suites at once must not share one)."""
    return Path(tempfile.mkdtemp(prefix="qpdo-office-"))


def office_pdf(data: bytes, name: str, *, pngs: bool = True) -> bytes:
    """Convert .docx bytes to PDF with LibreOffice; keep both (and page PNGs) as artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qpdo-docx-") as folder:
        source = Path(folder) / f"{name}.docx"
        source.write_bytes(data)
        result = subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{_profile()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                folder,
                str(source),
            ],
            capture_output=True,
            timeout=180,
        )
        target = Path(folder) / f"{name}.pdf"
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        assert target.exists(), result.stdout.decode(errors="replace")
        pdf = target.read_bytes()
    (ARTIFACTS / f"{name}.docx").write_bytes(data)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    if pngs:
        for old in ARTIFACTS.glob(f"{name}-*.png"):
            old.unlink()
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)],
            check=True,
        )
    return pdf


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """Return the PDF's text (pdftotext; `layout` keeps the columns side by side)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()


def page_texts(pdf: bytes) -> list[str]:
    """Return each page's text (pdftotext splits pages with a form feed)."""
    return pdf_text(pdf).split("\f")[: page_count(pdf)]


def flat(text: str) -> str:
    """Return text without white space (a table cell's text may wrap anywhere)."""
    return "".join(text.split())


def word_boxes(pdf: bytes) -> dict[str, list[tuple[float, float, int]]]:
    """Return where pdftotext finds each word: text → [(x of its centre, top, page)]."""
    import re

    xml = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    boxes: dict[str, list[tuple[float, float, int]]] = {}
    page = 0
    for line in xml.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', line
        )
        if found:
            x0, y0, x1, text = found.groups()
            boxes.setdefault(text, []).append(((float(x0) + float(x1)) / 2, float(y0), page))
    return boxes


def office_pdf_beside(docx: bytes, pdf: bytes, name: str) -> bytes:
    """Convert the .docx with LibreOffice and keep the portal's own PDF beside it to compare."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.weasyprint.pdf").write_bytes(pdf)
    return office_pdf(docx, name)


def page_size(pdf: bytes) -> tuple[float, float]:
    """Return the first page's width and height in points."""
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)
