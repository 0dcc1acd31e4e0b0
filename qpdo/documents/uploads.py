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
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.deconstruct import deconstructible

from qpdo.org import clock

from .pdf import content_disposition

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


# Images ---------------------------------------------------------------------------------


@functools.cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def _open_image(file):
    """Return the image turned upright, and its format ('JPEG', 'PNG', 'HEIF')."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    _register_heif()
    try:
        with _rewound(file) as raw:
            image = Image.open(raw)
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as e:
        raise ValidationError(
            "无法读取图片，请上传 JPEG、PNG 或 HEIC 格式的照片。", code="image_unreadable"
        ) from e
    # Apply the orientation tag before it goes away with the rest of the metadata.
    return ImageOps.exif_transpose(image), image.format


def _encode(image, *, name: str, as_png: bool) -> ContentFile:
    icc_profile = image.info.get("icc_profile")  # colours, not personal data
    buffer = io.BytesIO()
    if as_png:
        image.info = {k: v for k, v in image.info.items() if k == "transparency"}
        image.save(buffer, format="PNG", icc_profile=icc_profile, optimize=True)
        return ContentFile(buffer.getvalue(), name=f"{name}.png")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = _on_white(image)
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info = {}  # drop EXIF, XMP, comments: keep only the pixels (and their colours)
    image.save(buffer, format="JPEG", quality=88, icc_profile=icc_profile, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{name}.jpg")


def _on_white(image):
    from PIL import Image

    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _stem(file) -> str:
    return posixpath.splitext(posixpath.basename(file.name or ""))[0] or "image"


def clean_image(file, *, max_side: int = 4096) -> ContentFile:
    """Return the image re-encoded without EXIF/GPS or other metadata, HEIC turned into JPEG.

    PNG stays PNG; everything else becomes JPEG. The picture is turned upright and shrunk to
    at most max_side pixels on its longer side. The returned file's name is ready to save.
    """
    image, image_format = _open_image(file)
    image.thumbnail((max_side, max_side))
    return _encode(image, name=_stem(file), as_png=image_format == "PNG")


def make_thumbnail(file, *, size: int = 400) -> ContentFile:
    """Return a JPEG thumbnail, at most size pixels on its longer side, without metadata."""
    image, _ = _open_image(file)
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
    from .serving import ProtectedFileResponse

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
