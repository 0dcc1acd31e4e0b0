"""The Chinese error pages with DEBUG=0: 400, and a 403 that gives the refusal's own reason."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory, override_settings

from qpdo.errors import bad_request


@override_settings(DEBUG=False)
def test_bad_request_page_is_chinese(db):
    response = bad_request(RequestFactory().get("/"), SuspiciousOperation("Invalid HTTP_HOST"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "请求无法处理" in page and "返回工作台" in page and "HTTP_HOST" not in page


@override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
def test_a_disallowed_host_gets_the_chinese_400(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "请求无法处理" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_refusal_shows_its_chinese_reason(client, login):
    login("gongcheng_head")
    response = client.get("/outreach/reports/new/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "只有区国动办、各街镇和区国动委成员单位的填报员可以报送活动信息。" in page
    assert "返回工作台" in page and "Forbidden" not in page
