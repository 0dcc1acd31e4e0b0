"""QR codes and verification codes for printed forms."""

from __future__ import annotations

import re

from django.template import engines

from qpdo.documents.qr import check_verification_code, qr_svg, verification_code


def test_qr_svg_is_inline_svg():
    svg = qr_svg("https://portal.example/verify/ABCDE12345?x=1&y=<2>")
    assert svg.startswith("<svg")
    assert not svg.startswith("<?xml")
    assert "<path" in svg
    assert "<2>" not in svg


def test_qr_svg_filter_in_template():
    template = engines["django"].from_string("{% load documents %}{{ link|qr_svg }}")
    html = template.render({"link": "https://portal.example/a"})
    assert html.startswith("<svg")  # not escaped


def test_verification_code_is_short_base32_and_stable():
    code = verification_code("nomination", 12, "2024-10-20")
    assert re.fullmatch(r"[A-Z2-7]{10}", code)
    assert verification_code("nomination", 12, "2024-10-20") == code


def test_verification_code_changes_with_any_part():
    code = verification_code("nomination", 12, "主要事迹")
    assert verification_code("nomination", 13, "主要事迹") != code
    assert verification_code("nomination", 12, "主要事迹。") != code
    assert verification_code("nomination", "12主要事迹") != code  # parts do not run together


def test_verification_code_depends_on_secret_key(settings):
    code = verification_code("sheet", 1)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert verification_code("sheet", 1) != code


def test_check_verification_code_accepts_typed_forms_and_old_keys(settings):
    code = verification_code("sheet", 7)
    assert check_verification_code(f" {code[:5].lower()}-{code[5:]} ", "sheet", 7)
    assert not check_verification_code(code, "sheet", 8)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "rotated-secret-key-for-this-test-only-0123456789"
    assert check_verification_code(code, "sheet", 7)
