"""Who may do what in 岗位之星, as tables over every demo sign-in."""

from __future__ import annotations

import pytest

from stars import rules
from stars.models import Post

ALL_USERS = [
    "zonghe_head",
    "gongcheng_head",
    "dongyuan_head",
    "baozhang_head",
    "zonghe_staff",
    "member",
    "office_leader",
    "party_branch",
    "party_group",
    "outreach_reviewer",
    "zhujiajiao",
    "jiaoyuju",
    "sysadmin",
    "secadmin",
    "auditor",
]
SECTION_HEADS = {"zonghe_head", "gongcheng_head", "dongyuan_head", "baozhang_head"}


@pytest.mark.parametrize("username", ALL_USERS)
def test_may_nominate_table(demo_user, username):
    assert rules.may_nominate(demo_user(username)) == (username in SECTION_HEADS)


@pytest.mark.parametrize("username", ALL_USERS)
def test_may_select_and_see_selection_table(demo_user, username):
    user = demo_user(username)
    assert rules.may_select(user) == (username == "party_group")
    assert rules.may_see_selection(user) == (
        username in {"party_group", "party_branch", "office_leader"}
    )
    assert rules.may_edit_citation(user) == (username in {"party_group", "party_branch"})


# post → who files its plan (the responsible unit's head; the branch for 基层党建)
PLAN_FILERS = {
    "组织指挥": {"gongcheng_head"},
    "潜力调查": {"dongyuan_head"},
    "通信警报": {"baozhang_head"},
    "文秘宣传": {"zonghe_head"},
    "基层党建": {"party_branch"},
}


@pytest.mark.parametrize("post_name", list(PLAN_FILERS))
@pytest.mark.parametrize("username", ALL_USERS)
def test_may_file_plan_table(demo_user, campaign, username, post_name):
    post = Post.objects.get(campaign=campaign, name=post_name)
    assert rules.may_file_plan(demo_user(username), post) == (username in PLAN_FILERS[post_name])


def test_predicates_answer_false_without_an_object(demo_user):
    head = demo_user("baozhang_head")
    assert not rules.may_file_plan(head, None)
    assert not rules.may_edit_plan(head, None)
    assert not rules.may_edit_nomination(head, None)
    assert not rules.may_delete_nomination(head, None)
    assert not rules.is_scorable(None)
    assert not rules.is_selectable(None)
    assert not rules.may_score(demo_user("party_group"), None, None)


@pytest.mark.parametrize("username", ALL_USERS)
def test_may_edit_nomination_table(make_nomination, demo_user, username):
    nomination = make_nomination("baozhang_head")
    assert rules.may_edit_nomination(demo_user(username), nomination) == (
        username == "baozhang_head"
    )
