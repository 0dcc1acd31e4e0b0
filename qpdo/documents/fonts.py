"""Check that the CJK fonts PDFs need are installed (Debian's fonts-noto-cjk)."""

from __future__ import annotations

import functools
import shutil
import subprocess

REQUIRED_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
INSTALL_HINT = "请以 root 运行 apt-get install fonts-noto-cjk 安装"


class MissingFontError(RuntimeError):
    """A CJK font is missing: PDFs would print boxes instead of Chinese."""


@functools.cache
def installed_families() -> frozenset[str]:
    """Return the font families fontconfig knows for Chinese (cached for the process)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    output = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    families = set()
    for line in output.splitlines():
        families.update(name.strip() for name in line.split(","))
    return frozenset(families)


def missing_families() -> list[str]:
    """Return the required CJK families that are not installed."""
    families = installed_families()
    return [name for name in REQUIRED_FAMILIES if name not in families]


def ensure_cjk_fonts() -> None:
    """Raise MissingFontError naming the missing fonts and how to install them."""
    missing = missing_families()
    if missing:
        raise MissingFontError(missing_fonts_message(missing))


def missing_fonts_message(missing: list[str]) -> str:
    """Return the one Chinese line that names the missing fonts and how to install them."""
    return f"缺少中文字体 {'、'.join(missing)}，PDF 无法正确显示中文。{INSTALL_HINT}。"
