"""Protected downloads: Range requests streamed by Python, or X-Accel-Redirect to the proxy."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.test import RequestFactory

from qpdo.documents.serving import ProtectedFileMiddleware, _byte_range
from qpdo.documents.uploads import file_response

pytestmark = pytest.mark.django_db


class _Field:
    """The part of a FieldFile that file_response uses, over the real storage."""

    def __init__(self, name):
        self.storage = default_storage
        self.name = name
        self.file = None

    def open(self, mode):
        self.file = self.storage.open(self.name, mode)


def _serve(settings, headers=None, accel=""):
    settings.QPDO_ACCEL_REDIRECT = accel
    name = default_storage.save("tests/video.mp4", ContentFile(bytes(range(256)) * 40))
    request = RequestFactory().get("/x", headers=headers or {})
    middleware = ProtectedFileMiddleware(
        lambda r: file_response(_Field(name), filename="讲座视频", inline=True)
    )
    return middleware(request), name


def test_full_download_streams_and_offers_ranges(settings):
    response, _ = _serve(settings)
    assert response.status_code == 200 and response.streaming
    assert response["Accept-Ranges"] == "bytes"
    assert len(b"".join(response.streaming_content)) == 10240


def test_range_request_gets_206_with_the_bytes(settings):
    response, _ = _serve(settings, {"Range": "bytes=256-511"})
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 256-511/10240"
    assert response["Content-Length"] == "256"
    assert b"".join(response.streaming_content) == bytes(range(256))
    assert response["Content-Type"] == "video/mp4"


def test_suffix_and_open_ranges():
    assert _byte_range("bytes=-100", 1000) == (900, 999)
    assert _byte_range("bytes=900-", 1000) == (900, 999)
    assert _byte_range("bytes=0-5000", 1000) == (0, 999)
    assert _byte_range("bytes=1000-", 1000) is None
    assert _byte_range("bytes=5-1", 1000) is None
    assert _byte_range("items=0-1", 1000) is None


def test_unsatisfiable_range_is_416(settings):
    response, _ = _serve(settings, {"Range": "bytes=99999-"})
    assert response.status_code == 416 and response["Content-Range"] == "bytes */10240"


def test_x_accel_redirect_hands_the_file_to_the_proxy(settings):
    response, name = _serve(settings, accel="/protected/")
    assert isinstance(response, HttpResponse) and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected/{name}"
    assert response["Content-Type"] == "video/mp4"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
