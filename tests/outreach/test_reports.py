"""Activity reports: what is refused, what the uploads become, and that nothing half-saves."""

from __future__ import annotations

import datetime
import io
import os
import resource
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

from outreach import services
from outreach.enums import MAX_PHOTOS, VIDEO, AttachmentKind, ReportKind
from outreach.models import Front, Report, ReportAttachment, ReportPhoto
from qpdo.errors import Refused
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import State
from tests.documents.conftest import image_bytes

from .conftest import MP4_BYTES, PDF_BYTES, jpeg_with_gps, upload


def media_files() -> set[str]:
    found = set()
    for folder, _, names in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(folder, name) for name in names)
    return found


def test_photos_are_cleaned_converted_and_thumbnailed(make_report, in_2024):
    heic = upload("IMG_0001.HEIC", image_bytes("HEIF", (80, 60)))
    png = upload("展板.png", image_bytes("PNG", (30, 20)))
    report = make_report("zhujiajiao", photos=[jpeg_with_gps("现场.jpg", (900, 600)), heic, png])
    photos = list(report.photos.order_by("order"))
    assert [p.original_name for p in photos] == ["现场.jpg", "IMG_0001.HEIC", "展板.png"]
    assert [p.image.name.rsplit(".", 1)[1] for p in photos] == ["jpg", "jpg", "png"]
    with photos[0].image.open("rb") as handle:
        image = Image.open(handle)
        assert image.format == "JPEG"
        assert not image.getexif()  # no GPS, no camera: no EXIF at all
    with photos[1].image.open("rb") as handle:
        assert Image.open(handle).format == "JPEG"  # HEIC became JPEG
    with photos[0].thumbnail.open("rb") as handle:
        thumbnail = Image.open(handle)
        assert max(thumbnail.size) <= 400 and thumbnail.format == "JPEG"


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("photos", {"photos": [upload("现场.jpg", PDF_BYTES)]}, "内容与扩展名不符"),
        ("photos", {"photos": [upload("现场.gif", b"GIF89a....")]}, "不支持的文件类型"),
        ("video", {"video": upload("活动.mp4", image_bytes("JPEG"))}, "内容与扩展名不符"),
        ("video", {"video": upload("活动.avi", MP4_BYTES)}, "不支持的文件类型"),
        (
            "documents",
            {"documents": [upload("新闻稿.pdf", b"<html>hi</html>")]},
            "内容与扩展名不符",
        ),
    ],
)
def test_uploads_are_checked_by_content(demo_user, front, field, kwargs, message, in_2024):
    before = media_files()
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            acting_user=demo_user("zhujiajiao"),
            **_data(),
            fronts=[front("进社区")],
            **{"photos": [], **kwargs},
        )
    assert message in "".join(caught.value.message_dict[field])
    assert not Report.objects.exists()
    assert media_files() == before


def test_an_oversized_video_is_refused_with_the_limit(demo_user, front, in_2024):
    big = upload("活动.mp4", MP4_BYTES)
    big.size = VIDEO.max_bytes + 1
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            acting_user=demo_user("zhujiajiao"), **_data(), fronts=[front("进社区")], video=big
        )
    assert f"不超过 {VIDEO.max_mb} MB" in caught.value.message_dict["video"][0]


def test_video_and_documents_are_kept_and_served_safely(client, login, make_report, in_2024):
    report = make_report("zhujiajiao")
    services.report_update(
        acting_user=report.approval.created_by,
        report=report,
        **_data(),
        fronts=list(report.fronts.all()),
        video=upload("活动.mp4", MP4_BYTES),
        documents=[upload("新闻稿.pdf", PDF_BYTES)],
    )
    video = report.attachments.get(kind=AttachmentKind.VIDEO)
    login("zhujiajiao")
    response = client.get(f"/outreach/files/{video.pk}/")
    assert response["Content-Type"] == "video/mp4"
    assert response["X-Content-Type-Options"] == "nosniff"
    document = report.attachments.get(kind=AttachmentKind.DOCUMENT)
    response = client.get(f"/outreach/files/{document.pk}/")
    assert response["Content-Disposition"].startswith("attachment")


def test_a_new_video_replaces_the_old_one_after_commit(
    make_report, django_capture_on_commit_callbacks, in_2024
):
    report = make_report("zhujiajiao")
    user = report.approval.created_by
    fronts = list(report.fronts.all())
    args = {"acting_user": user, "report": report, **_data(), "fronts": fronts}
    services.report_update(**args, video=upload("一.mp4", MP4_BYTES))
    old_path = report.attachments.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.report_update(**args, video=upload("二.mp4", MP4_BYTES))
    assert [a.original_name for a in report.attachments.all()] == ["二.mp4"]
    assert not os.path.exists(old_path)


