"""The 待办/已办/我的申报 pages, the approval page, the admin integration and the 审批单."""

from __future__ import annotations

import subprocess
import tempfile

import pytest
from django.contrib.auth import get_user_model

from lectures.models import Topic
from qpdo.workflow import services
from qpdo.workflow.enums import Action, State
from tests.utils import assert_constant_queries


def submitted_topic(make_topic, demo_user, username="gongcheng_head"):
    topic = make_topic(username)
    services.approval_submit(subject=topic, acting_user=demo_user(username))
    topic.approval.refresh_from_db()
    return topic


def test_inbox_lists_waiting_items_with_count(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    login("zonghe_staff")
    page = client.get("/workflow/todo/").content.decode()
    assert topic.approval.title in page
    assert "综合科初评" in page and 'data-testid="todo-count"' in page
    login("office_leader")
    assert topic.approval.title not in client.get("/workflow/todo/").content.decode()


def test_inbox_query_count_is_fixed(client, login, make_topic, demo_user):
    login("zonghe_staff")

    def add(n):
        for _ in range(n):
            submitted_topic(make_topic, demo_user)

    assert_constant_queries(client, "/workflow/todo/", add, few=3, many=297)


@pytest.mark.parametrize("url", ["/workflow/done/", "/workflow/mine/", "/"])
def test_other_lists_query_count_is_fixed(client, login, make_topic, demo_user, url):
    login("zonghe_staff" if url == "/workflow/done/" else "gongcheng_head")

    def add(n):
        for _ in range(n):
            topic = submitted_topic(make_topic, demo_user)
            services.approval_transition(
                approval=topic.approval,
                action=Action.APPROVE,
                acting_user=demo_user("zonghe_staff"),
            )

    assert_constant_queries(client, url, add, few=2, many=25)


def test_approval_page_is_404_for_another_unit(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    for username in ("dongyuan_head", "zhujiajiao", "member"):
        login(username)
        assert client.get(f"/workflow/{topic.approval.pk}/").status_code == 404
        assert client.get(f"/workflow/{topic.approval.pk}/sheet.pdf").status_code == 404
        response = client.post(
            f"/workflow/{topic.approval.pk}/decide/",
            {"decision": "approve", "expected_step": "screening"},
        )
        assert response.status_code == 404
    login("gongcheng_head")
    assert client.get(f"/workflow/{topic.approval.pk}/").status_code == 200


def test_decision_through_the_page(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    login("zonghe_staff")
    page = client.get(f"/workflow/{topic.approval.pk}/").content.decode()
    assert 'data-testid="decision-form"' in page
    response = client.post(
        f"/workflow/{topic.approval.pk}/decide/",
        {
            "decision": "approve",
            "opinion": "同意推荐。",
            "expected_step": "screening",
            "return_to": "submitter",
        },
        follow=True,
    )
    assert "已同意" in response.content.decode()
    topic.approval.refresh_from_db()
    assert topic.approval.step.code == "final"


def test_crafted_post_cannot_skip_a_step(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    login("office_leader")
    response = client.post(
        f"/workflow/{topic.approval.pk}/decide/",
        {"decision": "approve", "opinion": "同意", "expected_step": "final"},
        follow=True,
    )
    assert response.status_code == 200
    assert "已不在您打开时的环节" in response.content.decode()
    topic.approval.refresh_from_db()
    assert topic.approval.step.code == "screening"


def test_double_click_makes_one_transition(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    login("zonghe_staff")
    data = {"decision": "approve", "opinion": "同意", "expected_step": "screening"}
    client.post(f"/workflow/{topic.approval.pk}/decide/", data)
    second = client.post(f"/workflow/{topic.approval.pk}/decide/", data, follow=True)
    assert "无需审批" in second.content.decode() or "已不在" in second.content.decode()
    assert topic.approval.opinions.filter(action=Action.APPROVE).count() == 1


def test_submitter_sees_named_dated_opinions(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    services.approval_transition(
        approval=topic.approval,
        action=Action.APPROVE,
        acting_user=demo_user("zonghe_staff"),
        opinion="同意推荐。",
    )
    login("gongcheng_head")
    page = client.get(topic.get_absolute_url()).content.decode()
    assert page.count('data-testid="opinion-signature"') == 2
    assert "李静（综合科" in page and "同意推荐。" in page


def test_admin_change_page_shows_history_and_decides(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    login("zonghe_staff")
    url = f"/admin/lectures/topic/{topic.pk}/change/"
    page = client.get(url).content.decode()
    assert "审核中（综合科初评）" in page and 'data-testid="decision-form"' in page
    # The submitted topic is read-only: saving the change form is refused.
    assert client.post(url, {"title": "改题目"}).status_code == 403
    response = client.post(
        f"/admin/lectures/topic/{topic.pk}/decide/",
        {
            "decision": "return",
            "opinion": "请聚焦一个事件。",
            "expected_step": "screening",
            "return_to": "submitter",
        },
        follow=True,
    )
    assert "已退回修改" in response.content.decode()
    topic.approval.refresh_from_db()
    assert topic.approval.state == State.RETURNED


def test_admin_awaiting_me_filter(client, login, make_topic, demo_user):
    waiting = submitted_topic(make_topic, demo_user)
    draft = make_topic()
    login("zonghe_staff")
    page = client.get("/admin/lectures/topic/?wf_mine=1").content.decode()
    assert waiting.title in page and draft.title not in page


@pytest.fixture
def superuser(db):
    """A real, saved superuser: the one account the admin lets delete anything it may.

    Exempt from the second factor like the demo accounts (force_login cannot pass a TOTP step).
    """
    from qpdo.org.models import AccountSecurity

    user = get_user_model().objects.create_superuser(
        username="root_test", email="root@example.invalid", password="x-Unused-9"
    )
    AccountSecurity.objects.update_or_create(user=user, defaults={"demo_exempt": True})
    return user


def test_admin_cannot_delete_a_submitted_subject(client, superuser, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    assert topic.approval.state == State.IN_REVIEW
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/admin/lectures/topic/{topic.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Topic.objects.filter(pk=topic.pk).exists()
    topic.approval.refresh_from_db()
    assert topic.approval.state == State.IN_REVIEW


def test_admin_changelist_offers_no_delete_action(client, superuser, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/admin/lectures/topic/").content.decode()
    assert topic.title in page
    assert 'value="delete_selected"' not in page
    # Posting the action anyway (as a forged form would) deletes nothing.
    for data in (
        {"action": "delete_selected", "_selected_action": [topic.pk]},
        {"action": "delete_selected", "_selected_action": [topic.pk], "post": "yes"},
    ):
        client.post("/admin/lectures/topic/", data)
        assert Topic.objects.filter(pk=topic.pk).exists()


def test_admin_superuser_may_delete_a_draft(client, superuser, make_topic):
    """The guard is about submitted subjects: the same superuser deletes a draft."""
    draft = make_topic()
    assert draft.approval.state == State.DRAFT
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/admin/lectures/topic/{draft.pk}/delete/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Topic.objects.filter(pk=draft.pk).exists()


def test_section_head_has_no_admin(client, login):
    login("gongcheng_head")
    assert client.get("/admin/lectures/topic/").status_code == 302


def test_approval_sheet_pdf_has_names_and_dates(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    services.approval_transition(
        approval=topic.approval,
        action=Action.APPROVE,
        acting_user=demo_user("zonghe_staff"),
        opinion="同意推荐。",
    )
    login("gongcheng_head")
    response = client.get(f"/workflow/{topic.approval.pk}/sheet.pdf")
    assert response["Content-Type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(response.content)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    for expected in (
        "审批单",
        "科室推荐",
        "综合科初评",
        "办领导审定",
        "张卫东",
        "李静",
        "同意推荐。",
        topic.title,
    ):
        assert expected in text, expected
    assert "年" in text and "月" in text


def test_admin_index_shows_the_approvers_todo(client, login, make_topic, demo_user):
    topic = submitted_topic(make_topic, demo_user)
    login("zonghe_staff")
    page = client.get("/admin/").content.decode()
    assert "我的待办（1）" in page
    assert f"/admin/lectures/topic/{topic.pk}/change/" in page
    inbox = client.get("/workflow/todo/").content.decode()
    assert "在管理后台办理" in inbox


def test_done_total_is_counted_again_only_after_the_reviewers_own_decisions(make_topic, demo_user):
    """已办's total is kept under the reviewer's own decisions: another person's write (which
    bumps the data version) does not make it be counted again; their own decision does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qpdo.workflow.selectors import done_for
    from qpdo.workflow.services import notify

    reviewer = demo_user("zonghe_staff")

    def decided(topic):
        services.approval_transition(
            approval=topic.approval, action=Action.APPROVE, acting_user=reviewer
        )

    decided(submitted_topic(make_topic, demo_user))
    assert done_for(user=reviewer).count() == 1
    notify([demo_user("gongcheng_head")], title="别人的消息")  # a write elsewhere
    with CaptureQueriesContext(connection) as queries:
        assert done_for(user=reviewer).count() == 1
    assert len(queries) == 0
    second = submitted_topic(make_topic, demo_user)
    decided(second)
    assert done_for(user=reviewer).count() == 2
