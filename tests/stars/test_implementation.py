"""组织实施 (5–9月): activities under the plans and the 机关党支部's 督查 — services, who records
and who reads (tables), the pages (404 outside scope, fixed statement count)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qpdo.org import clock
from qpdo.org.models import AuditRecord, Unit
from stars import selectors, services
from stars.enums import ActivityKind
from stars.models import ActivityEvidence, ImplementationActivity, SupervisionVisit

from .conftest import pdf_upload, photo_upload
from .test_plans import PLAN

JUNE = datetime.date(2024, 6, 18)


def activity_data(**overrides) -> dict:
    data = {
        "held_on": JUNE,
        "kind": ActivityKind.PRACTICE,
        "title": "警报器维护保养实操",
        "people": "胡晓琳、林涛",
        "headcount": 2,
        "summary": "对辖区警报器逐台开展维护保养和试鸣检测，排除故障2处。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def filed_plan(demo_user, post):
    """Return a section's plan, submitted to the 机关党支部: filed_plan("通信警报")."""

    def make(post_name: str = "通信警报", *, submit: bool = True):
        from stars.models import CultivationPlan

        the_post = post(post_name)
        head = demo_user(
            "party_branch" if the_post.unit.code == "party_branch" else f"{the_post.unit.code}_head"
        )
        with clock.frozen(clock.at(2024, 4, 20)):
            plan = services.plan_create(acting_user=head, post=the_post, **PLAN)
            if submit:
                services.plan_submit(acting_user=head, plan=plan)
        return CultivationPlan.objects.select_related("approval", "post", "unit").get(pk=plan.pk)

    return make


@pytest.fixture
def record_activity(demo_user):
    def record(plan, username: str | None = None, files=(), **overrides):
        user = demo_user(username or f"{plan.unit.code}_head")
        return services.activity_record(
            acting_user=user, plan=plan, files=list(files), **activity_data(**overrides)
        )

    return record


@pytest.fixture
def record_visit(demo_user):
    def record(unit_code: str = "baozhang", plan=None, **overrides):
        data = {
            "unit": Unit.objects.get(code=unit_code),
            "plan": plan,
            "visited_on": datetime.date(2024, 8, 8),
            "findings": "实操活动佐证材料齐全；个别同志对控制终端操作不熟练。",
            "follow_up_required": True,
            "follow_up_request": "组织一次控制终端专项练习。",
            "follow_up_due": datetime.date(2024, 9, 30),
        }
        data.update(overrides)
        return services.visit_record(
            acting_user=demo_user("party_branch"),
            campaign=plan.campaign if plan else _campaign(),
            **data,
        )

    return record


def _campaign():
    from campaigns.models import Campaign

    return Campaign.objects.get(year=2024)


# Activities ------------------------------------------------------------------------------------


def test_section_head_records_an_activity_with_a_photo_and_a_file(filed_plan, record_activity):
    plan = filed_plan()
    activity = record_activity(plan, files=[photo_upload("实操.jpg"), pdf_upload("记录.pdf")])
    assert (activity.unit.code, activity.plan_id, activity.kind) == (
        "baozhang",
        plan.pk,
        "practice",
    )
    assert activity.recorded_by_name == "徐明"
    evidence = list(activity.evidence.order_by("id"))
    assert [(e.original_name, e.is_photo) for e in evidence] == [
        ("实操.jpg", True),
        ("记录.pdf", False),
    ]
    record = AuditRecord.objects.filter(object_id=str(activity.pk)).latest("id")
    assert record.detail == (
        "登记“通信警报”岗位组织实施活动：2024年6月18日 实操：警报器维护保养实操（佐证材料2个）"
    )


def test_activity_evidence_goes_through_the_checked_upload(filed_plan, record_activity):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("照片.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        record_activity(filed_plan(), files=[fake])
    assert not ImplementationActivity.objects.exists()
    assert not ActivityEvidence.objects.exists()


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("baozhang_head", True),  # the section responsible for the post
        ("gongcheng_head", False),
        ("party_branch", False),  # reads all, records its own post's only
        ("party_group", False),
        ("office_leader", False),
        ("member", False),
    ],
)
def test_who_records_an_activity_under_a_plan(filed_plan, record_activity, username, allowed):
    plan = filed_plan()
    if allowed:
        assert record_activity(plan, username).pk
    else:
        with pytest.raises(PermissionDenied, match="由民防管理保障中心负责人在计划提交后登记"):
            record_activity(plan, username)


def test_party_branch_records_activities_of_its_own_post(filed_plan, record_activity):
    plan = filed_plan("基层党建")
    assert record_activity(plan, "party_branch").unit.code == "party_branch"


