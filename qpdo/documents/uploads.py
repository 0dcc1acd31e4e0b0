"""Check, store, clean and serve uploaded files: the one upload toolkit of the portal.

A field declares which kinds of file it takes (`FileKind`); `FileValidator` checks the
extension, the size and the content (the extension must agree with what the bytes are).
Images are re-encoded to drop EXIF/GPS metadata, HEIC becomes JPEG. Stored names are random
(`upload_path`), downloads never come back as HTML (`file_response`), and a file saved inside a
service is deleted again when its transaction does not commit (`atomic_with_files`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import posixpath
import re
import struct
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace

import filetype
import pypdf
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from qpdo.org import clock

from .pdf import content_disposition
from .serving import ProtectedFileResponse

MB = 1024 * 1024
HEAD_BYTES = 8192  # what filetype needs to recognise every format it knows
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Extension -> the content type the portal serves it with. Nothing here is ever text/*.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
    "heif": "image/heif",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
}
# Types a browser may show in the page rather than download.
INLINE_TYPES = frozenset(
    {"application/pdf", "image/jpeg", "image/png", "video/mp4", "video/quicktime"}
)
# Extension -> the detected contents (see detect_content) it may hold.
ACCEPTED_CONTENT = {
    "pdf": {"pdf"},
    "doc": {"doc"},
    "docx": {"docx"},
    "ppt": {"ppt"},
    "pptx": {"pptx"},
    "xls": {"xls"},
    "xlsx": {"xlsx"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
    "heic": {"heic"},
    "heif": {"heic"},
    "mp4": {"mp4", "m4v"},
    "mov": {"mov", "mp4"},
    "mp3": {"mp3"},
    "m4a": {"m4a", "mp4"},
    "wav": {"wav"},
}
# How detect_content's findings are named in messages (others: the extension in capitals).
UNKNOWN = "unknown"
CONTENT_LABELS = {
    "jpg": "JPEG",
    "zip": "ZIP 压缩包",
    "ole2": "无法识别的旧版 Office 文件",
    UNKNOWN: "无法识别的格式",
}
# OOXML: the folder of the main part inside the zip. OLE2: the main stream's name.
OOXML_FOLDERS = {"docx": "word/", "pptx": "ppt/", "xlsx": "xl/"}
OLE2_STREAMS = {"doc": "WordDocument", "ppt": "PowerPoint Document", "xls": "Workbook"}


def format_size(size: int) -> str:
    """Return a size as people read it: 800 KB, 3.5 MB, 50 MB."""
    if size < MB:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / MB:.1f}".removesuffix(".0") + " MB"


def extension_of(name: str) -> str:
    """Return the lower-case extension of a file name, without the dot ('' if none)."""
    return posixpath.splitext(name or "")[1].lower().lstrip(".")


def file_size(file) -> int:
    """Return a file's size in bytes (an UploadedFile, a FieldFile or any seekable file)."""
    size = getattr(file, "size", None)
    if size is not None:
        return size
    position = file.tell()
    size = file.seek(0, io.SEEK_END)
    file.seek(position)
    return size


@deconstructible
@dataclass
class FileKind:
    """A kind of file a field accepts: its label on the form, its extensions, its size limit."""

    label: str
    extensions: tuple[str, ...]
    max_mb: int

    @property
    def max_bytes(self) -> int:
        return self.max_mb * MB

    def limited_to(self, max_mb: int) -> FileKind:
        """Return the same kind with another size limit."""
        return replace(self, max_mb=max_mb)


PDF = FileKind("PDF", ("pdf",), 50)
WORD = FileKind("DOC/DOCX", ("doc", "docx"), 50)
PPT = FileKind("PPT/PPTX", ("ppt", "pptx"), 100)
EXCEL = FileKind("XLS/XLSX", ("xls", "xlsx"), 20)
JPEG = FileKind("JPEG", ("jpg", "jpeg"), 20)
PNG = FileKind("PNG", ("png",), 20)
HEIC = FileKind("HEIC", ("heic", "heif"), 20)
MP4 = FileKind("MP4/MOV", ("mp4", "mov"), 500)
AUDIO = FileKind("MP3/M4A/WAV", ("mp3", "m4a", "wav"), 200)
IMAGE_KINDS = (JPEG, PNG, HEIC)
IMAGE_EXTENSIONS = frozenset(ext for kind in IMAGE_KINDS for ext in kind.extensions)

