"""Template helpers of the printed 申报表: {% load stars_print %}."""

from django import template
from django.utils.safestring import SafeString

from qpdo.documents.qr import qr_svg
from stars.text import excerpt as make_excerpt

register = template.Library()


@register.filter
def print_qr(value) -> SafeString:
    """Return the QR code of value as inline SVG (safe to repeat in a batch document)."""
    return qr_svg(str(value))


@register.filter
def paragraphs(text: str) -> list[str]:
    """Return the non-empty paragraphs of a multi-line text."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def excerpt(text: str, limit: int = 120) -> str:
    """Return the beginning of a text for a summary card."""

    return make_excerpt(text, int(limit))
