"""Fixtures of the documents tests: the sample templates and small files made on the spot."""

from __future__ import annotations

import copy
import io
from pathlib import Path

from PIL import Image

TEMPLATES_DIR = Path(__file__).parent / "templates"


def with_sample_templates(templates: list[dict]) -> list[dict]:
    """Return TEMPLATES that can also load tests/documents/templates (documents_test/…)."""
    templates = copy.deepcopy(templates)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES_DIR]
    return templates


def image_bytes(fmt: str, size: tuple[int, int] = (40, 20), **save_args) -> bytes:
    """Return a small picture encoded as fmt ('PNG', 'JPEG', 'HEIF')."""
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt, **save_args)
    return buffer.getvalue()


def gps_exif(orientation: int = 1) -> bytes:
    """Return EXIF with a GPS position in Qingpu, a camera make and an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (31.0, 9.0, 0.0), 3: "E", 4: (121.0, 7.0, 0.0)}  # GPSInfo
    return exif.tobytes()
