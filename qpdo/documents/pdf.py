"""Render HTML templates to PDF with WeasyPrint, the one PDF engine of the portal.

One FontConfiguration is reused for the process. WeasyPrint leaves cyclic garbage that
otherwise grows a long-lived worker's memory, so garbage is collected after every render: inside
a request, once the response has been sent (the collection costs tens of milliseconds that the
user need not wait for); outside a request (batch jobs, commands), right after the render.
"""

from __future__ import annotations

import functools
import gc
import logging
import posixpath
import threading
from urllib.parse import quote

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .fonts import MissingFontError, ensure_cjk_fonts

logger = logging.getLogger(__name__)


@functools.cache
def _font_config():
    # inline: WeasyPrint loads Pango/fontconfig; only processes that print pay for it
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


_request_state = threading.local()


def _on_request_started(**kwargs) -> None:
    _request_state.active = True
    _request_state.collect = False


def _on_request_finished(**kwargs) -> None:
    """Collect the renders' garbage once the response has gone out."""
    collect = getattr(_request_state, "collect", False)
    _request_state.active = False
    _request_state.collect = False
    if collect:
        gc.collect()


request_started.connect(_on_request_started, dispatch_uid="qpdo.documents.pdf.started")
request_finished.connect(_on_request_finished, dispatch_uid="qpdo.documents.pdf.finished")


def collect_garbage_after_render() -> None:
    """Collect now, or after the response when a request is being served."""
    if getattr(_request_state, "active", False):
        _request_state.collect = True
    else:
        gc.collect()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to PDF bytes. The template's <html> must carry lang="zh-CN"."""
    # inline: WeasyPrint loads Pango/fontconfig; only processes that print pay for it
    from weasyprint import HTML

    ensure_cjk_fonts()
    html = render_to_string(template_name, context)
    try:
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            font_config=_font_config()
        )
    finally:
        collect_garbage_after_render()


def content_disposition(filename: str, *, inline: bool) -> str:
    """Return a Content-Disposition value: an ASCII fallback name and the UTF-8 name (RFC 6266)."""
    kind = "inline" if inline else "attachment"
    filename = "".join(char for char in filename if char.isprintable()).replace("/", "_")
    # Old clients read only the ASCII name; a Chinese name would be mangled there, so they get
    # a plain name with the same extension.
    ascii_name = filename.replace('"', "").replace("\\", "")
    if not ascii_name.isascii() or not ascii_name.strip():
        extension = posixpath.splitext(ascii_name)[1]
        ascii_name = "download" + (extension if extension.isascii() else "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(data: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """Return PDF bytes as a download (or shown in the browser when inline)."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def missing_fonts_response(request: HttpRequest) -> HttpResponse:
    """Return a 503 page telling the user the PDF cannot be made until fonts are installed."""
    return render(request, "documents/missing_fonts.html", status=503)


def handle_missing_fonts(view):
    """Decorate a PDF view (a function or a view method) to answer MissingFontError with 503.

    The error is logged for the administrators; the user sees a short Chinese explanation.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except MissingFontError as error:
            logger.error("PDF 生成失败：%s", error)
            request = next(arg for arg in args if isinstance(arg, HttpRequest))
            return missing_fonts_response(request)

    return wrapper
