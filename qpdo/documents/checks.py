"""System checks of the documents app, shown by `manage.py check`."""

from __future__ import annotations

from django.core import checks

from . import fonts

TAG = "documents"


def cjk_fonts_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Return an error when the CJK fonts that PDFs need are not installed."""
    missing = fonts.missing_families()
    if not missing:
        return []
    return [checks.Error(fonts.missing_fonts_message(missing), id="documents.E001")]


HARFBUZZ_SUBSET_MESSAGE = (
    "未找到 HarfBuzz 子集库（libharfbuzz-subset0）：WeasyPrint 将改用 fontTools 嵌入中文字体，"
    "每份 PDF 慢约 40 倍；请以 root 运行 apt-get install libharfbuzz-subset0。"
)


def harfbuzz_subset_available() -> bool:
    """Return whether WeasyPrint subsets fonts with HarfBuzz (not the slow fontTools fallback)."""
    try:
        # inline: the check reports a missing Pango instead of failing at import
        from weasyprint.text import ffi
    except (ImportError, OSError):  # no Pango at all: the fonts check and PDF views say so
        return True
    return ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))


def harfbuzz_subset_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Return a warning when WeasyPrint would fall back to fontTools to subset fonts."""
    if harfbuzz_subset_available():
        return []
    return [checks.Warning(HARFBUZZ_SUBSET_MESSAGE, id="documents.W002")]