def test_no_activity_under_a_plan_not_yet_submitted(filed_plan, record_activity):
    with pytest.raises(PermissionDenied):
        record_activity(filed_plan(submit=False))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_on": None}, "held_on", "请填写开展日期。"),
        ({"held_on": datetime.date(2023, 6, 1)}, "held_on", "开展日期须在2024年内。"),
        ({"held_on": datetime.date(2024, 11, 1)}, "held_on", "开展日期不能晚于今天。"),
        ({"kind": "party"}, "kind", "请选择活动类型（培训、学习、实操、风采展示）。"),
        ({"title": " "}, "title", "请填写活动名称。"),
        ({"people": ""}, "people", "请填写参加人员。"),
        ({"summary": ""}, "summary", "请填写活动情况。"),
    ],
)
def test_activity_input_is_checked(filed_plan, record_activity, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        record_activity(filed_plan(), **overrides)
    assert error.value.message_dict[field] == [message]


READS_ALL = {"party_branch", "party_group", "office_leader"}


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("baozhang_head", {"通信警报"}),
        ("gongcheng_head", {"组织指挥"}),
        ("dongyuan_head", set()),
        ("party_branch", {"通信警报", "组织指挥"}),
        ("party_group", {"通信警报", "组织指挥"}),
        ("office_leader", {"通信警报", "组织指挥"}),
        ("member", set()),
        ("zonghe_staff", set()),
        ("outreach_reviewer", set()),
        ("zhujiajiao", set()),
    ],
)
def test_who_reads_activities_and_visits(
    filed_plan, record_activity, record_visit, demo_user, username, sees
):
    alarm, command = filed_plan("通信警报"), filed_plan("组织指挥")
    record_activity(alarm)
    record_activity(command, title="指挥所开设实操")
    record_visit("baozhang", alarm)
    record_visit("gongcheng", command)
    user = demo_user(username)
    seen = {a.plan.post.name for a in selectors.activity_list_for(user=user)}
    assert seen == sees
    visited = {v.plan.post.name for v in selectors.visit_list_for(user=user)}
    assert visited == sees


def test_activity_is_deleted_by_its_section_only(filed_plan, record_activity, demo_user):
    activity = record_activity(filed_plan(), files=[photo_upload()])
    with pytest.raises(PermissionDenied):
        services.activity_delete(acting_user=demo_user("party_branch"), activity=activity)
    services.activity_delete(acting_user=demo_user("baozhang_head"), activity=activity)
    assert not ImplementationActivity.objects.exists() and not ActivityEvidence.objects.exists()


# 督查 ------------------------------------------------------------------------------------------


def test_party_branch_records_a_visit_and_the_section_its_follow_up(
    filed_plan, record_visit, demo_user
):
    plan = filed_plan()
    visit = record_visit("baozhang", plan)
    assert visit.follow_up_open and visit.follow_up_label == "待整改"
    with pytest.raises(PermissionDenied):  # another section
        services.visit_follow_up_record(
            acting_user=demo_user("gongcheng_head"),
            visit=visit,
            done_on=datetime.date(2024, 9, 12),
            note="已练习。",
        )
    with pytest.raises(ValidationError, match="整改完成日期不能早于督查日期"):
        services.visit_follow_up_record(
            acting_user=demo_user("baozhang_head"),
            visit=visit,
            done_on=datetime.date(2024, 8, 1),
            note="已练习。",
        )
    visit = services.visit_follow_up_record(
        acting_user=demo_user("baozhang_head"),
        visit=visit,
        done_on=datetime.date(2024, 9, 12),
        note="9月10日组织专项练习，参训人员均能独立操作。",
    )
    assert visit.follow_up_label == "已整改（2024年9月12日）"
    assert visit.follow_up_by_name == "徐明"
    with pytest.raises(PermissionDenied, match="已登记"):
        services.visit_follow_up_record(
            acting_user=demo_user("party_branch"),
            visit=visit,
            done_on=datetime.date(2024, 9, 13),
            note="再次登记。",
        )
    details = list(
        AuditRecord.objects.filter(object_id=str(visit.pk), object_type="stars.SupervisionVisit")
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == [
        "登记培树工作督查：2024年8月8日 督查管理保障中心（需整改跟进）",
        "登记督查整改情况：2024年8月8日 督查管理保障中心（2024年9月12日完成）",
    ]


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("party_branch", True),
        ("party_group", False),
        ("office_leader", False),
        ("baozhang_head", False),
        ("zonghe_head", False),
    ],
)
def test_only_the_party_branch_records_visits(demo_user, username, allowed):
    data = {
        "unit": Unit.objects.get(code="baozhang"),
        "visited_on": datetime.date(2024, 8, 8),
        "findings": "按计划推进。",
    }
    if allowed:
        visit = services.visit_record(acting_user=demo_user(username), campaign=_campaign(), **data)
        assert not visit.follow_up_required and visit.follow_up_label == "无需整改"
    else:
        with pytest.raises(PermissionDenied, match="由机关党支部登记"):
            services.visit_record(acting_user=demo_user(username), campaign=_campaign(), **data)


