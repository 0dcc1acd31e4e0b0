"""Upload checks by content and size, image cleaning, stored names, rollback, downloads."""

from __future__ import annotations

import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import FileField
from PIL import Image

from qpdo.documents import uploads
from qpdo.documents.uploads import (
    EXCEL,
    HEIC,
    IMAGE_KINDS,
    MB,
    PDF,
    PNG,
    PPT,
    WORD,
    FileValidator,
    atomic_with_files,
    clean_image,
    detect_content,
    file_response,
    make_thumbnail,
    upload_path,
)
from qpdo.org import clock

from .conftest import gps_exif, image_bytes

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def ooxml(folder: str) -> bytes:
    """Return a minimal Office Open XML package whose main part lives in folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{folder}/main.xml", "<main/>")
    return buffer.getvalue()


def ole2(stream: str) -> bytes:
    """Return an OLE2 container whose directory names one main stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    entry = "Root Entry\0".encode("utf-16-le").ljust(128, b"\0")
    entry += f"{stream}\0".encode("utf-16-le").ljust(128, b"\0")
    return header + entry.ljust(4096, b"\0")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def messages(validator: FileValidator, name: str, data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validator(upload(name, data))
    return caught.value.messages


# What the bytes are -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (PDF_BYTES, {"pdf"}),
        (image_bytes("PNG"), {"png"}),
        (image_bytes("JPEG"), {"jpg"}),
        (image_bytes("HEIF"), {"heic"}),
        (ooxml("word"), {"docx"}),
        (ooxml("ppt"), {"pptx"}),
        (ooxml("xl"), {"xlsx"}),
        (ole2("WordDocument"), {"doc"}),
        (ole2("PowerPoint Document"), {"ppt"}),
        (ole2("Workbook"), {"xls"}),
        (b"just some text\n", {"unknown"}),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", {"unknown"}),
        (b"PK\x03\x04 not really a zip", {"unknown"}),
    ],
)
def test_detect_content(data, found):
    assert detect_content(io.BytesIO(data)) == found


def test_detect_content_rewinds_the_file():
    file = upload("a.pdf", PDF_BYTES)
    file.read(3)
    detect_content(file)
    assert file.read() == PDF_BYTES


# The validator ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("照片.png", image_bytes("PNG")),
        ("照片.JPG", image_bytes("JPEG")),
        ("照片.jpeg", image_bytes("JPEG")),
        ("照片.heic", image_bytes("HEIF")),
    ],
)
def test_validator_accepts_real_images(name, data):
    FileValidator(*IMAGE_KINDS)(upload(name, data))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("讲述稿.pdf", PDF_BYTES),
        ("讲述稿.pptx", ooxml("ppt")),
        ("讲述稿.ppt", ole2("PowerPoint Document")),
        ("讲述稿.docx", ooxml("word")),
        ("讲述稿.doc", ole2("WordDocument")),
    ],
)
def test_validator_accepts_real_documents(name, data):
    FileValidator(PDF, PPT, WORD)(upload(name, data))


def test_validator_refuses_text_named_pdf():
    [message] = messages(FileValidator(PDF), "讲述稿.pdf", b"<html><script>alert(1)</script>")
    assert message.startswith("文件内容与扩展名不符：扩展名为 .pdf，内容实际是 无法识别的格式")


def test_validator_refuses_docx_named_pptx():
    [message] = messages(FileValidator(PPT), "讲述稿.pptx", ooxml("word"))
    assert message.startswith("文件内容与扩展名不符：扩展名为 .pptx，内容实际是 DOCX")


def test_validator_refuses_old_word_named_ppt():
    [message] = messages(FileValidator(PPT), "讲述稿.ppt", ole2("WordDocument"))
    assert "内容实际是 DOC" in message


def test_validator_refuses_png_named_jpg():
    [message] = messages(FileValidator(*IMAGE_KINDS), "照片.jpg", image_bytes("PNG"))
    assert "内容实际是 PNG" in message


def test_validator_refuses_plain_zip_named_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/evil.exe", "MZ")
    [message] = messages(FileValidator(EXCEL), "名单.xlsx", buffer.getvalue())
    assert "内容实际是 ZIP 压缩包" in message