# The largest picture the portal decodes: 25 million pixels covers every phone's normal mode
# (12 MP; 48–50 MP sensors save 12 MP by default) and 24 MP cameras. Decoded, such a picture is
# 75–100 MB; a 13000×13000 "pixel bomb" (169 MP) would be 500–700 MB and seconds of work.
# Checked from the header before any pixel is decoded (`check_image_pixels`); Pillow's own cap
# is set to the same number so nothing else in the process decodes more.
MAX_IMAGE_PIXELS = 25_000_000


def _set_pillow_cap() -> None:
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


_set_pillow_cap()


def format_pixels(count: int) -> str:
    """Return a pixel count as people read it: 1200 万像素, 1.69 亿像素."""
    if count >= 100_000_000:
        return f"{count / 100_000_000:.2f}".rstrip("0").rstrip(".") + " 亿像素"
    return f"{max(1, round(count / 10_000))} 万像素"


def image_dimensions(file) -> tuple[int, int] | None:
    """Return (width, height) read from the image's header only, or None if unreadable.

    Pillow's `open` parses the header lazily and decodes no pixel. Past twice the cap it
    refuses to open at all (DecompressionBombError), so then the format's own opener is asked
    for the size, the way `Image.open` does it minus the bomb check.
    """

    _register_heif()
    with _rewound(file) as raw:
        try:
            with Image.open(raw) as image:
                return image.size
        except Image.DecompressionBombError:
            raw.seek(0)
            return _header_size(raw)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None


def _header_size(raw) -> tuple[int, int] | None:
    Image.init()
    prefix = raw.read(16)
    for image_format in Image.ID:
        factory, accept = Image.OPEN[image_format]
        raw.seek(0)
        if accept and not accept(prefix):
            continue
        try:
            return factory(raw, "").size
        except (SyntaxError, IndexError, TypeError, ValueError, OSError, struct.error):
            continue
    return None


def messages_naming(upload, error: ValidationError) -> list[str]:
    """Return the error's messages, each naming the file once (“a.jpg：…”)."""
    name = upload.name or ""
    return [m if f"“{name}”" in m else f"{name}：{m}" for m in error.messages]


def check_image_pixels(file, *, name: str | None = None) -> None:
    """Refuse an image larger than MAX_IMAGE_PIXELS, naming the file and its size."""
    size = image_dimensions(file)
    if size is None:
        return  # unreadable: the decoder refuses it with its own message
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        shown = name if name is not None else posixpath.basename(file.name or "")
        raise ValidationError(
            f"照片“{shown}”像素过大：{width}×{height}（{format_pixels(width * height)}，"
            f"{format_size(file_size(file))}），单张照片不超过 "
            f"{format_pixels(MAX_IMAGE_PIXELS)}。请用手机的普通拍照模式或缩小后再上传。",
            code="image_too_many_pixels",
        )


@deconstructible
class FileValidator:
    """Validate an upload against the kinds a field accepts: extension, size, then content.

    Use it on a model FileField (`validators=[v]`, `help_text=v.help_text`) or a form field.
    A file already stored (a committed FieldFile) is not checked again.
    """

    def __init__(self, *kinds: FileKind) -> None:
        self.kinds = kinds

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileValidator) and self.kinds == other.kinds

    def __hash__(self) -> int:
        return hash(tuple((kind.label, kind.extensions, kind.max_mb) for kind in self.kinds))

    @property
    def help_text(self) -> str:
        """Return the rule for the form: 允许 PDF、PPT/PPTX，单个文件不超过 50 MB."""
        limits = {kind.max_mb for kind in self.kinds}
        if len(limits) == 1:
            labels = "、".join(kind.label for kind in self.kinds)
            return f"允许 {labels}，单个文件不超过 {limits.pop()} MB"
        parts = "、".join(f"{kind.label}（不超过 {kind.max_mb} MB）" for kind in self.kinds)
        return f"允许 {parts}"

    @property
    def accept(self) -> str:
        """Return the value for the file input's accept attribute: .pdf,.ppt,.pptx."""
        return ",".join(f".{ext}" for kind in self.kinds for ext in kind.extensions)

    def kind_for(self, name: str) -> FileKind | None:
        ext = extension_of(name)
        return next((kind for kind in self.kinds if ext in kind.extensions), None)

    def __call__(self, value) -> None:
        if isinstance(value, FieldFile) and value._committed:
            return
        name = value.name or ""
        kind = self.kind_for(name)
        if kind is None:
            shown = f"“.{extension_of(name)}”" if extension_of(name) else "无扩展名的文件"
            raise ValidationError(
                f"不支持的文件类型：{shown}。{self.help_text}。", code="file_type"
            )
        size = file_size(value)
        if size == 0:
            raise ValidationError("文件为空，请重新选择文件。", code="file_empty")
        if size > kind.max_bytes:
            raise ValidationError(
                f"文件过大：{format_size(size)}，{kind.label} 单个文件不超过 {kind.max_mb} MB。",
                code="file_too_large",
            )
        ext = extension_of(name)
        found = detect_content(value)
        if not found & ACCEPTED_CONTENT.get(ext, {ext}):
            actual = "、".join(sorted(CONTENT_LABELS.get(f, f.upper()) for f in found))
            raise ValidationError(
                f"文件内容与扩展名不符：扩展名为 .{ext}，内容实际是 {actual}。"
                "请上传真实的文件，不要只修改扩展名。",
                code="file_content",
            )
        if ext in IMAGE_EXTENSIONS:
            check_image_pixels(value)
        if ext == "pdf":
            check_pdf_active_content(value)


