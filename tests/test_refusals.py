"""One refusal type: every service and rule refuses with `qpdo.errors.Refused`, translated once.

A `Refused` nothing catches is the Chinese 403 page with its reason; the form mixins show it on
the form instead. No service raises `PermissionError` (a 500 wherever a view forgot to catch it).
"""

from __future__ import annotations

import ast
import pathlib

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path
from django.views.generic import FormView

from campaigns.models import Campaign
from lectures import services as lecture_services
from lectures.models import Slot
from qpdo import urls as qpdo_urls
from qpdo.errors import Refused
from qpdo.workflow.mixins import SubjectFormMixin, form_add_errors
from qpdo.workflow.services import TransitionRefused

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("campaigns", "lectures", "outreach", "stars", "qpdo/org", "qpdo/workflow", "qpdo/jobs")


def _service_and_rule_modules() -> list[pathlib.Path]:
    found = []
    for app in APPS:
        base = ROOT / app
        for name in ("services", "rules"):
            found += [base / f"{name}.py"] if (base / f"{name}.py").exists() else []
            found += sorted((base / name).glob("*.py")) if (base / name).is_dir() else []
    return found


def _raised_names(module: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name):
                names.add(exc.id)
            elif isinstance(exc, ast.Attribute):
                names.add(exc.attr)
    return names


def test_refused_is_a_permission_denied_and_the_engine_refuses_with_it():
    assert issubclass(Refused, PermissionDenied)
    assert issubclass(TransitionRefused, Refused)
    assert Refused("只有综合科可以安排。").message == "只有综合科可以安排。"


def test_no_service_or_rule_refuses_with_another_type():
    modules = _service_and_rule_modules()
    assert len(modules) > 10
    offenders = {
        (str(m.relative_to(ROOT)), name)
        for m in modules
        for name in _raised_names(m) & {"PermissionError", "PermissionDenied"}
    }
    assert offenders == set()


def _refusing_view(request):
    # A disagreement between a view's check and a service's rule: the service refuses.
    lecture_services.slot_cancel(acting_user=request.user, slot=Slot.objects.first())
    return HttpResponse("不应到达")


urlpatterns = [path("refusing/", _refusing_view), *qpdo_urls.urlpatterns]
handler403 = qpdo_urls.handler403


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_uncaught_service_refusal_is_the_403_page_with_its_reason(client, demo_user, campaign):
    client.force_login(demo_user("gongcheng_head"))
    response = client.get("/refusing/")
    assert response.status_code == 403
    assert "只有综合科小讲堂管理人员可以取消场次。" in response.content.decode()


class _Form(forms.Form):
    title = forms.CharField()


class _SavingView(SubjectFormMixin, FormView):
    form_class = _Form
    template_name = "error.html"

    def save(self, data):
        raise Refused("该选题已由他人审定，不能再修改。")

    def form_invalid(self, form):
        self.invalid_form = form
        return HttpResponse("表单", status=200)


def test_a_refused_save_shows_its_reason_on_the_form(demo_user):
    request = RequestFactory().post("/", {"title": "题目"})
    request.user = demo_user("gongcheng_head")
    view = _SavingView()
    view.setup(request)
    response = view.post(request)
    assert response.status_code == 200
    assert view.invalid_form.non_field_errors() == ["该选题已由他人审定，不能再修改。"]


def test_form_add_errors_puts_a_refusal_in_the_non_field_errors():
    form = _Form({"title": "x"})
    assert form.is_valid()
    form_add_errors(form, Refused("不能修改。"))
    assert form.non_field_errors() == ["不能修改。"]


@pytest.fixture
def campaign(db, clock_at):
    clock_at(2024, 12, 1)
    return Campaign.objects.get(year=2024)
