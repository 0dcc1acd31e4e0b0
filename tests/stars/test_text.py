"""Characters are counted as a person counts them against “1500字以内”."""

import pytest

from stars.text import count_chars, excerpt, normalise_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("青浦区国防动员办公室", 10),
        ("青浦 国防\n动员", 6),  # spaces and line breaks are not counted
        ("第一段。\r\n\r\n第二段。", 8),  # Windows line breaks neither
        ("　全角空格", 4),  # nor the full-width space
        ("，。！？“”", 6),  # every punctuation mark is one
        ("GIS系统2024", 9),  # letters and digits one each
        ("e\u0301", 1),  # a letter with a combining accent is one letter
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", 1),  # a ZWJ family emoji
        ("\U0001f44d\U0001f3fd", 1),  # thumbs up with a skin tone
        ("\U0001f1e8\U0001f1f3", 1),  # a flag is a pair of regional indicators
        ("\u200b字\ufeff", 1),  # invisible format characters
        ("𠀀𠀁", 2),  # characters outside the BMP (two UTF-16 units each) count one
    ],
)
def test_count_chars_table(text, expected):
    assert count_chars(text) == expected


def test_normalise_text_unifies_line_breaks_and_trims():
    assert normalise_text("  一段  \r\n二段\r三段  \n\n") == "一段\n二段\n三段"


def test_excerpt_ends_at_a_sentence_when_near():
    text = "第一句话写得比较长一些。" * 20
    assert excerpt(text, 50).endswith("。")
    assert len(excerpt(text, 50)) <= 50
