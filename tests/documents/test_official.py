"""Official documents: Chinese section numbers, one outline rendered as Word and as A4 PDF."""

from __future__ import annotations

import io
import subprocess

import pytest
from docx import Document
from docx.shared import Mm
from PIL import Image

from qpdo.documents.images import BarGroup, BarValue, bar_chart_png
from qpdo.documents.official import Block, Numbering, chinese_number, outline_docx, outline_pdf


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]
    with pytest.raises(ValueError):
        chinese_number(0)


def test_numbering_restarts_below_each_level():
    numbering = Numbering()
    assert [numbering.next(level) for level in (1, 2, 2, 3, 3, 1, 2, 3)] == [
        "一、",
        "（一）",
        "（二）",
        "1.",
        "2.",
        "二、",
        "（一）",
        "1.",
    ]


@pytest.fixture
def outline():
    chart = bar_chart_png(
        [BarGroup("朱家角镇", [BarValue(50.0, "1/2（50%）", True), BarValue(None, "无登记")])],
        series=["学校", "社区"],
        title="覆盖情况",
        target=100,
    )
    return [
        Block("title", text="某单位2024年度工作总结"),
        Block("number", text="〔2024〕　　号"),
        Block("heading", level=1, text="一、总体情况"),
        Block("para", text="第一段。\n第二段。"),
        Block("heading", level=2, text="（一）统计"),
        Block("table", headers=["项目", "数量"], rows=[["活动", 3]], widths=[60, 40]),
        Block("image", data=chart, width_mm=150, text="图：覆盖情况"),
        Block("signature", lines=["某单位", "2024年12月20日"]),
    ]


def test_outline_as_word_keeps_gbt_9704_page_headings_and_cells(outline):
    document = Document(io.BytesIO(outline_docx(outline)))
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m / Mm(1)) for m in margins] == [37, 35, 28, 26]
    assert [p.text for p in document.paragraphs if p.style.name.startswith("Heading")] == [
        "一、总体情况",
        "（一）统计",
    ]
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["某单位2024年度工作总结", "〔2024〕　　号"]
    assert "第二段。" in texts and "2024年12月20日" in texts
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [
        ["项目", "数量"],
        ["活动", "3"],
    ]
    assert len(document.inline_shapes) == 1


def test_outline_as_pdf_is_a4_text(outline, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(outline_pdf(outline, title="某单位2024年度工作总结"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    for expected in ("某单位2024年度工作总结", "一、总体情况", "（一）统计", "第二段。", "活动"):
        assert expected in text
    assert (
        "595.276 x 841.89"
        in subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    )


def test_bar_chart_is_a_png_drawn_on_the_server():
    data = bar_chart_png(
        [BarGroup(f"镇{n}", [BarValue(n * 10.0, f"{n}0%")]) for n in range(1, 6)],
        series=["学校"],
        target=100,
    )
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width > 1000
    # The bars are drawn: the first series' colour is in the picture.
    assert (0x1F, 0x5F, 0xA8) in {colour for _, colour in image.getcolors(100000)}
