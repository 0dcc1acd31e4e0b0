"""Services take no request: the audit trail's address and browser come from the request context."""

from __future__ import annotations

import ast
import asyncio
import pathlib
import threading

from django.test import RequestFactory, override_settings

from outreach import services as outreach_services
from qpdo.org import request_context as rc
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord


def exports_of_schools():
    return AuditRecord.objects.filter(action=AuditAction.EXPORT, detail__startswith="导出学校台账")


@override_settings(QPDO_TRUSTED_PROXY="10.0.0.5")
def test_two_requests_through_the_trusted_proxy_write_their_own_addresses(client, login):
    login("zhujiajiao")
    for address, agent in (("172.16.3.4", "浏览器甲"), ("172.16.7.8", "浏览器乙")):
        response = client.get(
            "/outreach/schools/export.xlsx",
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, {address}",
            HTTP_USER_AGENT=agent,
        )
        assert response.status_code == 200
        assert rc.current() is None  # reset once the request is served
    records = list(exports_of_schools().order_by("id").values_list("ip_address", "user_agent"))
    assert records == [("172.16.3.4", "浏览器甲"), ("172.16.7.8", "浏览器乙")]


def test_a_service_called_outside_a_request_writes_no_address(demo_user):
    assert rc.current() is None
    outreach_services.export_record(acting_user=demo_user("zhujiajiao"), what="学校台账", rows=1)
    record = exports_of_schools().get()
    assert record.ip_address is None
    assert record.user_agent == ""
    assert record.actor.username == "zhujiajiao"


def test_a_bound_context_supplies_address_and_browser(demo_user):
    with rc.request_context(ip_address="10.1.2.3", user_agent="任务"):
        outreach_services.export_record(
            acting_user=demo_user("zhujiajiao"), what="学校台账", rows=1
        )
    assert rc.current() is None
    record = exports_of_schools().get()
    assert (record.ip_address, record.user_agent) == ("10.1.2.3", "任务")


def test_the_context_is_per_thread_and_per_task():
    request = RequestFactory().get("/", REMOTE_ADDR="172.16.1.1")
    seen = {}

    def other_thread():
        seen["thread"] = rc.current()

    with rc.request_context(request):
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        assert rc.current().ip_address == "172.16.1.1"
    assert seen["thread"] is None

    async def serve(address: str) -> str | None:
        with rc.request_context(ip_address=address):
            await asyncio.sleep(0)  # the other task runs in between
            return rc.current().ip_address

    async def both():
        return await asyncio.gather(serve("10.0.0.1"), serve("10.0.0.2"))

    # In a thread of its own: after the browser tests, Playwright's sync API keeps an event
    # loop running in this one, and asyncio.run() refuses to start inside it.
    results = []
    runner = threading.Thread(target=lambda: results.append(asyncio.run(both())))
    runner.start()
    runner.join()
    assert results == [["10.0.0.1", "10.0.0.2"]]
    assert rc.current() is None


ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("campaigns", "lectures", "outreach", "stars", "qpdo")


def test_no_service_takes_a_request_or_an_address():
    """A function taking acting_user (a service) takes no request, ip or ip_address."""
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    params = {a.arg for a in node.args.args + node.args.kwonlyargs}
                    if "acting_user" in params and params & {"request", "ip", "ip_address"}:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []
