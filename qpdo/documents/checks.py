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
