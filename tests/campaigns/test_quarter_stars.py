"""The 季度之星 in the approvers' workspace: 办党组 decides in the admin; the admin's list
shows each user only the recommendations they may see."""

from __future__ import annotations

from campaigns import selectors, services
from qpdo.org import clock
from qpdo.org.models import Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State


def recommend(campaign, demo_user, username, name):
    with clock.frozen(clock.at(2024, 7, 1)):
        return services.quarter_star_recommend(
            acting_user=demo_user(username),
            campaign=campaign,
            quarter=2,
            staff=Staff.objects.get(name=name),
            deeds="带队完成28处工程现场踏勘。",
        )


def test_review_and_decision_in_the_admin(campaign, client, login, demo_user):
    star = recommend(campaign, demo_user, "gongcheng_head", "刘洋")
    url = f"/admin/campaigns/quarterstar/{star.pk}/"
    # 综合科's head reviews in the portal, from the 待办 (section heads do not use the admin).
    workflow.approval_decide(
        subject=star, acting_user=demo_user("zonghe_head"), decision=Action.APPROVE
    )
    login("party_group")
    page = client.get(url + "change/").content.decode()
    assert 'data-testid="decision-form"' in page and "带队完成28处工程现场踏勘" in page
    assert star.approval.title in client.get("/admin/").content.decode()
    response = client.post(
        url + "decide/",
        {"expected_step": "decide", "decision": "approve", "opinion": "评定为季度之星。"},
    )
    assert response.status_code == 302
    star.approval.refresh_from_db()
    assert star.approval.state == State.APPROVED
    listing = client.get("/campaigns/2024/quarter-stars/").content.decode()
    assert "刘洋" in listing and "办党组评定" in listing
    panel = selectors.panel_for(user=demo_user("member"), campaign=campaign, today=clock.today())
    assert [s.staff.name for s in panel["quarter_stars"]] == ["刘洋"]


def test_admin_list_is_scoped(campaign, demo_user):
    own = recommend(campaign, demo_user, "gongcheng_head", "刘洋")
    other = recommend(campaign, demo_user, "dongyuan_head", "许婷")
    seen = {
        username: set(selectors.quarter_star_list_for(user=demo_user(username)))
        for username in ("gongcheng_head", "zonghe_head", "party_group", "member", "zhujiajiao")
    }
    assert seen["gongcheng_head"] == {own}
    assert seen["zonghe_head"] == seen["party_group"] == {own, other}
    assert seen["member"] == seen["zhujiajiao"] == set()
