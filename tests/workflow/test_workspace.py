"""The approvers' workspace: every 待办 link leads where the user can act, messages are
handled once the item is decided, the submitter's 待办 holds what came back, and after a
decision the approver goes straight on to the next item."""

from __future__ import annotations

import pytest
from django.test import override_settings

from lectures import services as lectures
from qpdo.org import clock
from qpdo.workflow import selectors, services
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import CommonOpinion, Notification
from tests.lectures.conftest import MANUSCRIPT_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def october_2024():
    with clock.frozen(clock.at(2024, 10, 15)):
        yield


def manuscript_at_reception(approved_topic, demo_user):
    topic = approved_topic()
    speaker = demo_user("member")
    manuscript = lectures.manuscript_save(acting_user=speaker, topic=topic, **MANUSCRIPT_TEXT)
    lectures.manuscript_submit(acting_user=speaker, manuscript=manuscript)
    services.approval_transition(
        approval=manuscript.approval, action=Action.APPROVE, acting_user=demo_user("gongcheng_head")
    )
    manuscript.approval.refresh_from_db()
    return manuscript


def test_coordinator_receives_a_manuscript_in_the_admin(
    client,
    login,
    approved_topic,
    demo_user,
):
    manuscript = manuscript_at_reception(approved_topic, demo_user)
    login("zonghe_staff")
    index = client.get("/admin/").content.decode()
    url = f"/admin/lectures/manuscript/{manuscript.pk}/change/"
    assert url in index
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="decision-form"' in page.content.decode()
    assert "背景与思考" in page.content.decode()
    response = client.post(
        f"/admin/lectures/manuscript/{manuscript.pk}/decide/",
        {"expected_step": "received", "decision": "approve", "opinion": "已收稿。"},
    )
    assert response.status_code == 302
    manuscript.approval.refresh_from_db()
    assert manuscript.approval.state == State.APPROVED


def test_todo_links_open_only_where_the_user_can_act(
    client,
    login,
    approved_topic,
    demo_user,
):
    manuscript = manuscript_at_reception(approved_topic, demo_user)
    coordinator = demo_user("zonghe_staff")
    assert selectors.subject_admin_url(manuscript.approval, coordinator).endswith(
        f"/manuscript/{manuscript.pk}/change/"
    )
    # A section head has no admin: their 待办 links to the portal's 审批单.
    assert selectors.subject_admin_url(manuscript.approval, demo_user("gongcheng_head")) == ""


