"""Refuse oversized or over-full upload requests before their files are read or decoded."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render

from .uploads import format_size


def max_request_bytes() -> int:
    return settings.QPDO_UPLOAD_MAX_REQUEST_BYTES


def max_files() -> int:
    return settings.DATA_UPLOAD_MAX_NUMBER_FILES


def _refuse(request, message: str, status: int):
    response = render(request, "documents/upload_refused.html", {"message": message}, status=status)
    response["Connection"] = "close"  # the rest of the body is not read
    return response


class UploadLimitMiddleware:
    """Check a multipart request's total size and file count before any view reads it.

    The total size comes from Content-Length, so an oversized request is refused before its
    body is read. The file count is checked while Django parses the body (its
    DATA_UPLOAD_MAX_NUMBER_FILES stops parsing at the first file over the limit, before that
    file is stored); Django's own answer would be an English "400 Bad Request", so the refusal
    is turned into a Chinese page here. Place this before CsrfViewMiddleware reads request.POST.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in {"POST", "PUT", "PATCH"} and content_type.startswith("multipart/"):
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = max_request_bytes()
        if length > limit:
            return _refuse(
                request,
                f"本次上传的文件合计 {format_size(length)}，超过了每次提交不超过 "
                f"{format_size(limit)} 的限制。请减少文件数量或分几次提交。",
                413,
            )
        try:
            request.POST  # noqa: B018 - parse now, inside the handler below
            request.FILES  # noqa: B018
        except TooManyFilesSent:
            return _refuse(
                request,
                f"一次最多上传 {max_files()} 个文件，本次选择的文件超过了这个数量。请分几次提交。",
                400,
            )
        except TooManyFieldsSent:
            return _refuse(request, "提交的表单项过多，请刷新页面后重新填写。", 400)
        except RequestDataTooBig:
            return _refuse(request, "提交的表单内容过大，请精简后重新提交。", 413)
        return None


class UploadProgressMiddleware:
    """Hand a redirect back to the upload script (static/js/upload.js) instead of following it.

    The script posts a form with files by XMLHttpRequest to show its progress; the request
    would follow a redirect by itself, reading the next page (and spending its flash messages)
    out of sight. For such a request (header X-Qpdo-Upload) a redirect becomes a 204 naming
    the target in X-Qpdo-Location, cookies kept, and the script sends the browser there, as a
    normal submit would have. Every other answer passes unchanged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.headers.get("X-Qpdo-Upload") == "1"
            and response.status_code in {301, 302, 303, 307, 308}
            and response.has_header("Location")
        ):
            response["X-Qpdo-Location"] = response["Location"]
            del response["Location"]
            response.status_code = 204
            response.content = b""
        return response
