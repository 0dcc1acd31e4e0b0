"""Exports of the 岗位之星 programme: the printed 申报表 (PDF) and two Excel tables.

Fed by selectors; the engines (WeasyPrint, openpyxl with formula neutralisation) live in
qpdo.documents.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.styles import Alignment

from qpdo.documents import word
from qpdo.documents.excel import Column, XlsxExporter
from qpdo.documents.pdf import render_pdf
from qpdo.documents.qr import qr_png
from qpdo.org.dates import cn_month

from .enums import Standard
from .selectors import is_star, nomination_competition_text, with_competition_texts


class NominationPdfExporter:
    """One or many 申报表 as ONE HTML document rendered to one PDF (fonts embedded once)."""

    template_name = "stars/nomination/pdf.html"

    def __init__(self, forms: list[dict], *, title: str) -> None:
        self.forms = forms
        self.title = title

    def context(self) -> dict:
        return {
            "forms": self.forms,
            "title": self.title,
            "office_name": settings.QPDO_OFFICE_NAME,
            "form_title": "青浦区国防动员办公室“岗位之星”申报表",
        }

    def render(self) -> bytes:
        return render_pdf(self.template_name, self.context())


class PostTablePdfExporter:
    """附表1 培树工作分工表 on A4, laid out as the notice prints it: 序号, 类别 (one cell over its
    posts), 岗位名称, 业务责任部门 (the unit's name for print, e.g. 管理保障中心), 培树形式."""

    template_name = "stars/post/pdf.html"

    def __init__(self, posts, *, star_year) -> None:
        self.posts = list(posts)
        self.star_year = star_year
        self.filename = f"{star_year.year}年度岗位之星培树工作分工表.pdf"

    def groups(self) -> list[dict]:
        groups: list[dict] = []
        for post in self.posts:
            if not groups or groups[-1]["category"] != post.category.name:
                groups.append({"category": post.category.name, "posts": []})
            groups[-1]["posts"].append(post)
        return groups

    def render(self) -> bytes:
        return render_pdf(
            self.template_name,
            {
                "title": "青浦区国防动员办公室“岗位之星”培树工作分工表",
                "year": self.star_year.year,
                "groups": self.groups(),
                "office_name": settings.QPDO_OFFICE_NAME,
            },
        )


def _score(value) -> float | None:
    return round(float(value), 2) if value is not None else None


class NominationSummaryExporter(XlsxExporter):
    """申报汇总表: post, category, unit, name, source, state, scores, selected."""

    sheet_name = "申报汇总"

    def __init__(self, nominations: Iterable, *, star_year, with_scores: bool) -> None:
        self.nominations = with_competition_texts(nominations)
        self.star_year = star_year
        self.with_scores = with_scores
        self.title = f"{star_year.year}年度“岗位之星”申报汇总表"
        self.filename = f"{star_year.year}年度岗位之星申报汇总表.xlsx"
        columns = [
            Column("序号", 6),
            Column("申报类别", 10),
            Column("工作岗位", 10),
            Column("推荐科室", 16),
            Column("姓名", 10),
            Column("性别", 6),
            Column("政治面貌", 12),
            Column("出生年月", 10),
            Column("在岗年限", 8),
            Column("产生方式", 14),
            Column("比武成绩", 30),
            Column("审批状态", 20),
        ]
        if with_scores:
            columns += [Column(f"{s.label}（均分）", 12) for s in Standard]
            columns += [Column("总分（均分）", 10), Column("评分人数", 8)]
        if with_scores or star_year.is_announced:
            columns.append(Column("确定为“岗位之星”", 12))
        self.columns = columns

    def rows(self):
        for index, n in enumerate(self.nominations, start=1):
            row = [
                index,
                n.post.category.name if n.post_id else "",
                n.post.name if n.post_id else "",
                n.unit.name,
                n.name,
                n.get_gender_display(),
                n.get_political_status_display(),
                cn_month(n.birth_month),
                n.years_on_post,
                n.get_source_display(),
                nomination_competition_text(n),
                n.approval.state_label,
            ]
            if self.with_scores:
                row += [
                    _score(n.avg_political),
                    _score(n.avg_skill),
                    _score(n.avg_performance),
                    _score(n.avg_total),
                    n.score_count,
                ]
            if self.with_scores or self.star_year.is_announced:
                row.append(_is_star(n))
            yield row


class PostTableExporter(XlsxExporter):
    """附表1 培树工作分工表 with the nominees of each post (category cells merged as on paper)."""

    sheet_name = "培树工作分工表"
    columns = [
        Column("序号", 6),
        Column("类别", 10),
        Column("岗位名称", 12),
        Column("业务责任部门", 16),
        Column("培树形式", 20),
        Column("培树工作实施计划", 18),
        Column("培树对象初步人选", 40),
        Column("“岗位之星”", 14),
    ]

    def __init__(self, rows: list[dict], *, star_year, show_stars: bool) -> None:
        self.post_rows = rows
        self.star_year = star_year
        self.show_stars = show_stars
        self.title = f"青浦区国防动员办公室“岗位之星”培树工作分工表（{star_year.year}年）"
        self.filename = f"{star_year.year}年度岗位之星培树工作分工表.xlsx"

    def rows(self):
        for row in self.post_rows:
            post = row["post"]
            plan = row["plan"]
            nominees = row["nominees"]
            stars = [n.name for n in nominees if self.show_stars and _is_star(n)]
            yield [
                post.number,
                post.category.name,
                post.name,
                post.unit.print_label,
                post.get_form_display(),
                plan.approval.state_label
                if plan
                else ("已制定" if row["plan_exists"] else "未制定"),
                "、".join(
                    f"{n.name}（{n.unit.display_name}，{n.get_source_display() or '—'}）"
                    for n in nominees
                ),
                "、".join(stars),
            ]

    def render(self) -> bytes:
        data = super().render()
        # Merge each category's cells over its posts, as the paper table does.
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook.active
        first_data_row = 3  # row 1: title, row 2: headers
        start = first_data_row
        rows = self.post_rows
        for index in range(1, len(rows) + 1):
            end_of_group = index == len(rows) or (
                rows[index]["post"].category_id != rows[index - 1]["post"].category_id
            )
            if end_of_group:
                end = first_data_row + index - 1
                if end > start:
                    sheet.merge_cells(start_row=start, start_column=2, end_row=end, end_column=2)
                sheet.cell(start, 2).alignment = Alignment(vertical="center", horizontal="center")
                start = end + 1
        for row in sheet.iter_rows(min_row=first_data_row, min_col=7, max_col=7):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    # Word: the same rows (so the two never disagree), landscape for the eight columns.
    docx_widths_mm = (12, 22, 24, 36, 42, 32, 67, 32)  # 267 mm between the margins

    @property
    def docx_filename(self) -> str:
        return self.filename.removesuffix(".xlsx") + ".docx"

    def render_docx(self) -> bytes:
        doc = word.new_document(
            title=self.title, author=settings.QPDO_OFFICE_NAME, landscape=True, size=11
        )
        word.add_paragraph(doc, "附表1：", font=word.HEADING_FONT, size=16, space_after=8)
        word.add_title(doc, self.title, size=18, space_after=12)
        table = word.add_table(doc, widths_mm=self.docx_widths_mm)
        word.add_row(
            table, [c.header for c in self.columns], height_mm=10, header=True, bold=True, size=11
        )
        for values in self.rows():
            row = word.add_row(table, [str(v) for v in values], height_mm=10, size=11)
            word.set_cell(row.cells[6], values[6], size=10.5, align="left")
        start = 1
        rows = self.post_rows
        for index in range(1, len(rows) + 1):
            if index == len(rows) or (
                rows[index]["post"].category_id != rows[index - 1]["post"].category_id
            ):
                if index > start:
                    word.merge_cells(table, start, 1, index, 1)
                start = index + 1
        word.add_page_number_footer(doc, template="— {page} —", size=12)
        return word.render_docx(doc)


def _is_star(nomination) -> bool:
    return is_star(nomination)


class NominationDocxExporter:
    """The same 申报表 as Word: the paper form's grid, fields filled, opinions signed and dated.

    One section per form (a batch prints like separate forms: each has its own footer with
    the verification code and QR code, and its pages are numbered from 1).
    """

    widths_mm = (28, 30, 22, 26, 24, 26)  # the PDF's columns: 156 mm between the margins
    form_title = "青浦区国防动员办公室“岗位之星”申报表"

    def __init__(self, forms: list[dict], *, title: str) -> None:
        self.forms = forms
        self.title = title

    def render(self) -> bytes:
        doc = word.new_document(title=self.title, author=settings.QPDO_OFFICE_NAME)
        for index, form in enumerate(self.forms):
            section = doc.sections[0] if index == 0 else word.add_section(doc)
            self._footer(doc, section, form)
            self._form(doc, form)
        return word.render_docx(doc)

    def _footer(self, doc, section, form: dict) -> None:
        footer = section.footer
        table = word.add_table(footer, widths_mm=(20, 110, 26), border_eighths=0)
        word.add_row(table, keep_together=False, valign="top")
        qr_cell, text_cell, page_cell = table.rows[0].cells
        word.add_picture(qr_cell.paragraphs[0], qr_png(form["verify_url"]), width_mm=17)
        fields = form["fields"]
        state = form["state_label"] + ("（草稿，未提交）" if form["is_draft"] else "")
        late = " · 逾期报送" if form["is_late"] else ""
        word.set_cell(
            text_cell,
            [
                f"校验码 {form['code_display']}",
                f"申报人：{fields.get('姓名', '')} · 打印时状态：{state}{late}",
                "扫描二维码或登录门户“岗位之星—申报表校验”输入校验码，"
                "可核对本表是否与门户中的最新内容一致。",
            ],
            size=8.5,
            align="left",
            valign="top",
        )
        page_cell.paragraphs[0].alignment = word.ALIGN["right"]
        word.add_text(page_cell.paragraphs[0], "第 ", size=word.SIZE_SMALL_5)
        word.add_field(page_cell.paragraphs[0], "PAGE", size=word.SIZE_SMALL_5)
        word.add_text(page_cell.paragraphs[0], " 页", size=word.SIZE_SMALL_5)
        # The footer's own empty first paragraph stays (Word needs one): keep it small.
        footer.paragraphs[0].paragraph_format.space_after = 0

    def _form(self, doc, form: dict) -> None:
        fields = form["fields"]
        word.add_title(doc, self.form_title, space_after=17)
        table = word.add_table(doc, widths_mm=self.widths_mm)
        # The PDF pads labels by 0.8 mm: "办机关党支部" fits its 28 mm on one line.
        word.set_cell_margins(table, left_mm=1.0, right_mm=1.0)
        pairs = (
            ("姓名", "性别", "籍贯"),
            ("政治面貌", "学历", "出生年月"),
            ("申报类别", "工作岗位", "在岗年限"),
        )
        for number, labels in enumerate(pairs):
            values = [part for label in labels for part in (label, fields.get(label, ""))]
            word.add_row(table, values, height_mm=8, header=number == 0)
        word.add_row(table, ["推荐科室", fields.get("推荐科室", "")], height_mm=8)
        word.merge_cells(table, 3, 1, 3, 5)
        word.set_cell(table.cell(3, 1), fields.get("推荐科室", ""), align="left")

        word.add_row(table, ["主要事迹\n（1500字\n以内）"], height_mm=64, keep_together=False)
        word.merge_cells(table, 4, 1, 4, 5)
        word.set_cell(
            table.cell(4, 1),
            word.paragraphs_of(fields.get("主要事迹", "")),
            size=word.SIZE_5,
            align="justify",
            valign="top",
            first_line_indent=True,
        )

        labels = {"unit": "推荐科室\n意见", "branch": "办机关党支部\n意见"}
        for cell in form["opinions"]:
            word.add_row(table, [labels.get(cell["code"], "办党组意见")], height_mm=30)
            number = len(table.rows) - 1
            word.merge_cells(table, number, 1, number, 5)
            target = table.cell(number, 1)
            if cell["given"]:
                word.set_cell(
                    target, cell["text"], align="left", valign="top", first_line_indent=True
                )
                word.add_paragraph(target, f"签名：{cell['signer']}", align="right", space_before=6)
                word.add_paragraph(target, cell["date"], align="right")
            else:
                word.set_cell(target, "", align="left", valign="top")
                word.add_paragraph(target, "", space_before=24)
                word.add_paragraph(target, "年　　月　　日", align="right")
