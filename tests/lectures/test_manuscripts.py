"""Manuscripts: the five parts, 12–15 minutes, attachments by content, versions, the chain."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lectures import services
from lectures.models import ManuscriptVersion
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from tests.lectures.conftest import MANUSCRIPT_TEXT
from tests.utils import assert_move_audited, assert_refusal_audited, audit_mark


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
        b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def test_manuscript_only_for_approved_topics(make_topic, demo_user):
    topic = make_topic()
    with pytest.raises(Refused):
        services.manuscript_save(
            acting_user=demo_user("gongcheng_head"), topic=topic, **MANUSCRIPT_TEXT
        )


def test_speaker_writes_head_reviews_coordinator_receives(approved_topic, demo_user):
    topic = approved_topic()
    speaker = demo_user("member")  # 刘洋
    manuscript = services.manuscript_save(acting_user=speaker, topic=topic, **MANUSCRIPT_TEXT)
    services.manuscript_submit(acting_user=speaker, manuscript=manuscript)
    manuscript.approval.refresh_from_db()
    assert manuscript.approval.step.label == "科室负责人审核"
    with pytest.raises(workflow.TransitionRefused):  # another section's head
        workflow.approval_transition(
            approval=manuscript.approval,
            action=Action.APPROVE,
            acting_user=demo_user("dongyuan_head"),
        )
    workflow.approval_transition(
        approval=manuscript.approval, action=Action.APPROVE, acting_user=demo_user("gongcheng_head")
    )
    approval = workflow.approval_transition(
        approval=manuscript.approval, action=Action.APPROVE, acting_user=demo_user("zonghe_staff")
    )
    assert approval.state == State.APPROVED


@pytest.mark.parametrize("minutes", [11, 16])
def test_length_outside_12_to_15_minutes_refused(approved_topic, demo_user, minutes):
    topic = approved_topic()
    with pytest.raises(ValidationError) as error:
        services.manuscript_save(
            acting_user=demo_user("member"),
            topic=topic,
            **{**MANUSCRIPT_TEXT, "planned_minutes": minutes},
        )
    assert "planned_minutes" in error.value.message_dict
    assert not ManuscriptVersion.objects.filter(manuscript__topic=topic).exists()


def test_incomplete_manuscript_cannot_be_submitted(approved_topic, demo_user):
    topic = approved_topic()
    manuscript = services.manuscript_save(
        acting_user=demo_user("member"),
        topic=topic,
        **{**MANUSCRIPT_TEXT, "planning": "", "results": ""},
    )
    with pytest.raises(workflow.TransitionRefused, match=r"筹划与部署.*成效与体会"):
        services.manuscript_submit(acting_user=demo_user("member"), manuscript=manuscript)
    manuscript.approval.refresh_from_db()
    assert manuscript.approval.state == State.DRAFT


def test_resubmission_keeps_the_earlier_version(approved_topic, demo_user, client, login):
    topic = approved_topic()
    speaker = demo_user("member")
    manuscript = services.manuscript_save(acting_user=speaker, topic=topic, **MANUSCRIPT_TEXT)
    services.manuscript_submit(acting_user=speaker, manuscript=manuscript)
    with pytest.raises(workflow.TransitionRefused):
        services.manuscript_save(acting_user=speaker, topic=topic, **MANUSCRIPT_TEXT)
    workflow.approval_transition(
        approval=manuscript.approval,
        action=Action.RETURN,
        acting_user=demo_user("gongcheng_head"),
        opinion="请补充数据。",
    )
    services.manuscript_save(
        acting_user=speaker,
        topic=topic,
        **{**MANUSCRIPT_TEXT, "results": "成效：时间缩短一半。"},
    )
    services.manuscript_submit(acting_user=speaker, manuscript=manuscript)
    versions = list(manuscript.versions.order_by("number"))
    assert [(v.number, v.results, v.is_sealed) for v in versions] == [
        (1, "成效", True),
        (2, "成效：时间缩短一半。", True),
    ]
    login("gongcheng_head")
    page = client.get(f"/lectures/manuscripts/{manuscript.pk}/compare/").content.decode()
    assert "第 1 稿" in page and "第 2 稿" in page and "成效：时间缩短一半。" in page
    assert "有修改" in page


def test_attachment_checked_by_content():
    fake = SimpleUploadedFile("slides.pptx", b"just some text, not a presentation")
    from lectures.models import SLIDES_VALIDATOR

    with pytest.raises(ValidationError, match="文件内容与扩展名不符"):
        SLIDES_VALIDATOR(fake)


def test_manuscript_form_refuses_bad_file_and_accepts_pdf(approved_topic, client, login):
    topic = approved_topic()
    login("member")
    bad = SimpleUploadedFile("slides.pdf", b"<html>not a pdf</html>")
    response = client.post(
        f"/lectures/topics/{topic.pk}/manuscript/", {**MANUSCRIPT_TEXT, "slides": bad, "save": "1"}
    )
    assert response.status_code == 200
    assert "文件内容与扩展名不符" in response.content.decode()
    assert "允许 PPT/PPTX（不超过 100 MB）、PDF（不超过 50 MB）" in response.content.decode()
    good = SimpleUploadedFile("演示.pdf", pdf_bytes())
    response = client.post(
        f"/lectures/topics/{topic.pk}/manuscript/",
        {**MANUSCRIPT_TEXT, "slides": good, "save": "1"},
        follow=True,
    )
    assert "讲述稿已保存" in response.content.decode()
    version = ManuscriptVersion.objects.get(manuscript__topic=topic)
    assert version.slides_name == "演示.pdf"
    url = f"/lectures/manuscripts/{version.manuscript_id}/v1/slides/"
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    login("dongyuan_head")
    assert client.get(url).status_code == 404
    assert client.get(f"/lectures/manuscripts/{version.manuscript_id}/").status_code == 404


def test_manuscript_after_may_is_not_late(approved_topic, demo_user, client, login):
    """5月底开始交稿 is the START of hand-in: a manuscript first sent in June is on time."""
    topic = approved_topic()
    speaker = demo_user("member")
    with clock.frozen(clock.at(2024, 6, 20)):
        manuscript = services.manuscript_save(acting_user=speaker, topic=topic, **MANUSCRIPT_TEXT)
        services.manuscript_submit(acting_user=speaker, manuscript=manuscript)
    login("gongcheng_head")
    page = client.get(f"/lectures/manuscripts/{manuscript.pk}/").content.decode()
    assert 'data-testid="late"' not in page
    assert "2024年5月31日起至2024年9月30日" in page


def test_manuscript_after_september_is_flagged(approved_topic, demo_user, client, login):
    """The writing period ends with September (组织撰写5—9月, the stored key date)."""
    topic = approved_topic()
    speaker = demo_user("member")
    with clock.frozen(clock.at(2024, 10, 8)):
        manuscript = services.manuscript_save(acting_user=speaker, topic=topic, **MANUSCRIPT_TEXT)
        services.manuscript_submit(acting_user=speaker, manuscript=manuscript)
    login("gongcheng_head")
    page = client.get(f"/lectures/manuscripts/{manuscript.pk}/").content.decode()
    assert 'data-testid="late"' in page


def test_manuscript_form_shows_due_date(approved_topic, client, login):
    topic = approved_topic()
    login("member")
    page = client.get(f"/lectures/topics/{topic.pk}/manuscript/").content.decode()
    assert "交稿时间：2024年5月31日起" in page


MANUSCRIPT_ACTORS = {"section_review": {"gongcheng_head"}, "received": {"zonghe_staff"}}
CHAIN_USERS = [
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
]


def submitted_manuscript(approved_topic, demo_user, step_code):
    """A manuscript by 刘洋 (member), submitted and driven to `step_code`."""
    manuscript = services.manuscript_save(
        acting_user=demo_user("member"), topic=approved_topic(), **MANUSCRIPT_TEXT
    )
    services.manuscript_submit(acting_user=demo_user("member"), manuscript=manuscript)
    approval = manuscript.approval
    approval.refresh_from_db()
    if step_code == "received":
        approval = workflow.approval_transition(
            approval=approval, action=Action.APPROVE, acting_user=demo_user("gongcheng_head")
        )
    assert approval.step.code == step_code
    return manuscript, approval


@pytest.mark.parametrize("username", CHAIN_USERS)
@pytest.mark.parametrize("decision", [Action.APPROVE, Action.RETURN, Action.REJECT], ids=str)
@pytest.mark.parametrize("step_code", list(MANUSCRIPT_ACTORS))
def test_manuscript_chain_table(approved_topic, demo_user, step_code, decision, username):
    """Role × step × decision for 讲述人提交 → 科室负责人审核 → 综合科收稿."""
    from qpdo.workflow import rules
    from qpdo.workflow.models import Opinion

    manuscript, approval = submitted_manuscript(approved_topic, demo_user, step_code)
    user = demo_user(username)
    allowed = username in MANUSCRIPT_ACTORS[step_code]
    assert (rules.refusal_to_decide(user, approval) is None) == allowed
    opinions = Opinion.objects.filter(approval=approval).count()
    mark = audit_mark()
    if not allowed:
        with pytest.raises(workflow.TransitionRefused):
            workflow.approval_transition(
                approval=approval,
                action=decision,
                acting_user=user,
                opinion="意见",
                expected_step=step_code,
            )
        approval.refresh_from_db()
        assert (approval.state, approval.step.code) == (State.IN_REVIEW, step_code)
        assert Opinion.objects.filter(approval=approval).count() == opinions
        assert_refusal_audited(mark, actor=user, decision=decision)
        return
    workflow.approval_transition(
        approval=approval,
        action=decision,
        acting_user=user,
        opinion="意见",
        expected_step=step_code,
    )
    approval.refresh_from_db()
    expected_state = {
        Action.APPROVE: State.APPROVED if step_code == "received" else State.IN_REVIEW,
        Action.RETURN: State.RETURNED,
        Action.REJECT: State.REJECTED,
    }[decision]
    assert approval.state == expected_state
    if expected_state == State.IN_REVIEW:
        assert approval.step.code == "received"  # 科室负责人审核 passes it to 综合科收稿
    assert Opinion.objects.filter(approval=approval).count() == opinions + 1
    opinion = Opinion.objects.filter(approval=approval).latest("id")
    assert (opinion.actor_id, opinion.action, opinion.step_code, opinion.text) == (
        user.pk,
        decision,
        step_code,
        "意见",
    )
    assert_move_audited(
        mark,
        actor=user,
        subject=manuscript,
        decision=decision,
        state_label=approval.state_label,
    )
