"""QR codes and verification codes for printed forms.

A paper copy carries a short code (and a QR code of a portal link with it); the portal
recomputes the code from the record to tell a genuine print from an altered one.
"""

from __future__ import annotations

import base64
import io
import json

import qrcode
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.safestring import SafeString, mark_safe

VERIFICATION_SALT = "qpdo.documents.verification_code"
CODE_LENGTH = 10
QR_MASK_PATTERN = 2


def qr_svg(data: str) -> SafeString:
    """Return an inline <svg> QR code of data, ready to place in an HTML or PDF template.

    One module is 1 mm wide; scale it with CSS (width/height) where it sits.
    The mask pattern is fixed: choosing the "best" of the eight (the library's default) lays
    the code out nine times, which made the QR codes a fifth of a 50-form batch PDF's time.
    Every mask is valid; scanners read any of them.
    """
    code = qrcode.QRCode(border=2, mask_pattern=QR_MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # with the border
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):  # one rectangle per horizontal run of dark modules
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start},{y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    # The SVG is path geometry only, the data never appears in it as text: safe to output.
    svg = (
        f'<svg width="{size}mm" height="{size}mm" version="1.1" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg"><path d="{"".join(runs)}"/></svg>'
    )
    return mark_safe(svg)


def qr_png(data: str, *, box_size: int = 8) -> bytes:
    """Return a QR code of data as PNG bytes (for Word files, which take no SVG)."""
    buffer = io.BytesIO()
    qrcode.make(data, border=2, box_size=box_size).save(buffer, format="PNG")
    return buffer.getvalue()


def _code(parts: tuple[object, ...], secret: str) -> str:
    message = json.dumps([str(part) for part in parts], ensure_ascii=False)
    digest = salted_hmac(VERIFICATION_SALT, message, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def verification_code(*parts: object) -> str:
    """Return a 10-character code (A-Z, 2-7) that only the portal can compute for these parts.

    Pass what the paper must prove, e.g. the record's kind, id and the decisive content or
    its version; any change in a part gives another code.
    """
    return _code(parts, settings.SECRET_KEY)


def check_verification_code(code: str, *parts: object) -> bool:
    """Return whether code, as typed from paper, belongs to these parts (old keys accepted)."""
    typed = "".join(code.split()).replace("-", "").upper()
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(typed, _code(parts, secret)) for secret in secrets)