def test_an_aborted_upload_leaves_no_file_behind(demo_user, front, in_2024):
    """The second photo looks like a JPEG but cannot be decoded: the first is not kept."""
    broken = upload("坏图.jpg", image_bytes("JPEG")[:60])
    before = media_files()
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            acting_user=demo_user("zhujiajiao"),
            **_data(),
            fronts=[front("进社区")],
            photos=[jpeg_with_gps(), broken],
        )
    assert "坏图.jpg" in caught.value.message_dict["photos"][0]
    assert not Report.objects.exists() and not ReportPhoto.objects.exists()
    assert media_files() == before


def _data(**overrides):
    data = {
        "kind": ReportKind.ACTIVITY,
        "title": "社区应急疏散演练",
        "held_on": datetime.date(2024, 9, 21),
        "place": "北大街居委会",
        "organiser": "朱家角镇",
        "participants": "社区居民",
        "audience_count": 120,
        "content": "组织居民疏散。",
        "plan_item": None,
    }
    data.update(overrides)
    return data


def test_an_activity_in_the_future_is_refused(demo_user, front, in_2024):
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            acting_user=demo_user("zhujiajiao"),
            **_data(held_on=datetime.date(2024, 10, 11)),
            fronts=[front("进社区")],
        )
    assert "活动日期不能晚于今天" in caught.value.message_dict["held_on"][0]


def test_a_report_without_front_is_refused(demo_user, in_2024):
    with pytest.raises(ValidationError) as caught:
        services.report_create(acting_user=demo_user("zhujiajiao"), **_data(), fronts=[])
    assert caught.value.message_dict["fronts"] == ["请至少选择一个所属方面。"]


def test_a_plan_item_of_another_unit_is_refused(make_plan, demo_user, front, in_2024):
    other = make_plan("jiaoyuju")
    item = other.items.first()
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            acting_user=demo_user("zhujiajiao"),
            **_data(plan_item=item),
            fronts=[item.front],
        )
    assert caught.value.message_dict["plan_item"] == ["所选计划活动不属于本单位。"]


def test_a_plan_item_must_match_year_and_front(make_plan, demo_user, front, in_2024):
    plan = make_plan("zhujiajiao")
    item = plan.items.get(front__name="进学校")
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            acting_user=demo_user("zhujiajiao"),
            **_data(plan_item=item, held_on=datetime.date(2023, 9, 16)),
            fronts=[item.front],
        )
    assert "2024年度计划" in caught.value.message_dict["plan_item"][0]
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            acting_user=demo_user("zhujiajiao"),
            **_data(plan_item=item),
            fronts=[front("进社区")],
        )
    assert "进学校" in caught.value.message_dict["fronts"][0]
    report = services.report_create(
        acting_user=demo_user("zhujiajiao"), **_data(plan_item=item), fronts=[item.front]
    )
    assert report.plan_item == item


def test_only_a_reporter_files_reports(demo_user, front, in_2024):
    for username in ("outreach_reviewer", "gongcheng_head"):
        with pytest.raises(Refused):
            services.report_create(
                acting_user=demo_user(username), **_data(), fronts=[front("进社区")]
            )


def test_an_activity_is_handed_in_with_a_photo(make_report, in_2024):
    report = make_report("zhujiajiao", photos=[])
    with pytest.raises(workflow.TransitionRefused, match="至少上传 1 张现场照片"):
        services.report_submit(acting_user=report.approval.created_by, report=report)
    practice = make_report("zhujiajiao", photos=[], kind=ReportKind.PRACTICE)
    services.report_submit(acting_user=practice.approval.created_by, report=practice)
    practice.approval.refresh_from_db()
    assert practice.approval.state == State.IN_REVIEW


def test_too_many_photos_are_refused(make_report, in_2024):
    report = make_report("zhujiajiao")
    with pytest.raises(ValidationError) as caught:
        services.report_update(
            acting_user=report.approval.created_by,
            report=report,
            **_data(),
            fronts=list(report.fronts.all()),
            photos=[jpeg_with_gps() for _ in range(MAX_PHOTOS)],
        )
    assert f"最多 {MAX_PHOTOS} 张" in caught.value.message_dict["photos"][-1]
    assert report.photos.count() == 1


def test_a_submitted_report_cannot_be_changed(make_report, in_2024):
    report = make_report("zhujiajiao")
    user = report.approval.created_by
    services.report_submit(acting_user=user, report=report)
    with pytest.raises(workflow.TransitionRefused, match="不能修改"):
        services.report_update(acting_user=user, report=report, **_data(title="改标题"), fronts=[])
    report.refresh_from_db()
    assert report.title != "改标题"


