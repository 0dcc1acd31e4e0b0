from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from .health import run_checks


@never_cache
@login_not_required
def healthz(request):
    """Answer 200 when every check is ok, 503 otherwise; one word per check, no data."""
    results = run_checks()
    body = "".join(f"{name} {word}\n" for name, word in results.items())
    healthy = all(word == "ok" for word in results.values())
    return HttpResponse(body, status=200 if healthy else 503, content_type="text/plain")
