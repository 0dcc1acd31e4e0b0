"""A section's 培树工作总结 drafted from the data, as Word and A4 PDF (the official outline).

The 总结 itself is an uploaded file (SummaryReport): the draft is what a 科室负责人 downloads,
edits in Word or WPS, and uploads through `services.summary_upload`. Its figures come from the
selectors the 岗位之星 pages use: the section's posts (附表1), its plans, the 申报表 it filed and
their 比武 results, and the stars once they may be shown (as on the 交流展示 page).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from qpdo.documents.official import Block, Numbering, outline_docx, outline_pdf
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.enums import AuditAction
from qpdo.org.scoping import user_unit
from qpdo.workflow.enums import State

from . import rules, selectors
from .models import StarYear

HIDDEN_STATES = (State.DRAFT, State.WITHDRAWN)


@dataclass
class SectionFigures:
    star_year: StarYear
    unit: object
    posts: list
    plans: dict  # post_id → plan
    nominations: list
    stars: list
    stars_shown: bool

    @property
    def has_data(self) -> bool:
        return bool(self.plans or self.nominations)


def draft_unit_for(*, user, star_year: StarYear):
    """Return the user's section if they report its 培树工作总结 for the year, else 404."""
    campaign = star_year.campaign
    unit = user_unit(user)
    responsible = set(selectors.responsible_units(campaign).values_list("pk", flat=True))
    if not rules.may_upload_summary(user, unit, responsible):
        raise Http404("只有负责培树岗位的科室可以起草本科室的培树工作总结。")
    return unit


def section_figures(*, user, star_year: StarYear, unit) -> SectionFigures:
    campaign = star_year.campaign
    posts = list(selectors.posts_of(campaign).filter(unit=unit))
    plans = {
        plan.post_id: plan
        for plan in selectors.plan_list_for(user=user, campaign=campaign).filter(unit=unit)
    }
    nominations = selectors.with_competition_texts(
        selectors.nomination_list_for(user=user, campaign=campaign)
        .filter(unit=unit)
        .exclude(approval__state__in=HIDDEN_STATES)
        .order_by("post__number", "id")
    )
    shown = selectors.showcase_for(user=user, star_year=star_year)
    stars = [s for s in shown["stars"] if s.nomination.unit_id == unit.pk]
    return SectionFigures(
        star_year=star_year,
        unit=unit,
        posts=posts,
        plans=plans,
        nominations=nominations,
        stars=stars,
        stars_shown=bool(shown["stars"]) or star_year.is_announced,
    )


def draft_title(figures: SectionFigures) -> str:
    return f"{figures.unit.display_name}{figures.star_year.year}年度“岗位之星”培树工作总结"


def draft_outline(figures: SectionFigures) -> list[Block]:
    year = figures.star_year.year
    numbering = Numbering()
    blocks = [Block("title", text=draft_title(figures)), Block("number", text="（草稿）")]

    def heading(level: int, text: str) -> None:
        blocks.append(Block("heading", level=level, text=f"{numbering.next(level)}{text}"))

    def para(text: str) -> None:
        blocks.append(Block("para", text=text))

    heading(1, "基本情况")
    names = "、".join(f"“{p.name}”" for p in figures.posts)
    para(
        f"根据{year}年度“岗位之星”培树实践活动安排，本科室负责{names}"
        f"{len(figures.posts)}个岗位的培树工作，制定培树工作实施计划{len(figures.plans)}份，"
        f"推荐申报{len(figures.nominations)}人。"
    )
    blocks.append(
        Block(
            "table",
            headers=["序号", "类别", "培树岗位", "培树形式", "实施计划"],
            rows=[
                [
                    p.number,
                    p.category.name,
                    p.name,
                    p.get_form_display(),
                    figures.plans[p.pk].approval.get_state_display()
                    if p.pk in figures.plans
                    else "未制定",
                ]
                for p in figures.posts
            ],
            widths=[14, 28, 36, 44, 34],
        )
    )
    if not figures.has_data:
        blocks.append(
            Block("note", text=f"{year}年度本科室尚无培树工作实施计划和申报记录，请据实补充。")
        )

    heading(1, "培树工作开展情况")
    for post in figures.posts:
        plan = figures.plans.get(post.pk)
        heading(2, f"“{post.name}”岗位")
        if plan is None:
            para("本岗位尚未制定培树工作实施计划。")
            continue
        para(f"工作重点：{plan.focus}")
        para(
            f"培树方式：{plan.get_method_display()}；活动载体："
            f"{'、'.join(plan.carrier_labels) or '—'}。"
        )
        para(f"培树标准：{plan.standards}")
        if plan.arrangements:
            para(f"实施安排：{plan.arrangements}")
        para(f"完成时限：{selectors.cn_date(plan.deadline)}。")

    heading(1, "推荐申报情况")
    if figures.nominations:
        results = {n.pk: selectors.nomination_competition_text(n) for n in figures.nominations}
        by_competition = sum(bool(text) for text in results.values())
        para(
            f"本科室共推荐申报{len(figures.nominations)}人，其中参加比武竞赛的{by_competition}人。"
        )
        blocks.append(
            Block(
                "table",
                headers=["姓名", "培树岗位", "产生方式", "比武竞赛及成绩", "审核情况"],
                rows=[
                    [
                        n.name,
                        n.post.name if n.post else "—",
                        n.source_label or "—",
                        results[n.pk] or "—",
                        n.approval.get_state_display(),
                    ]
                    for n in figures.nominations
                ],
                widths=[22, 28, 26, 60, 26],
            )
        )
    else:
        para("本年度本科室尚未报送申报表。")

    heading(1, "培树成效")
    if figures.stars:
        para(f"本科室{len(figures.stars)}人被评为{year}年度“岗位之星”：")
        for star in figures.stars:
            nomination = star.nomination
            post_name = nomination.post.name if nomination.post else ""
            citation = star.citation or nomination.deeds.split("\n", 1)[0]
            para(f"{nomination.name}（{post_name}岗位）：{citation}")
    elif figures.stars_shown:
        para("本科室本年度无人当选“岗位之星”。")
    else:
        para("本年度“岗位之星”尚未公布，公布后请补充。")

    heading(1, "经验做法与下一步打算")
    para("请结合本科室培树工作实际，补充经验做法、存在不足和下一步打算。")

    blocks.append(Block("signature", lines=[figures.unit.name, selectors.cn_date(clock.today())]))
    return blocks


def draft_document(*, user, star_year: StarYear, fmt: str) -> tuple[str, bytes, object]:
    """Return (file name, bytes, unit) of the acting section's draft; 404 for anyone else."""
    unit = draft_unit_for(user=user, star_year=star_year)
    figures = section_figures(user=user, star_year=star_year, unit=unit)
    blocks = draft_outline(figures)
    title = draft_title(figures)
    if fmt == "docx":
        return f"{title}（草稿）.docx", outline_docx(blocks), unit
    return f"{title}（草稿）.pdf", outline_pdf(blocks, title=title), unit


def draft_download_record(*, acting_user, unit, star_year: StarYear, fmt: str):
    audit_record(
        action=AuditAction.DOWNLOAD,
        actor=acting_user,
        target=unit,
        detail=f"下载{unit.display_name}{star_year.year}年度培树工作总结草稿（{fmt.upper()}）",
    )
