"""The printed 申报表 mirrors 附表2: every field, each opinion with signer and date (or a blank
年 月 日), the title, embedded CJK fonts, A4 with the GB/T 9704 margins; 1500 characters of
deeds continue onto a second page with the header row repeated."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from stars import selectors, services
from stars.exports import NominationPdfExporter

LONG_DEEDS = Path(__file__).parents[2] / "fixtures" / "demo" / "stars_nominations.json"
TITLE = "青浦区国防动员办公室“岗位之星”申报表"
MM = 72 / 25.4


def long_deeds() -> str:
    import json

    rows = json.loads(LONG_DEEDS.read_text(encoding="utf-8"))
    return next(r["deeds"] for r in rows if r["nominee"] == "胡晓琳")


def render(user, nominations) -> bytes:
    forms = services.nomination_print_forms(
        acting_user=user,
        nominations=[selectors.nomination_get_for(user=user, pk=n.pk) for n in nominations],
        verify_url=lambda code: f"http://portal.test/stars/verify/?code={code}",
    )
    return NominationPdfExporter(forms, title="测试").render()


def pdftotext(data: bytes, tmp_path, *, layout=False) -> list[str]:
    """Return the text of each page, as pdftotext reads it."""
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def approved(make_nomination, advance, demo_user):
    return advance(make_nomination("baozhang_head"))


def test_pdf_shows_every_field_and_opinion(approved, demo_user, tmp_path):
    data = render(demo_user("baozhang_head"), [approved])
    pages = pdftotext(data, tmp_path)
    assert len(pages) == 1
    text = flat(pages[0])
    assert TITLE in text
    for label in [
        "姓名",
        "性别",
        "籍贯",
        "政治面貌",
        "学历",
        "出生年月",
        "申报类别",
        "工作岗位",
        "在岗年限",
        "推荐科室",
        "主要事迹",
        "（1500字以内）",
        "推荐科室意见",
        "办机关党支部意见",
        "办党组意见",
    ]:
        assert label in text, label
    for value in [
        "胡晓琳",
        "女",
        "上海青浦",
        "中共党员",
        "大学专科",
        "1989年8月",
        "城市防护",
        "通信警报",
        "5年",
        "民防管理保障中心",
    ]:
        assert value in text, value
    assert flat("该同志长期从事人民防空通信警报工作") in text
    assert_opinions_in_order(
        text,
        [
            ("该同志表现突出，同意推荐。", "签名：徐明2024年10月18日"),
            ("经支部委员会研究，同意推荐。", "签名：蒋丽华2024年10月21日"),
            ("同意推荐为“岗位之星”候选人选。", "签名：陆振华2024年10月28日"),
        ],
    )


def assert_opinions_in_order(text: str, cells: list[tuple[str, str]]) -> None:
    """Each opinion appears with its own signer and date: text, then signature, then the next."""
    position = 0
    for opinion, signature in cells:
        position = text.index(signature, text.index(opinion, position))


def test_undecided_opinions_print_blank_dates(make_nomination, advance, demo_user, tmp_path):
    nomination = advance(make_nomination("baozhang_head"), to="branch")
    text = flat(pdftotext(render(demo_user("baozhang_head"), [nomination]), tmp_path)[0])
    assert "签名：徐明2024年10月18日" in text
    assert text.count("年月日") == 2  # 办机关党支部意见 and 办党组意见 still blank
    assert "蒋丽华" not in text


def test_pdf_is_a4_with_embedded_serif_cjk_fonts_and_bold_title(approved, demo_user, tmp_path):
    data = render(demo_user("baozhang_head"), [approved])
    page = PdfReader(io.BytesIO(data)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width / MM), round(height / MM)) == (210, 297)
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line for line in listing.stdout.splitlines()[2:] if "CJK" in line]
    assert rows and all(line.split()[-5] == "yes" for line in rows)  # emb column
    names = " ".join(line.split()[0] for line in rows)
    assert "Noto-Serif-CJK-SC-Bold" in names and "Noto-Serif-CJK-SC " in names + " "
    sizes = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.append((text.strip(), font_size * tm[0] * cm[0] if tm[0] else font_size))

    page.extract_text(visitor_text=visit)
    title_sizes = [size for text, size in sizes if "申报表" in text and "岗位之星" in text]
    assert title_sizes and round(title_sizes[0]) == 22


def test_pdf_margins_follow_gb_t_9704(approved, demo_user, tmp_path):
    """The text block starts 37 mm from the top and 28 mm from the left (the table's border)."""
    data = render(demo_user("baozhang_head"), [approved])
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    tops = [float(m) for m in re.findall(r'yMin="([\d.]+)"', bbox)]
    lefts = [float(m) for m in re.findall(r'xMin="([\d.]+)"', bbox)]
    # Glyph boxes reach a little above the line box: allow 1 mm.
    assert tops and 36 <= min(tops) / MM < 45  # the title sits at the top of the text block
    assert 27.5 <= min(lefts) / MM < 32  # the table's first column starts at the left margin
    rights = [float(m) for m in re.findall(r'xMax="([\d.]+)"', bbox)]
    assert 210 - max(rights) / MM >= 26 - 0.5


def test_1500_characters_continue_on_a_second_page_with_the_header(
    make_nomination, advance, demo_user, tmp_path
):
    deeds = long_deeds()
    from stars.text import count_chars

    assert count_chars(deeds) == 1500
    nomination = advance(make_nomination("baozhang_head", deeds=deeds))
    pages = pdftotext(render(demo_user("baozhang_head"), [nomination]), tmp_path)
    assert len(pages) == 2
    first, second = flat(pages[0]), flat(pages[1])
    assert TITLE in first and TITLE not in second
    # The header row (姓名 · 性别 · 籍贯) repeats at the top of the continuation page.
    assert second.startswith("姓名胡晓琳性别女籍贯上海青浦")
    # Nothing is clipped: every paragraph is printed from its first to its last characters.
    whole = first + second
    for paragraph in deeds.splitlines():
        assert flat(paragraph)[:20] in whole and flat(paragraph)[-20:] in whole
    assert "签名：陆振华2024年10月28日" in second
    assert "第1页" in first and "第2页" in second


def test_batch_is_one_document_with_each_form_numbered_from_one(
    approved_nominations, demo_user, tmp_path
):
    nominations = approved_nominations(3)
    data = render(demo_user("party_branch"), nominations)
    pages = pdftotext(data, tmp_path)
    assert len(pages) == 3
    for page, nomination in zip(pages, nominations, strict=True):
        text = flat(page)
        assert TITLE in text and nomination.name in text
        assert "第1页" in text
    path = tmp_path / "form.pdf"
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    # The fonts are embedded once for the whole batch, not once per form.
    names = [line.split()[0] for line in listing.stdout.splitlines()[2:]]
    assert len(names) == len(set(names))


def test_printed_form_carries_its_verification_code(approved, demo_user, tmp_path):
    text = flat(pdftotext(render(demo_user("baozhang_head"), [approved]), tmp_path)[0])
    copy = approved.printed_copies.get()
    assert f"校验码{copy.code[:5]}-{copy.code[5:]}" in text
    assert "打印时状态：已通过" in text
