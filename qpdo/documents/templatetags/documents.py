"""Template helpers for printed documents: {% load documents %} {{ url|qr_svg }}."""

from django import template
from django.utils.safestring import SafeString

from ..qr import qr_svg as make_qr_svg

register = template.Library()


@register.filter
def qr_svg(value) -> SafeString:
    """Return an inline SVG QR code of the value."""
    return make_qr_svg(str(value))