@contextlib.contextmanager
def _rewound(file) -> Iterator:
    """Yield the file at position 0 and rewind it again afterwards."""
    raw = getattr(file, "file", None)
    raw = file if raw is None else raw
    raw.seek(0)
    try:
        yield raw
    finally:
        raw.seek(0)


def detect_content(file) -> frozenset[str]:
    """Return what the file's bytes are, as extensions: {'pdf'}, {'docx'}, {'unknown'}.

    A set, because an old Office file may hold several main streams (a Word file with an
    embedded workbook).

    OOXML files are zips whose main folder names the format; old Office files are OLE2
    containers whose main stream names it. Everything else goes to the `filetype` package;
    plain text (and so HTML or SVG) is 'unknown'.
    """
    with _rewound(file) as raw:
        head = raw.read(HEAD_BYTES)
        if head.startswith(ZIP_MAGIC):
            return _ooxml_content(raw)
        if head.startswith(OLE2_MAGIC):
            raw.seek(0)
            return _ole2_content(raw)
        guess = filetype.guess(head)
        return frozenset({guess.extension if guess else UNKNOWN})


def _ooxml_content(raw) -> frozenset[str]:
    try:
        names = zipfile.ZipFile(raw).namelist()  # the central directory only: nothing unpacked
    except (zipfile.BadZipFile, OSError, ValueError):
        return frozenset({UNKNOWN})
    if "[Content_Types].xml" not in names:
        return frozenset({"zip"})
    found = {
        ext for ext, folder in OOXML_FOLDERS.items() if any(n.startswith(folder) for n in names)
    }
    return frozenset(found or {"zip"})


def _ole2_content(raw, chunk_size: int = MB) -> frozenset[str]:
    # Directory entries hold stream names in UTF-16LE followed by a NUL; search for the main
    # streams rather than parse the whole compound-file structure.
    wanted = {ext: f"{name}\0".encode("utf-16-le") for ext, name in OLE2_STREAMS.items()}
    overlap = max(len(pattern) for pattern in wanted.values())
    found: set[str] = set()
    tail = b""
    while chunk := raw.read(chunk_size):
        window = tail + chunk
        found.update(ext for ext, pattern in wanted.items() if pattern in window)
        tail = window[-overlap:]
    return frozenset(found or {"ole2"})


# PDF -------------------------------------------------------------------------------------

# Names that make a PDF do something when opened or clicked, or carry other files inside it.
PDF_ACTIVE_NAMES = {
    "/JavaScript": "JavaScript 脚本",
    "/JS": "JavaScript 脚本",
    "/Launch": "启动外部程序的动作",
    "/EmbeddedFile": "嵌入的附件",
    "/EmbeddedFiles": "嵌入的附件",
    "/FileAttachment": "嵌入的附件",
    "/RichMedia": "嵌入的多媒体",
    "/XFA": "XFA 动态表单",
}
PDF_MAX_OBJECTS = 200_000