def test_task_messages_are_handled_once_decided(
    make_nomination,
    advance,
    demo_user,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = advance(make_nomination("baozhang_head"), to="branch")
    branch = demo_user("party_branch")
    waiting = Notification.objects.get(recipient=branch, approval=nomination.approval)
    assert waiting.is_task and waiting.read_at is None
    assert selectors.badge_counts_for(user=branch)["unread"] == 1
    services.approval_decide(
        subject=nomination, acting_user=branch, decision=Action.APPROVE, opinion="同意推荐。"
    )
    waiting.refresh_from_db()
    assert waiting.read_at is not None
    assert selectors.badge_counts_for(user=branch)["unread"] == 0


def test_returned_item_is_in_the_submitters_todo(make_nomination, advance, demo_user):
    nomination = advance(make_nomination("baozhang_head"), to="branch")
    head = demo_user("baozhang_head")
    assert nomination.approval not in selectors.todo_for(user=head)
    services.approval_decide(
        subject=nomination,
        acting_user=demo_user("party_branch"),
        decision=Action.RETURN,
        opinion="事迹材料需进一步充实。",
    )
    assert list(selectors.todo_for(user=head)) == [nomination.approval]
    assert selectors.badge_counts_for(user=head)["todo"] == 1


def test_draft_near_its_deadline_is_in_the_authors_todo(make_nomination, demo_user):
    with clock.frozen(clock.at(2024, 9, 1)):
        draft = make_nomination("baozhang_head")
        head = demo_user("baozhang_head")
        assert draft.approval.submit_due_on is not None
        assert list(selectors.todo_for(user=head)) == []
    with clock.frozen(clock.at(2024, 10, 15)):
        assert list(selectors.todo_for(user=head)) == [draft.approval]
        assert selectors.flag_for(draft.approval).value in ("amber", "green")


def test_admin_decision_goes_on_to_the_next_item(
    client,
    login,
    make_nomination,
    advance,
    demo_user,
):
    first = advance(make_nomination("baozhang_head"), to="branch")
    second = advance(make_nomination("gongcheng_head"), to="branch")
    login("party_branch")
    following = selectors.next_waiting_for(user=demo_user("party_branch"), after=first.approval)
    response = client.post(
        f"/admin/stars/nomination/{first.pk}/decide/",
        {"expected_step": "branch", "decision": "approve", "opinion": "同意推荐。"},
        follow=True,
    )
    assert following.pk == second.approval.pk
    assert response.redirect_chain[-1][0] == f"/admin/stars/nomination/{second.pk}/change/"
    assert f"已同意：{first.approval.title}" in response.content.decode()
    response = client.post(
        f"/admin/stars/nomination/{second.pk}/decide/",
        {"expected_step": "branch", "decision": "approve", "opinion": "同意推荐。"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "待办已全部办完" in response.content.decode()


def test_changelist_opens_on_awaiting_me_with_due_column(
    client,
    login,
    make_nomination,
    advance,
):
    advance(make_nomination("baozhang_head"), to="branch")
    login("party_branch")
    response = client.get("/admin/stars/nomination/")
    assert response.status_code == 302 and response.url.endswith("?wf_mine=1")
    page = client.get(response.url).content.decode()
    for column in ("事项", "单位", "所处环节", "期限", "提交时间"):
        assert column in page
    assert "icon-no.svg" not in page and "以 " not in page


def test_batch_approve_plans_each_through_the_engine(client, login, demo_user, campaign, post):
    from stars import services as stars
    from tests.stars.test_plans import PLAN

    plans = []
    for username, name in (("baozhang_head", "通信警报"), ("gongcheng_head", "组织指挥")):
        user = demo_user(username)
        plan = stars.plan_create(
            acting_user=user,
            post=post(name),
            **PLAN,
        )
        stars.plan_submit(acting_user=user, plan=plan)
        plans.append(plan)
    login("party_branch")
    response = client.post(
        "/admin/stars/cultivationplan/?wf_mine=1",
        {
            "action": "batch_approve",
            "_selected_action": [p.pk for p in plans],
            "opinion": "同意实施。",
            "apply": "1",
        },
        follow=True,
    )
    assert "已同意 2 项" in response.content.decode()
    for plan in plans:
        plan.approval.refresh_from_db()
        assert plan.approval.state == State.APPROVED


def test_common_opinions_offered_at_their_step(client, login, make_nomination, advance):
    nomination = advance(make_nomination("baozhang_head"), to="branch")
    CommonOpinion.objects.create(
        chain_code="stars.nomination", step_code="branch", text="同意，建议进一步提炼事迹。"
    )
    login("party_branch")
    page = client.get(f"/admin/stars/nomination/{nomination.pk}/change/").content.decode()
    assert "同意，建议进一步提炼事迹。" in page
    assert 'data-testid="signature-preview"' in page and "蒋丽华" in page


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/no-such-page/", 404, "未找到该页面"),
        ("/workflow/999999/", 404, "未找到该事项"),
        ("/admin/auth/group/", 403, "您没有权限访问该页面"),
    ],
)
def test_error_pages_are_chinese_without_debug(client, login, path, status, text):
    login("party_branch")
    response = client.get(path)
    assert response.status_code == status
    page = response.content.decode()
    assert text in page and "返回工作台" in page and "Forbidden" not in page


@override_settings(DEBUG=False)
def test_server_error_page_is_chinese():
    from django.test import RequestFactory

    from qpdo.errors import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "系统暂时出错" in response.content.decode()
