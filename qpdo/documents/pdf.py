"""Render HTML templates to PDF with WeasyPrint, the one PDF engine of the portal.

One FontConfiguration is reused for the process; garbage is collected after every render
(WeasyPrint leaves cyclic garbage that otherwise grows a long-lived worker's memory).
"""

from __future__ import annotations

import functools
import gc
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from .fonts import ensure_cjk_fonts


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to PDF bytes. The template's <html> must carry lang="zh-CN"."""
    from weasyprint import HTML

    ensure_cjk_fonts()
    html = render_to_string(template_name, context)
    try:
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            font_config=_font_config()
        )
    finally:
        gc.collect()


def content_disposition(filename: str, *, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "ignore").decode() or "document"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def pdf_response(data: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    return response