def pdf_active_content(file) -> set[str]:
    """Return what active or embedded content a PDF holds (labels of PDF_ACTIVE_NAMES).

    Every object is visited, those inside compressed object streams too, and names are
    compared after pypdf decoded them (so “/J#61vaScript” is found). A file pypdf cannot
    parse is searched byte by byte instead; an encrypted one that opens without a password
    is decrypted first, one that needs a password cannot be checked and is reported as such.
    """

    found: set[str] = set()

    def visit(obj, depth: int = 0) -> None:
        if depth > 30:
            return
        if isinstance(obj, IndirectObject):
            return  # visited on its own through the cross-reference table
        if isinstance(obj, NameObject):
            if str(obj) in PDF_ACTIVE_NAMES:
                found.add(PDF_ACTIVE_NAMES[str(obj)])
        elif isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                visit(NameObject(key), depth + 1)
                visit(value, depth + 1)
        elif isinstance(obj, ArrayObject):
            for item in obj:
                visit(item, depth + 1)

    with _rewound(file) as raw:
        data = raw.read()
        raw.seek(0)
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return {"密码保护（无法检查内容）"}
            ids = {idnum for table in reader.xref.values() for idnum in table}
            ids |= set(reader.xref_objStm)
            if len(ids) > PDF_MAX_OBJECTS:
                return {"过多的对象（无法检查内容）"}
            for idnum in sorted(ids):
                generation = next((gen for gen, table in reader.xref.items() if idnum in table), 0)
                try:
                    visit(reader.get_object(IndirectObject(idnum, generation, reader)))
                except Exception:  # noqa: S112 - one broken object: keep checking the rest
                    continue
            visit(reader.trailer)
        except Exception:  # unparseable: fall back to the raw bytes
            found.clear()
        for name, label in PDF_ACTIVE_NAMES.items():
            if re.search(re.escape(name.encode()) + rb"(?![A-Za-z0-9])", data):
                found.add(label)
    return found


def check_pdf_active_content(file) -> None:
    """Refuse a PDF with JavaScript, launch actions or embedded files."""
    found = pdf_active_content(file)
    if found:
        name = posixpath.basename(file.name or "")
        raise ValidationError(
            f"PDF 文件“{name}”含有{'、'.join(sorted(found))}，出于安全原因不予接收。"
            "请用“打印为 PDF”重新生成不含脚本和附件的文件后再上传。",
            code="pdf_active_content",
        )


# Images ---------------------------------------------------------------------------------


@functools.cache
def _register_heif() -> None:
    # inline: registers the HEIF opener once, only when a HEIF photo arrives
    import pillow_heif

    pillow_heif.register_heif_opener()


def _open_image(file, *, draft_side: int | None = None):
    """Return the image turned upright, and its format ('JPEG', 'PNG', 'HEIF')."""

    _register_heif()
    check_image_pixels(file)
    try:
        with _rewound(file) as raw:
            image = Image.open(raw)
            if draft_side and image.format == "JPEG":
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result is shrunk
                # anyway: a quarter or less of the memory and time of a full decode.
                image.draft("RGB", (draft_side, draft_side))
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as e:
        raise ValidationError(
            "无法读取图片，请上传 JPEG、PNG 或 HEIC 格式的照片。", code="image_unreadable"
        ) from e
    image_format = image.format
    # Apply the orientation tag before it goes away with the rest of the metadata (in place:
    # a copy would double the memory of the largest picture).
    ImageOps.exif_transpose(image, in_place=True)
    return image, image_format