def test_validator_refuses_oversized_file_naming_the_size():
    validator = FileValidator(PDF.limited_to(1))
    data = PDF_BYTES + b"\0" * (MB + MB // 2)
    [message] = messages(validator, "讲述稿.pdf", data)
    assert message == "文件过大：1.5 MB，PDF 单个文件不超过 1 MB。"


def test_validator_refuses_unlisted_extension():
    [message] = messages(FileValidator(PDF, PPT), "setup.exe", b"MZ\0\0")
    assert (
        message == "不支持的文件类型：“.exe”。允许 PDF（不超过 50 MB）、PPT/PPTX（不超过 100 MB）。"
    )


def test_validator_refuses_empty_file():
    assert messages(FileValidator(PDF), "a.pdf", b"") == ["文件为空，请重新选择文件。"]


def test_validator_help_text_and_accept():
    same_limit = FileValidator(PDF, PPT.limited_to(50))
    assert same_limit.help_text == "允许 PDF、PPT/PPTX，单个文件不超过 50 MB"
    assert same_limit.accept == ".pdf,.ppt,.pptx"


def test_validator_in_a_form_field():
    validator = FileValidator(PDF, PPT)

    class ManuscriptForm(forms.Form):
        attachment = forms.FileField(
            label="附件", validators=[validator], help_text=validator.help_text
        )

    fake = ManuscriptForm(files={"attachment": upload("讲述稿.pptx", ooxml("word"))})
    assert not fake.is_valid()
    assert "文件内容与扩展名不符" in fake.errors["attachment"][0]
    real = ManuscriptForm(files={"attachment": upload("讲述稿.pptx", ooxml("ppt"))})
    assert real.is_valid()


def test_validator_skips_a_file_already_stored():
    field_file = stored_field_file("a.pdf", b"not checked again")
    FileValidator(PNG)(field_file)


def test_validator_deconstructs_for_migrations():
    path, args, kwargs = FileValidator(PDF, HEIC).deconstruct()
    assert path == "qpdo.documents.uploads.FileValidator"
    assert (args, kwargs) == ((PDF, HEIC), {})
    assert FileValidator(*args) == FileValidator(PDF, HEIC)


# Images -------------------------------------------------------------------------------


def exif_of(data: bytes) -> dict:
    return dict(Image.open(io.BytesIO(data)).getexif())


def test_clean_image_strips_gps_and_turns_upright():
    original = image_bytes("JPEG", size=(40, 20), exif=gps_exif(orientation=6))
    assert 0x8825 in exif_of(original)
    cleaned = clean_image(upload("IMG_0001.jpg", original))
    assert cleaned.name == "IMG_0001.jpg"
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info
    assert image.size == (20, 40)  # orientation 6: rotated a quarter turn


def test_clean_image_keeps_png_as_png_without_metadata():
    original = image_bytes("PNG", exif=gps_exif())
    cleaned = clean_image(upload("截图.png", original))
    assert cleaned.name == "截图.png"
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "PNG"
    assert not image.getexif()


def test_clean_image_turns_heic_into_jpeg_without_gps():
    original = image_bytes("HEIF", size=(64, 48), exif=gps_exif())
    assert detect_content(io.BytesIO(original)) == {"heic"}
    cleaned = clean_image(upload("IMG_0002.HEIC", original))
    assert cleaned.name == "IMG_0002.jpg"
    data = cleaned.read()
    assert detect_content(io.BytesIO(data)) == {"jpg"}
    assert not exif_of(data)
    assert Image.open(io.BytesIO(data)).size == (64, 48)


def test_clean_image_shrinks_large_pictures():
    cleaned = clean_image(upload("big.jpg", image_bytes("JPEG", size=(300, 100))), max_side=150)
    assert Image.open(cleaned).size == (150, 50)


def test_clean_image_refuses_what_is_not_a_picture():
    with pytest.raises(ValidationError, match="无法读取图片"):
        clean_image(upload("a.jpg", PDF_BYTES))


def test_make_thumbnail():
    thumbnail = make_thumbnail(upload("照片.png", image_bytes("PNG", size=(800, 600))), size=200)
    assert thumbnail.name == "照片-thumb.jpg"
    image = Image.open(thumbnail)
    assert (image.format, image.size) == ("JPEG", (200, 150))


# Stored names and rollback ------------------------------------------------------------


def stored_field_file(name: str, data: bytes):
    """Return a FieldFile of a FileField on a plain object, its file stored in the storage."""
    field = FileField(upload_to=upload_path("tests/documents"), storage=default_storage)
    field.set_attributes_from_name("attachment")
    instance = SimpleNamespace(attachment=None)
    field_file = field.attr_class(instance, field, None)
    field_file.save(name, ContentFile(data), save=False)
    return field_file


def unsaved_field_file():
    field = FileField(upload_to=upload_path("tests/documents"), storage=default_storage)
    field.set_attributes_from_name("attachment")
    return field.attr_class(SimpleNamespace(attachment=None), field, None)


def test_upload_path_is_random_under_prefix_and_year():
    path = upload_path("/lectures/manuscripts/")
    first, second = path(None, "讲述稿（终稿）.PPTX"), path(None, "讲述稿（终稿）.PPTX")
    year = clock.today().year
    assert re.fullmatch(rf"lectures/manuscripts/{year}/[0-9a-f]{{32}}\.pptx", first)
    assert first != second


def test_upload_path_never_keeps_odd_extensions():
    assert upload_path("x")(None, "a.p h p").endswith(".bin")
    assert upload_path("x")(None, "无扩展名").endswith(".bin")


def test_upload_path_deconstructs_for_migrations():
    assert upload_path("stars/photos").deconstruct() == (
        "qpdo.documents.uploads.UploadPath",
        ("stars/photos",),
        {},
    )
    assert upload_path("stars/photos") == upload_path("stars/photos")


@pytest.mark.django_db
def test_atomic_with_files_deletes_files_when_rolled_back():
    field_file = unsaved_field_file()
    with pytest.raises(RuntimeError), atomic_with_files() as saved:
        name = saved.save(field_file, "讲述稿.pdf", ContentFile(PDF_BYTES))
        assert default_storage.exists(name)
        raise RuntimeError("审批失败")
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_atomic_with_files_keeps_files_when_the_block_succeeds():
    field_file = unsaved_field_file()
    with atomic_with_files() as saved:
        name = saved.save(field_file, "讲述稿.pdf", ContentFile(PDF_BYTES))
    assert name.startswith("tests/documents/") and name.endswith(".pdf")
    assert default_storage.exists(name)
    default_storage.delete(name)


@pytest.mark.django_db(transaction=True)
def test_atomic_with_files_keeps_files_once_committed():
    def failing_notification():
        raise ConnectionError("邮件服务器无响应")

    field_file = unsaved_field_file()
    with pytest.raises(ConnectionError), atomic_with_files() as saved:
        name = saved.save(field_file, "讲述稿.pdf", ContentFile(PDF_BYTES))
        transaction.on_commit(failing_notification)
    assert default_storage.exists(name)  # the row committed: its file must stay
    default_storage.delete(name)


# Downloads -----------------------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content)  # the test deletes (and closes) the file


@pytest.mark.parametrize(
    ("name", "inline", "content_type", "disposition"),
    [
        ("a.pdf", True, "application/pdf", "inline"),
        ("a.jpg", True, "image/jpeg", "inline"),
        ("a.mp4", True, "video/mp4", "inline"),
        ("a.pptx", True, uploads.CONTENT_TYPES["pptx"], "attachment"),
        ("a.html", True, "application/octet-stream", "attachment"),
        ("a.svg", True, "application/octet-stream", "attachment"),
        ("a.pdf", False, "application/pdf", "attachment"),
    ],
)
def test_file_response_headers(name, inline, content_type, disposition):
    field_file = stored_field_file(name, b"<html><script>alert(1)</script></html>")
    response = file_response(field_file, filename="讲述稿", inline=inline)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    ext = name.rsplit(".", 1)[1]
    assert response["Content-Disposition"] == (
        f'{disposition}; filename="download.{ext}"; '
        f"filename*=UTF-8''%E8%AE%B2%E8%BF%B0%E7%A8%BF.{ext}"
    )
    assert body(response) == b"<html><script>alert(1)</script></html>"
    field_file.delete(save=False)


def test_file_response_keeps_a_filename_with_the_right_extension():
    field_file = stored_field_file("a.pdf", PDF_BYTES)
    response = file_response(field_file, filename="审批单.pdf")
    assert response["Content-Disposition"].endswith(".pdf")
    assert ".pdf.pdf" not in response["Content-Disposition"]
    assert body(response) == PDF_BYTES
    field_file.delete(save=False)
