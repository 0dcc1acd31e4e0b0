"""Serving protected files: X-Accel-Redirect to the proxy when configured, else streamed by
Python with HTTP Range (so a video can seek), always after the view has checked access."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_COPIED = ("Content-Type", "Content-Disposition", "X-Content-Type-Options")


class ProtectedFileResponse(FileResponse):
    """A FileResponse that remembers where its file is stored (see ProtectedFileMiddleware)."""

    def __init__(self, *args, storage, name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.qpdo_storage = storage
        self.qpdo_name = name


def _copy_headers(source, target) -> None:
    for header in _COPIED:
        if header in source:
            target[header] = source[header]


def _accel(response: ProtectedFileResponse, prefix: str) -> HttpResponse:
    accel = HttpResponse(b"")
    _copy_headers(response, accel)
    accel["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(response.qpdo_name)
    del accel["Content-Length"]
    return accel


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """Return (first, last) of a single `bytes=` range, or None when it cannot be satisfied."""
    match = _RANGE.match(header.strip())
    if not match or size == 0:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return None
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return None
    return start, end


def _stream(file, start: int, length: int):
    try:
        file.seek(start)
        left = length
        while left > 0:
            chunk = file.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        file.close()


def _ranged(request, response: ProtectedFileResponse) -> HttpResponse:
    storage, name = response.qpdo_storage, response.qpdo_name
    size = storage.size(name)
    span = _byte_range(request.headers["Range"], size)
    if span is None:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    start, end = span
    length = end - start + 1
    partial = StreamingHttpResponse(_stream(storage.open(name, "rb"), start, length), status=206)
    _copy_headers(response, partial)
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(length)
    partial["Accept-Ranges"] = "bytes"
    return partial


class ProtectedFileMiddleware:
    """Hand protected files to the proxy (X-Accel-Redirect) or answer Range requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not isinstance(response, ProtectedFileResponse) or response.status_code != 200:
            return response
        prefix = getattr(settings, "QPDO_ACCEL_REDIRECT", "")
        if prefix and isinstance(response.qpdo_storage, FileSystemStorage):
            response.close()
            return _accel(response, prefix)
        if request.method == "GET" and "Range" in request.headers:
            response.close()
            return _ranged(request, response)
        response["Accept-Ranges"] = "bytes"
        return response
