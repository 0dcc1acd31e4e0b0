"""The office keeps registers on the admin pages too: those saves go through services, audited."""

from __future__ import annotations

import datetime

import pytest

from outreach import services
from outreach.enums import DrillOccasion
from outreach.models import Enterprise, EnterpriseDrill
from qpdo.org import clock
from qpdo.org.models import AuditRecord
from tests.forms import PageForm


@pytest.fixture
def drill(unit, reviewer):
    enterprise = Enterprise.objects.create(
        town=unit("zhujiajiao"), name="上海朱家角精密机械有限公司"
    )
    return services.enterprise_drill_record(
        acting_user=reviewer,
        enterprise=enterprise,
        held_on=clock.today() - datetime.timedelta(days=20),
        occasion=DrillOccasion.OTHER,
        participants=30,
    )


def test_an_admin_change_of_a_register_and_its_rows_is_audited(client, login, reviewer, drill):
    login("outreach_reviewer")
    enterprise = drill.enterprise
    page = client.get(f"/admin/outreach/enterprise/{enterprise.pk}/change/")
    form = PageForm.from_response(page, form_id="enterprise_form")
    form.fill("park", "朱家角工业园区").fill("drills-0-note", "结合防空警报试鸣")
    response = form.submit(client, button="_save")
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.park == "朱家角工业园区"
    assert EnterpriseDrill.objects.get(pk=drill.pk).note == "结合防空警报试鸣"
    details = set(
        AuditRecord.objects.filter(actor=reviewer, detail__contains="（管理后台）").values_list(
            "detail", flat=True
        )
    )
    assert details == {
        f"修改企业（园区）：{enterprise}（管理后台）",
        f"修改{enterprise}的台账记录：保存1条，删除0条（管理后台）",
    }
