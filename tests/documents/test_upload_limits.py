"""Uploads cannot exhaust a worker: pixel cap, file count and size per request, active PDFs."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pypdf
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from qpdo.documents.forms import MultipleFileField
from qpdo.documents.uploads import (
    IMAGE_KINDS,
    MAX_IMAGE_PIXELS,
    PDF,
    FileValidator,
    clean_image,
    clean_photo,
    make_thumbnail,
)

from .conftest import image_bytes

ROOT = Path(__file__).resolve().parents[2]


def png_bomb(side: int = 13000) -> bytes:
    """Return a PNG of side×side pixels that is small on disk (one colour)."""
    buffer = io.BytesIO()
    Image.new("1", (side, side), 0).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return png_bomb()


def test_pillow_cap_is_the_portal_cap():
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS == 25_000_000


def test_pixel_bomb_refused_by_validator_within_a_second_naming_file_and_size(bomb):
    upload = SimpleUploadedFile("现场.png", bomb)
    started = time.monotonic()
    with pytest.raises(ValidationError) as error:
        FileValidator(*IMAGE_KINDS)(upload)
    elapsed = time.monotonic() - started

    message = error.value.messages[0]
    assert elapsed < 1.0
    assert "“现场.png”" in message
    assert "13000×13000" in message
    assert "1.69 亿像素" in message
    assert "2500 万像素" in message
    assert error.value.code == "image_too_many_pixels"


@pytest.mark.parametrize("clean", [clean_image, make_thumbnail, clean_photo])
def test_pixel_bomb_refused_before_decoding_by_every_image_function(bomb, clean):
    started = time.monotonic()
    with pytest.raises(ValidationError):
        clean(SimpleUploadedFile("bomb.png", bomb))
    assert time.monotonic() - started < 1.0


def test_picture_at_the_cap_is_accepted():
    upload = SimpleUploadedFile("ok.jpg", image_bytes("JPEG", size=(5000, 5000)))
    FileValidator(*IMAGE_KINDS)(upload)
    cleaned, thumb = clean_photo(upload)
    assert max(Image.open(cleaned).size) == 2560
    assert max(Image.open(thumb).size) == 400


def test_multiple_file_field_names_the_bomb_once(bomb):
    class PhotoForm(forms.Form):
        photos = MultipleFileField(validator=FileValidator(*IMAGE_KINDS))

    field = PhotoForm().fields["photos"]
    with pytest.raises(ValidationError) as error:
        field.clean([SimpleUploadedFile("a.png", bomb)])
    assert error.value.messages[0].startswith("照片“a.png”像素过大")


def test_multiple_file_field_refuses_more_than_twelve_files_in_chinese():
    field = MultipleFileField(validator=FileValidator(*IMAGE_KINDS))
    files = [SimpleUploadedFile(f"{i}.png", image_bytes("PNG")) for i in range(13)]
    with pytest.raises(ValidationError) as error:
        field.clean(files)
    assert error.value.messages == ["一次最多选择 12 个文件，本次选择了 13 个。请分几次上传。"]


def test_101_files_in_one_request_get_a_chinese_400(client, login):
    login("zhujiajiao")
    files = [SimpleUploadedFile(f"{i}.png", b"x") for i in range(101)]
    response = client.post("/", {"photos": files})

    assert response.status_code == 400
    text = response.content.decode()
    assert "一次最多上传 30 个文件" in text
    assert "Bad Request" not in text


def test_thirty_files_pass_the_request_check(client, login):
    login("zhujiajiao")
    files = [SimpleUploadedFile(f"{i}.png", b"x") for i in range(30)]
    response = client.post("/", {"photos": files})
    assert response.status_code != 400


@override_settings(QPDO_UPLOAD_MAX_REQUEST_BYTES=1000)
def test_oversized_request_refused_before_reading_with_its_size(client, login):
    login("zhujiajiao")
    response = client.post("/", {"video": SimpleUploadedFile("v.mp4", b"x" * 5000)})

    assert response.status_code == 413
    assert "超过了每次提交不超过 1000 B" not in response.content.decode()
    assert "每次提交不超过" in response.content.decode()


# PDFs with active content ------------------------------------------------------------------


def pdf_bytes(*, javascript: str | None = None, attachment: bytes | None = None) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(javascript),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if attachment:
        writer.add_attachment("note.txt", attachment)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_plain_pdf_accepted():
    FileValidator(PDF)(SimpleUploadedFile("方案.pdf", pdf_bytes()))


def test_pdf_with_javascript_refused():
    with pytest.raises(ValidationError) as error:
        FileValidator(PDF)(SimpleUploadedFile("方案.pdf", pdf_bytes(javascript="app.alert(1)")))
    assert error.value.code == "pdf_active_content"
    assert "“方案.pdf”" in error.value.messages[0]
    assert "JavaScript 脚本" in error.value.messages[0]


def test_pdf_with_embedded_file_refused():
    with pytest.raises(ValidationError) as error:
        FileValidator(PDF)(SimpleUploadedFile("a.pdf", pdf_bytes(attachment=b"secret")))
    assert "嵌入的附件" in error.value.messages[0]


def test_pdf_with_hex_escaped_javascript_name_refused():
    data = pdf_bytes(javascript="app.alert(1)").replace(b"/JavaScript", b"/J#61vaScript")
    data = data.replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in data and b"/JS" not in data
    with pytest.raises(ValidationError):
        FileValidator(PDF)(SimpleUploadedFile("a.pdf", data))


# Memory and time of the photo work of one request ----------------------------------------

MEASURE = textwrap.dedent(
    """
    import os, sys, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "qpdo.settings_test"
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from qpdo.documents.forms import MultipleFileField
    from qpdo.documents.uploads import FileValidator, IMAGE_KINDS, clean_photo
    def high_water_mb():
        # VmHWM: this process's peak RSS since exec (ru_maxrss would include the parent's).
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    data = open(sys.argv[1], "rb").read()
    before = high_water_mb()
    started = time.monotonic()
    field = MultipleFileField(validator=FileValidator(*IMAGE_KINDS))
    uploads = field.clean([SimpleUploadedFile(f"{i}.jpg", data) for i in range(12)])
    for upload in uploads:
        cleaned, thumb = clean_photo(upload)
    print(before, high_water_mb(), round(time.monotonic() - started, 1))
    """
)


def test_twelve_photos_of_the_largest_size_stay_under_300_mb(tmp_path):
    """Measure the peak RSS of a fresh process validating and cleaning 12 24-MP photos.

    RSS rather than tracemalloc: Pillow's pixel buffers are not Python allocations.
    """
    photo = tmp_path / "big.jpg"
    side = (6000, 4000)  # 24 MP: the largest common camera size under the cap
    noise = Image.effect_noise((side[0] // 16, side[1] // 16), 40).convert("RGB")
    noise.resize(side).save(photo, quality=95)
    assert photo.stat().st_size < 20 * 1024 * 1024

    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(photo)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    _before_mb, peak_mb, _seconds = result.stdout.split()
    assert int(peak_mb) <= 300, result.stdout
