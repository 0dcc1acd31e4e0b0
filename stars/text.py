"""Count characters the way a person counts them against a 字数 limit (“1500字以内”).

Mirrored line for line by static/stars/deeds-counter.js, so the live counter and the server
agree on every text:

- the text is NFC-normalised first (a letter typed with a combining accent is one letter);
- whitespace (spaces, full-width spaces, tabs, line breaks) is not counted;
- combining marks, variation selectors and invisible format characters are not counted;
- an emoji sequence joined with ZWJ, carrying a skin tone, or a pair of regional indicators
  (a flag) counts once;
- every other character counts one: a Chinese character, a full-width or half-width punctuation
  mark, a letter, a digit.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata

from fontTools.ttLib import TTCollection, TTFont

ZWJ = "\u200d"
SKIN_TONES = range(0x1F3FB, 0x1F400)
REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)


def count_chars(text: str) -> int:
    """Return how many characters a person counts in `text`."""
    count = 0
    joined = False  # the previous character was a ZWJ: this one joins the sequence
    pending_flag = False  # one regional indicator seen, waiting for its pair
    for char in unicodedata.normalize("NFC", text or ""):
        code = ord(char)
        if char == ZWJ:
            joined = True
            continue
        if char.isspace():
            joined = pending_flag = False
            continue
        category = unicodedata.category(char)
        if category.startswith("M") or category == "Cf" or code in SKIN_TONES:
            continue
        if joined:
            joined = False
            continue
        if code in REGIONAL_INDICATORS:
            if pending_flag:
                pending_flag = False
                continue
            pending_flag = True
        else:
            pending_flag = False
        count += 1
    return count


def normalise_text(text: str) -> str:
    """Return multi-line text with unified line breaks and no trailing blanks."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def excerpt(text: str, limit: int = 120) -> str:
    """Return the beginning of text, at most `limit` characters, ending at a sentence if near."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    stop = max(cut.rfind(mark) for mark in "。；！？")
    if stop >= limit * 0.6:
        return cut[: stop + 1]
    return cut.rstrip("，、；：") + "……"


@functools.cache
def _printable_codepoints() -> frozenset[int] | None:
    """Return the code points the printed form's serif CJK face can draw (None if unknown)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    path = subprocess.run(
        [fc_match, "-f", "%{file}", "Noto Serif CJK SC:lang=zh-cn"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout.strip()
    if not path:
        return None

    fonts = TTCollection(path).fonts if path.endswith(".ttc") else [TTFont(path)]
    covered: set[int] = set()
    for font in fonts:
        covered.update(font.getBestCmap() or {})
    return frozenset(covered)


def unprintable_chars(text: str) -> list[str]:
    """Return the distinct characters of text the printed 申报表 cannot show (e.g. emoji)."""
    covered = _printable_codepoints()
    if covered is None:
        return []
    found: list[str] = []
    for char in unicodedata.normalize("NFC", text or ""):
        if char.isspace() or ord(char) in covered or unicodedata.category(char) == "Cf":
            continue
        if char not in found:
            found.append(char)
    return found