def _encode(image, *, name: str, as_png: bool) -> ContentFile:
    icc_profile = image.info.get("icc_profile")  # colours, not personal data
    buffer = io.BytesIO()
    if as_png:
        image.info = {k: v for k, v in image.info.items() if k == "transparency"}
        # No optimize=True: its extra zlib passes take ~30 s on a large photo for a few % less;
        # level 3 is as small as the default 6 on photos, in half the time.
        image.save(buffer, format="PNG", icc_profile=icc_profile, compress_level=3)
        return ContentFile(buffer.getvalue(), name=f"{name}.png")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = _on_white(image)
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info = {}  # drop EXIF, XMP, comments: keep only the pixels (and their colours)
    image.save(buffer, format="JPEG", quality=88, icc_profile=icc_profile, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{name}.jpg")


def _on_white(image):
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _stem(file) -> str:
    return posixpath.splitext(posixpath.basename(file.name or ""))[0] or "image"


# Stored photos: 2560 pixels on the longer side is sharp on any screen and prints an A4 page
# at over 200 dpi, and keeps the work per photo well under a second.
PHOTO_MAX_SIDE = 2560


def clean_image(file, *, max_side: int = PHOTO_MAX_SIDE) -> ContentFile:
    """Return the image re-encoded without EXIF/GPS or other metadata, HEIC turned into JPEG.

    PNG stays PNG; everything else becomes JPEG. The picture is turned upright and shrunk to
    at most max_side pixels on its longer side. The returned file's name is ready to save.
    """
    image, image_format = _open_image(file, draft_side=max_side)
    image.thumbnail((max_side, max_side))
    return _encode(image, name=_stem(file), as_png=image_format == "PNG")


def clean_photo(
    file, *, max_side: int = PHOTO_MAX_SIDE, thumb_size: int = 400
) -> tuple[ContentFile, ContentFile]:
    """Return the cleaned photo (see clean_image) and its thumbnail, from one decode.

    The one decode is what bounds a photo upload: each picture is decoded once, at the
    smallest scale libjpeg allows, and released before the next.
    """
    image, image_format = _open_image(file, draft_side=max_side)
    image.thumbnail((max_side, max_side), reducing_gap=2.0)
    stem = _stem(file)
    cleaned = _encode(image, name=stem, as_png=image_format == "PNG")
    image.thumbnail((thumb_size, thumb_size), reducing_gap=2.0)
    thumb = _encode(image, name=f"{stem}-thumb", as_png=False)
    image.close()
    return cleaned, thumb


def make_thumbnail(file, *, size: int = 400) -> ContentFile:
    """Return a JPEG thumbnail, at most size pixels on its longer side, without metadata."""
    image, _ = _open_image(file, draft_side=size)
    image.thumbnail((size, size))
    return _encode(image, name=f"{_stem(file)}-thumb", as_png=False)


# Storage ---------------------------------------------------------------------------------


@deconstructible
@dataclass
class UploadPath:
    """The `upload_to` of a FileField: <prefix>/<year>/<random>.<ext> (see upload_path)."""

    prefix: str

    def __call__(self, instance, filename: str) -> str:
        ext = extension_of(filename)
        if not (ext.isascii() and ext.isalnum() and len(ext) <= 10):
            ext = "bin"
        year = clock.today().year
        return f"{self.prefix.strip('/')}/{year}/{uuid.uuid4().hex}.{ext}"


def upload_path(prefix: str) -> UploadPath:
    """Return an `upload_to` callable storing files as <prefix>/<year>/<uuid>.<ext>.

    The stored name is random (not guessable, no user text in paths); keep the original file
    name in a model field if it must be shown. Migrations can serialise it.
    """
    return UploadPath(prefix)


class SavedFiles:
    """The files stored during one `atomic_with_files` block."""

    def __init__(self) -> None:
        self.stored: list[tuple[Storage, str]] = []

    def save(self, field_file: FieldFile, name: str, content) -> str:
        """Store content in the field (without saving the model) and remember it.

        Store every file this way before saving the model: a file the model's save() stores
        by itself is not tracked.
        """
        field_file.save(name, content, save=False)
        self.track(field_file.storage, field_file.name)
        return field_file.name

    def track(self, storage: Storage, name: str) -> None:
        self.stored.append((storage, name))

    def delete_all(self) -> None:
        for storage, name in self.stored:
            with contextlib.suppress(OSError):
                storage.delete(name)
        self.stored.clear()


@contextlib.contextmanager
def atomic_with_files(using: str | None = None) -> Iterator[SavedFiles]:
    """Open transaction.atomic() and delete the files saved through it if it does not commit.

    Django has no on_rollback hook, so: when an exception leaves this block, the block's
    writes were rolled back and its files are deleted. A file is kept once the outermost
    transaction committed (an on_commit callback failing later does not delete it). Use this
    as the outermost atomic block of the service: if an enclosing transaction rolls back after
    this block succeeded, its files stay behind.
    """
    saved = SavedFiles()
    committed = False

    def mark_committed() -> None:
        nonlocal committed
        committed = True

    try:
        with transaction.atomic(using=using):
            transaction.on_commit(mark_committed, using=using)
            yield saved
    except BaseException:
        if not committed:
            saved.delete_all()
        raise


# Downloads -------------------------------------------------------------------------------


def content_type_for(name: str) -> str:
    """Return the content type the portal serves a stored file with (never text/html)."""
    return CONTENT_TYPES.get(extension_of(name), "application/octet-stream")


def file_response(field_file: FieldFile, *, filename: str, inline: bool = False) -> FileResponse:
    """Stream a stored file with a safe content type, nosniff and a UTF-8 filename.

    Only PDF, JPEG/PNG and video may be shown inline; everything else is an attachment. The
    stored file's extension is added to filename when it lacks it.
    """
    content_type = content_type_for(field_file.name)
    ext = extension_of(field_file.name)
    if ext and extension_of(filename) != ext:
        filename = f"{filename}.{ext}"
    inline = inline and content_type in INLINE_TYPES

    field_file.open("rb")
    response = ProtectedFileResponse(
        field_file.file,
        content_type=content_type,
        storage=field_file.storage,
        name=field_file.name,
    )
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    return response
