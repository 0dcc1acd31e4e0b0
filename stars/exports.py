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

from qpdo.documents.excel import Column, XlsxExporter
from qpdo.documents.pdf import render_pdf
from qpdo.org.dates import cn_month

from .enums import Standard
from .selectors import is_star


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


def _score(value) -> float | None:
    return round(float(value), 2) if value is not None else None


class NominationSummaryExporter(XlsxExporter):
    """申报汇总表: post, category, unit, name, source, state, scores, selected."""

    sheet_name = "申报汇总"

    def __init__(self, nominations: Iterable, *, star_year, with_scores: bool) -> None:
        self.nominations = nominations
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
            Column("比武竞赛及成绩", 30),
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
                "，".join(p for p in (n.competition, n.competition_result) if p),
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
                post.unit.name,
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


def _is_star(nomination) -> bool:
    return is_star(nomination)
