"""Files chosen in a form survive a validation error of another field (qpdo.documents.pending)."""

from __future__ import annotations

import datetime
import re

from django.core.files.storage import default_storage
from django.core.management import call_command

from outreach.models import Report
from qpdo.documents import pending
from qpdo.org import clock
from tests.forms import PageForm

from .conftest import PDF_BYTES, jpeg_with_gps, upload

KEPT = "已选文件：{}（已保留，可重新选择替换）"


def _filled_form(client, front, held_on, title="朱家角中学疏散演练"):
    form = PageForm.from_response(client.get("/outreach/reports/new/"), testid="report-form")
    form.check("fronts", str(front("进学校").pk)).check("kind", "activity")
    form.fill("title", title).fill("held_on", held_on)
    form.fill("place", "朱家角中学").fill("organiser", "朱家角镇").fill("participants", "师生")
    form.fill("audience_count", "120").fill("content", "全校师生 4 分钟完成疏散。")
    return form


def _report_page_with_an_error(client, front):
    """Post the new-report page as a browser does, photos chosen, the date in the future."""
    form = PageForm.from_response(client.get("/outreach/reports/new/"), testid="report-form")
    form.check("fronts", str(front("进学校").pk)).check("kind", "activity")
    form.fill("title", "朱家角中学疏散演练").fill("held_on", "2024-12-01")
    form.fill("place", "朱家角中学").fill("organiser", "朱家角镇").fill("participants", "师生")
    form.fill("audience_count", "120").fill("content", "全校师生 4 分钟完成疏散。")
    form.attach("photos", jpeg_with_gps("一.jpg"), jpeg_with_gps("二.jpg"))
    form.attach("documents", upload("方案.pdf", PDF_BYTES))
    return form.submit(client, button="submit")


def _tokens(response) -> list[str]:
    return re.findall(r'name="photos__kept" value="([^"]+)"', response.content.decode())


def test_files_survive_an_error_of_another_field_and_are_attached_next(
    client, login, front, in_2024
):
    login("zhujiajiao")
    response = _report_page_with_an_error(client, front)
    text = response.content.decode()
    assert response.status_code == 200
    assert KEPT.format("一.jpg、二.jpg") in text
    assert KEPT.format("方案.pdf") in text
    assert not Report.objects.exists()

    form = PageForm.from_response(response, testid="report-form").fill("held_on", "2024-09-21")
    response = form.submit(client, button="submit")
    report = Report.objects.get(title="朱家角中学疏散演练")
    assert response.status_code == 302
    assert sorted(p.original_name for p in report.photos.all()) == ["一.jpg", "二.jpg"]
    assert [a.original_name for a in report.attachments.all()] == ["方案.pdf"]


def test_a_new_choice_replaces_the_kept_files(client, login, front, in_2024):
    login("zhujiajiao")
    response = _report_page_with_an_error(client, front)
    form = PageForm.from_response(response, testid="report-form").fill("held_on", "2024-09-21")
    form.attach("photos", jpeg_with_gps("三.jpg"))
    form.submit(client, button="submit")
    report = Report.objects.get()
    assert [p.original_name for p in report.photos.all()] == ["三.jpg"]
    assert [a.original_name for a in report.attachments.all()] == ["方案.pdf"]


def test_a_file_that_failed_its_own_check_is_not_kept(client, login, front, in_2024):
    login("zhujiajiao")
    form = PageForm.from_response(client.get("/outreach/reports/new/"), testid="report-form")
    form.check("fronts", str(front("进学校").pk)).fill("title", "活动")
    form.fill("held_on", "2024-12-01")
    form.attach("photos", upload("照片.jpg", PDF_BYTES))
    text = form.submit(client, button="save").content.decode()
    assert "文件内容与扩展名不符" in text
    assert "已保留" not in text and "photos__kept" not in text


def test_kept_files_belong_to_their_user_only(client, login, front, demo_user, in_2024):
    login("zhujiajiao")
    (token, _) = _tokens(_report_page_with_an_error(client, front))
    assert pending.claim(token, user=demo_user("zhujiajiao")).name == "一.jpg"
    assert pending.claim(token, user=demo_user("jiaoyuju")) is None
    assert pending.claim(token[:-2] + "xx", user=demo_user("zhujiajiao")) is None

    # Another reporter who posts the token (not something their page offers) gets no file:
    # the re-rendered page (another field is wrong) keeps nothing of it.
    login("jiaoyuju")
    form = PageForm.from_response(client.get("/outreach/reports/new/"), testid="report-form")
    data = form.data(button="save")
    data.update({"title": "借来的照片", "held_on": "2024-12-01", "photos__kept": token})
    response = client.post("/outreach/reports/new/", data)
    text = response.content.decode()
    assert response.status_code == 200 and "请按红字提示修改" in text
    assert "一.jpg" not in text and "photos__kept" not in text


def test_kept_files_expire_and_are_cleared(client, login, front, demo_user, in_2024, clock_at):
    login("zhujiajiao")
    (token, _) = _tokens(_report_page_with_an_error(client, front))
    path = pending.signing.loads(token, salt=pending._SALT)["p"]
    assert default_storage.exists(path)
    later = clock.now() + pending.PENDING_MAX_AGE + datetime.timedelta(minutes=1)
    with clock.frozen(later):
        call_command("clear_pending_uploads", verbosity=0)
        assert pending.claim(token, user=demo_user("zhujiajiao")) is None
    assert not default_storage.exists(path)


def test_the_upload_script_is_handed_the_redirect_instead_of_following_it(
    client, login, front, in_2024
):
    login("zhujiajiao")
    form = _filled_form(client, front, "2024-09-21", title="草稿")
    form.attach("photos", jpeg_with_gps("一.jpg"))
    response = client.post(
        "/outreach/reports/new/", form.data(button="save"), HTTP_X_QPDO_UPLOAD="1"
    )
    report = Report.objects.get(title="草稿")
    assert response.status_code == 204 and not response.has_header("Location")
    assert response["X-Qpdo-Location"] == report.get_absolute_url()
    # The message waits for the page the script opens next.
    assert "草稿已保存" in client.get(response["X-Qpdo-Location"]).content.decode()

    form = _filled_form(client, front, "2024-09-21", title="草稿二")
    response = form.submit(client, button="save")
    assert response.status_code == 302  # without the header: an ordinary redirect