def test_removed_photos_are_deleted_from_storage(
    make_report, django_capture_on_commit_callbacks, in_2024
):
    report = make_report("zhujiajiao")
    photo = report.photos.get()
    paths = [photo.image.path, photo.thumbnail.path]
    with django_capture_on_commit_callbacks(execute=True):
        services.report_update(
            acting_user=report.approval.created_by,
            report=report,
            **_data(),
            fronts=list(report.fronts.all()),
            photos=[jpeg_with_gps("新.jpg")],
            remove_photos=[photo.pk],
        )
    assert [p.original_name for p in report.photos.all()] == ["新.jpg"]
    assert not any(os.path.exists(p) for p in paths)


def test_a_draft_is_deleted_with_its_files(
    make_report, demo_user, django_capture_on_commit_callbacks, in_2024
):
    report = make_report("zhujiajiao")
    path = report.photos.get().image.path
    with pytest.raises(Refused):
        services.report_delete_draft(acting_user=demo_user("jiaoyuju"), report=report)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_delete_draft(acting_user=demo_user("zhujiajiao"), report=report)
    assert not Report.objects.exists() and not os.path.exists(path)


def test_promotion_only_for_adopted_reports(make_report, adopt, reviewer, demo_user, in_2024):
    report = make_report("zhujiajiao")
    with pytest.raises(ValidationError, match="已采用"):
        services.report_promote(acting_user=reviewer, report=report)
    adopt(report)
    with pytest.raises(Refused):
        services.report_promote(acting_user=demo_user("zhujiajiao"), report=report)
    services.report_promote(acting_user=reviewer, report=report)
    report.refresh_from_db()
    assert report.promoted_to_city and report.promoted_by == reviewer
    with pytest.raises(ValidationError, match="已报市国动办"):
        services.report_promote(acting_user=reviewer, report=report)
    assert ReportAttachment.objects.count() == 0


def test_record_counts_in_sql_match_the_full_record(make_report, adopt, reviewer, in_2024):
    from campaigns.models import Campaign
    from outreach import providers
    from qpdo.org.models import Staff
    from qpdo.workflow.enums import Action

    campaign = Campaign.objects.get(year=2024)
    for _ in range(3):
        adopt(make_report("zhujiajiao"))
    adopt(make_report("zhujiajiao"), decision=Action.RETURN, opinion="请补充照片。")
    people = list(Staff.objects.filter(user__username__in=["zhujiajiao", "outreach_reviewer"]))
    full = {pk: part.counts for pk, part in providers.record(campaign, staff=people).items()}
    counted = providers.record_counts(campaign, staff=people)
    assert counted == full
    assert counted[reviewer.staff.pk]["outreach_reviews"] == 4


def test_report_edit_is_audited(make_report, in_2024):
    from qpdo.org.enums import AuditAction
    from qpdo.org.models import AuditRecord

    report = make_report("zhujiajiao")
    user = report.approval.created_by
    services.report_update(
        acting_user=user, report=report, **_data(), fronts=list(report.fronts.all())
    )
    record = AuditRecord.objects.filter(action=AuditAction.CHANGE, actor=user).order_by("-id")[0]
    assert record.object_id == str(report.pk)
    assert record.detail.startswith("修改活动信息")


def test_pixel_bomb_report_is_refused_within_a_second_without_a_memory_spike(
    client, login, in_2024
):
    """The issue's attack: a 六进 report with 12 PNGs of 13000×13000 pixels (≈ 0.5 MB each,
    1.2 GB each once decoded). The request is refused before any picture is decoded."""
    buffer = io.BytesIO()
    Image.new("1", (13000, 13000), 0).save(buffer, format="PNG")
    bomb = buffer.getvalue()
    login("zhujiajiao")
    data = {
        "fronts": [Front.objects.get(name="进学校").pk],
        "kind": "activity",
        "title": "像素炸弹",
        "held_on": "2024-09-21",
        "place": "朱家角中学",
        "organiser": "朱家角镇",
        "participants": "师生",
        "audience_count": "10",
        "content": "内容",
        "photos": [upload(f"现场{i}.png", bomb) for i in range(12)],
        "submit": "1",
    }
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    started = time.monotonic()
    response = client.post("/outreach/reports/new/", data)
    elapsed = time.monotonic() - started
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    assert response.status_code == 200
    assert "“现场0.png”" in response.content.decode() and "13000×13000" in response.content.decode()
    assert not Report.objects.filter(title="像素炸弹").exists()
    assert elapsed < 1.0
    assert (peak_after - peak_before) / 1024 < 100  # MB: one decoded bomb alone is 1200
