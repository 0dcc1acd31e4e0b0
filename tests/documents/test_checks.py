"""The system check that stops the portal when the CJK fonts are missing."""

from __future__ import annotations

import subprocess

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from qpdo.documents import fonts
from qpdo.documents.checks import cjk_fonts_check, harfbuzz_subset_check


@pytest.fixture
def fc_list_says(monkeypatch):
    """Make fontconfig's `fc-list :lang=zh family` (the outside world) print the given lines.

    Only the call to fc-list is replaced: our parsing and checking of its output run as in
    production. The process-wide cache of installed families is cleared before and after.
    """
    real_run = subprocess.run
    calls = []

    def say(output: str):
        def fake_run(args, *a, **kw):
            if not str(args[0]).endswith("fc-list"):
                return real_run(args, *a, **kw)
            calls.append(list(args))
            return subprocess.CompletedProcess(args, 0, stdout=output, stderr="")

        monkeypatch.setattr(fonts.shutil, "which", lambda name: f"/usr/bin/{name}")
        monkeypatch.setattr(fonts.subprocess, "run", fake_run)
        fonts.installed_families.cache_clear()
        return calls

    yield say
    fonts.installed_families.cache_clear()


@pytest.fixture
def no_cjk_fonts(fc_list_says):
    """fontconfig knows no Simplified Chinese face: only DejaVu and the Japanese Noto."""
    return fc_list_says("DejaVu Sans\nNoto Sans CJK JP,Noto Sans CJK JP Regular\n")


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


def test_cjk_fonts_check_runs_in_plain_check(fc_list_says):
    # fc-list lists several names per family, comma-separated; the serif face is missing.
    calls = fc_list_says(
        "Noto Sans CJK SC,Noto Sans CJK SC Regular\nNoto Sans Mono CJK SC,Noto Sans Mono CJK SC\n"
    )
    messages = [m for m in checks.run_checks() if m.id == "documents.E001"]
    assert len(messages) == 1
    assert "缺少中文字体 Noto Serif CJK SC，" in messages[0].msg
    assert calls == [["/usr/bin/fc-list", ":lang=zh", "family"]]


def test_cjk_fonts_check_passes_when_fc_list_lists_both_faces(fc_list_says):
    fc_list_says(
        "Noto Serif CJK SC,Noto Serif CJK SC SemiBold\nNoto Sans CJK SC,Noto Sans CJK SC Bold\n"
    )
    assert cjk_fonts_check() == []


def test_cjk_fonts_check_errors_without_fc_list(monkeypatch):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    fonts.installed_families.cache_clear()
    try:
        [error] = cjk_fonts_check()
        assert "Noto Serif CJK SC、Noto Sans CJK SC" in error.msg
    finally:
        fonts.installed_families.cache_clear()


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
