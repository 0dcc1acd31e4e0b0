"""The system check that stops the portal when the CJK fonts are missing."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from qpdo.documents import fonts
from qpdo.documents.checks import cjk_fonts_check, harfbuzz_subset_check


@pytest.fixture
def no_cjk_fonts(monkeypatch):
    """Pretend fontconfig knows no Chinese font (the outside world, not our code)."""
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"DejaVu Sans"}))


def test_cjk_fonts_check_passes_with_fonts_installed():
    assert cjk_fonts_check() == []


def test_cjk_fonts_check_errors_in_one_chinese_line(no_cjk_fonts):
    [error] = cjk_fonts_check()
    assert error.level == checks.ERROR
    assert error.id == "documents.E001"
    assert "缺少中文字体 Noto Serif CJK SC、Noto Sans CJK SC" in error.msg
    assert "apt-get install fonts-noto-cjk" in error.msg
    assert "\n" not in error.msg


def test_cjk_fonts_check_is_registered_for_manage_py_check(no_cjk_fonts):
    with pytest.raises(SystemCheckError, match=r"documents\.E001.*fonts-noto-cjk"):
        call_command("check", tags=["documents"])


def test_cjk_fonts_check_runs_in_plain_check(monkeypatch):
    monkeypatch.setattr(fonts, "missing_families", lambda: ["Noto Sans CJK SC"])
    assert [message.id for message in checks.run_checks()].count("documents.E001") == 1


def test_harfbuzz_subset_check_passes_when_the_library_is_installed():
    assert harfbuzz_subset_check() == []


def test_harfbuzz_subset_check_warns_in_one_chinese_line_without_it(monkeypatch):
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)  # the Debian library is not installed
    [warning] = harfbuzz_subset_check()
    assert warning.level == checks.WARNING
    assert warning.id == "documents.W002"
    assert "libharfbuzz-subset0" in warning.msg and "fontTools" in warning.msg
    assert "\n" not in warning.msg
    assert "documents.W002" in [m.id for m in checks.run_checks(tags=["documents"])]
