"""Answer 503 with a Chinese page while the database is unreachable."""

import logging

from django.db import DatabaseError
from django.http import HttpResponse
from django.template.loader import render_to_string

from .health import database_reachable

logger = logging.getLogger("qpdo.ops")


def unavailable_response() -> HttpResponse:
    # Rendered without the request: context processors would query the missing database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    return response


class DatabaseUnavailableMiddleware:
    """Outermost middleware: a 500 caused by a lost database becomes a 503 page.

    Errors in inner middleware (sessions, sign-in) reach here as 500 responses, so after a
    500 the database is probed; a view's own database error is caught directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and not database_reachable():
            logger.error("database unreachable: %s answered 503", request.path)
            return unavailable_response()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and not database_reachable():
            logger.error("database unreachable: %s answered 503", request.path)
            return unavailable_response()
        return None
