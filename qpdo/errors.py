"""Chinese error pages (400, 403, 404, 500) in the portal's look, with a way back to the 工作台.

A refusal raised by our own code carries a Chinese reason meant for the person (`Refused`, or
Http404 with a message): it is shown. Anything else (Django's or a library's English text,
which may describe internals) is not.

`Refused` is the one refusal type of the portal: every service and rule raises it when the
person may not do what they asked (the approval engine's `TransitionRefused` is one). Being a
`PermissionDenied`, it becomes the 403 page with its reason wherever nothing catches it; the form
mixins of `qpdo.workflow.mixins` catch it and show the reason on the form instead.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

_CJK = re.compile(r"[\u4e00-\u9fff]")


class Refused(PermissionDenied):
    """The person may not do this; `message` says why, in Chinese, for the person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _safe_reason(exception) -> str:
    text = str(exception or "").strip()
    if not text or not _CJK.search(text) or len(text) > 200:
        return ""
    return text


def _page(request, status: int, heading: str, default: str, exception=None):
    context = {
        "status": status,
        "heading": heading,
        "reason": _safe_reason(exception) or default,
    }
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, "请求无法处理", "提交的内容不完整或格式不对，请返回上一页重新操作。")


# URL parameters that do not name an object (a year's page, a month's ranking, an import format).
NOT_OBJECT_PARAMETERS = frozenset({"year", "month", "spec"})


def names_an_object(request) -> bool:
    """Return whether the request is for a portal page of one object (not the admin's)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace == "admin" or "admin" in match.namespaces:
        return False
    return bool(set(match.kwargs) - NOT_OBJECT_PARAMETERS)


def permission_denied(request, exception=None):
    if names_an_object(request):
        # A refused page of one object answers like a missing one, with no reason: a 403
        # would tell someone outside the object's scope that it exists (need to know).
        return _page(request, 404, "未找到该页面", "页面不存在，或该事项不在您的查看范围内。")
    return _page(request, 403, "您没有权限访问该页面", "该页面不在您的职责范围内。", exception)


def page_not_found(request, exception=None):
    return _page(
        request, 404, "未找到该页面", "页面不存在，或该事项不在您的查看范围内。", exception
    )


def csrf_failure(request, reason=""):
    return _page(request, 403, "页面已过期", "页面已过期或来源无法确认，请刷新页面后重新提交。")


def server_error(request):
    # No context processors and no database: the fault may be the database itself.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({}))