def test_visit_input_is_checked(filed_plan, demo_user):
    plan = filed_plan()
    branch = demo_user("party_branch")
    with pytest.raises(ValidationError) as error:
        services.visit_record(
            acting_user=branch,
            campaign=_campaign(),
            unit=Unit.objects.get(code="gongcheng"),
            plan=plan,  # 管理保障中心's plan
            visited_on=datetime.date(2024, 8, 8),
            findings="",
            follow_up_required=True,
            follow_up_request="",
        )
    assert error.value.message_dict == {
        "unit": ["所选实施计划不是该科室的。"],
        "findings": ["请填写督查发现的情况。"],
        "follow_up_request": ["需要整改跟进的，请填写整改要求。"],
    }
    with pytest.raises(ValidationError) as error:
        services.visit_record(
            acting_user=branch,
            campaign=_campaign(),
            unit=Unit.objects.get(code="xiayang"),
            visited_on=datetime.date(2024, 8, 8),
            findings="—",
        )
    assert error.value.message_dict == {"unit": ["被督查科室须是负责培树岗位的科室。"]}


# Pages -----------------------------------------------------------------------------------------


def test_activity_pages_answer_404_outside_the_section(client, login, filed_plan, record_activity):
    activity = record_activity(filed_plan(), files=[photo_upload("现场.jpg")])
    evidence = activity.evidence.get()
    detail = f"/stars/activities/{activity.pk}/"
    file_url = f"/stars/activities/{activity.pk}/files/{evidence.pk}/"
    login("gongcheng_head")
    assert client.get(detail).status_code == 404
    assert client.get(file_url).status_code == 404
    login("party_branch")
    page = client.get(detail)
    assert page.status_code == 200
    assert "警报器维护保养实操" in page.content.decode() and "现场.jpg" in page.content.decode()
    assert client.get(file_url)["Content-Type"] == "image/jpeg"
    assert client.post(f"/stars/activities/{activity.pk}/delete/").status_code == 302
    assert ImplementationActivity.objects.filter(pk=activity.pk).exists()  # refused, kept


def test_activity_form_records_under_the_plan(client, login, filed_plan):
    plan = filed_plan()
    login("baozhang_head")
    url = f"/stars/activities/new/?year=2024&plan={plan.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "held_on": "2024-06-18",
            "kind": "training",
            "title": "警报控制终端操作培训",
            "people": "胡晓琳、林涛",
            "headcount": "2",
            "summary": "讲解控制终端的操作流程。",
            "files": [photo_upload()],
        },
    )
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "警报控制终端操作培训" in page and "佐证 1 个" in page
    login("gongcheng_head")
    assert client.get(url).status_code == 404  # another section's plan is not found


def test_visit_pages_for_the_branch_and_the_section(client, login, filed_plan):
    plan = filed_plan()
    login("party_branch")
    response = client.post(
        "/stars/visits/new/?year=2024",
        {
            "visited_on": "2024-08-08",
            "unit": plan.unit_id,
            "plan": plan.pk,
            "findings": "佐证材料齐全。",
            "follow_up_required": "on",
            "follow_up_request": "补充一次专项练习。",
            "follow_up_due": "2024-09-30",
        },
    )
    visit = SupervisionVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    login("baozhang_head")
    assert client.get("/stars/visits/new/?year=2024").status_code == 403
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "补充一次专项练习。" in page and 'data-testid="follow-up-form"' in page
    response = client.post(
        f"/stars/visits/{visit.pk}/follow-up/", {"done_on": "2024-09-12", "note": "已练习。"}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.follow_up_done_on == datetime.date(2024, 9, 12)
    login("gongcheng_head")
    assert client.get(visit.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("url", ["/stars/activities/?year=2024", "/stars/visits/?year=2024"])
def test_list_pages_run_a_fixed_number_of_statements(
    client, login, filed_plan, record_activity, record_visit, url, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = filed_plan()
    record_activity(plan, files=[photo_upload()])
    record_visit("baozhang", plan)
    login("party_branch")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(6):
        record_activity(plan, title=f"培训{n}", files=[photo_upload()])
        record_visit("baozhang", plan)
    with django_assert_max_num_queries(len(one)):
        page = client.get(url)
    assert page.status_code == 200


def test_dashboard_shows_open_follow_ups_to_the_section_and_the_branch(
    filed_plan, record_visit, demo_user
):
    from stars.dashboard import panel_context

    plan = filed_plan()
    record_visit("baozhang", plan)
    record_visit("baozhang", plan, follow_up_required=False)
    with clock.frozen(clock.at(2024, 10, 15)):
        assert panel_context(user=demo_user("baozhang_head"))["open_follow_ups"] == 1
        assert panel_context(user=demo_user("party_branch"))["open_follow_ups"] == 1
        assert panel_context(user=demo_user("gongcheng_head"))["open_follow_ups"] == 0
        assert panel_context(user=demo_user("party_group"))["open_follow_ups"] == 0
