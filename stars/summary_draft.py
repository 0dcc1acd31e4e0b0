"""A section's 培树工作总结 drafted from the data, edited in the portal, as Word and A4 PDF.

The 总结 handed in is an uploaded file (SummaryReport). The section drafts it here: the first
version's free paragraphs are written from the figures, the section edits them in the portal
(each save a new version, `StarSummaryVersion`), chooses the version to print (kept with the
day it was chosen) and hands that version in as the upload (`summary_hand_in`, through
`services.summary_upload`). The computed tables between the paragraphs come from the selectors
the 岗位之星 pages use: the section's posts (附表1), its plans and the activities recorded under
them (组织实施), the 机关党支部's 督查 visits, the 申报表 it filed and their 比武 results, and the
stars once they may be shown (as on the 交流展示 page). Like campaigns/summaries.py and
outreach/summaries.py (the same draft → versions → chosen version life).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404

from campaigns.services import check_open
from qpdo.documents import drafts
from qpdo.documents.official import Block, Numbering, outline_docx, outline_pdf
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.dates import local_date
from qpdo.org.enums import AuditAction
from qpdo.org.models import Unit
from qpdo.org.scoping import user_unit
from qpdo.workflow.enums import State

from . import rules, selectors, services
from .models import StarSummary, StarSummaryVersion, StarYear, SummaryReport

TEXT_FIELDS = StarSummaryVersion.text_fields

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
    activities: dict = field(default_factory=dict)  # plan_id → [activity]
    visits: list = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.plans or self.nominations)

    @property
    def activity_count(self) -> int:
        return sum(len(a) for a in self.activities.values())


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
    activities: dict[int, list] = {}
    for activity in (
        selectors.activity_list_for(user=user, campaign=campaign)
        .filter(unit=unit)
        .order_by("held_on", "id")
    ):
        activities.setdefault(activity.plan_id, []).append(activity)
    visits = list(
        selectors.visit_list_for(user=user, campaign=campaign)
        .filter(unit=unit)
        .order_by("visited_on", "id")
    )
    return SectionFigures(
        activities=activities,
        visits=visits,
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


def draft_text(figures: SectionFigures) -> dict[str, str]:
    """Return the first version's free paragraphs, written from the figures."""
    year = figures.star_year.year
    names = "、".join(f"“{p.name}”" for p in figures.posts)
    kinds = selectors.activity_kind_counts(a for acts in figures.activities.values() for a in acts)
    done = "、".join(f"{label}{n}次" for label, n in kinds.items() if n)
    overview = (
        f"根据{year}年度“岗位之星”培树实践活动安排，本科室负责{names}"
        f"{len(figures.posts)}个岗位的培树工作，制定培树工作实施计划{len(figures.plans)}份，"
        f"组织实施活动{figures.activity_count}次{f'（{done}）' if done else ''}，"
        f"接受机关党支部督查{len(figures.visits)}次，推荐申报{len(figures.nominations)}人。"
    )
    return {
        "overview": overview,
        "practices": "（请结合本科室培树工作实际，填写经验做法。）",
        "next_steps": "（请填写存在的不足和下一步打算。）",
    }


def _visit_subject(visit) -> str:
    return f"“{visit.plan.post.name}”岗位" if visit.plan_id else "科室培树工作"


def _visit_follow_up(visit) -> str:
    if not visit.follow_up_required:
        return "无需整改"
    text = f"要求：{visit.follow_up_request.rstrip('。；; ')}"
    if visit.follow_up_due:
        text += f"（{selectors.cn_date(visit.follow_up_due)}前）"
    if visit.follow_up_done_on:
        return f"{text}；{selectors.cn_date(visit.follow_up_done_on)}完成：{visit.follow_up_note}"
    return f"{text}；尚未完成"


def draft_outline(
    figures: SectionFigures, text: dict | None = None, *, summary: StarSummary | None = None
) -> list[Block]:
    """Return the blocks of the 总结: the version's paragraphs around the computed tables."""
    text = text or draft_text(figures)
    year = figures.star_year.year
    numbering = Numbering()
    chosen = summary is not None and summary.chosen_version_id is not None
    # A chosen version is the one handed in: no "draft" line under its title.
    blocks = [Block("title", text=draft_title(figures))]
    if not chosen:
        blocks.append(Block("number", text="（草稿）"))

    def heading(level: int, text: str) -> None:
        blocks.append(Block("heading", level=level, text=f"{numbering.next(level)}{text}"))

    def para(text: str) -> None:
        blocks.append(Block("para", text=text))

    def paras(value: str) -> None:
        for line in (value or "—").split("\n"):
            if line.strip():
                para(line.strip())

    heading(1, "基本情况")
    paras(text.get("overview"))
    blocks.append(
        Block(
            "table",
            headers=["序号", "类别", "培树岗位", "培树形式", "实施计划", "实施活动"],
            rows=[
                [
                    p.number,
                    p.category.name,
                    p.name,
                    p.get_form_display(),
                    figures.plans[p.pk].approval.get_state_display()
                    if p.pk in figures.plans
                    else "未制定",
                    f"{len(figures.activities.get(figures.plans[p.pk].pk, []))}次"
                    if p.pk in figures.plans
                    else "—",
                ]
                for p in figures.posts
            ],
            widths=[14, 24, 30, 40, 26, 22],
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
        activities = figures.activities.get(plan.pk, [])
        if activities:
            para(f"组织实施期间，本岗位开展活动{len(activities)}次：")
            blocks.append(
                Block(
                    "table",
                    headers=["日期", "类型", "活动名称", "参加人员", "活动情况"],
                    rows=[
                        [
                            selectors.cn_date(a.held_on),
                            a.get_kind_display(),
                            a.title,
                            a.people + (f"（{a.headcount}人）" if a.headcount else ""),
                            a.summary[:120],
                        ]
                        for a in activities
                    ],
                    widths=[28, 18, 34, 34, 42],
                )
            )
        else:
            para("本岗位尚未登记组织实施活动。")

    heading(1, "督查及整改情况")
    if figures.visits:
        open_count = sum(v.follow_up_open for v in figures.visits)
        para(
            f"机关党支部对本科室培树工作督查{len(figures.visits)}次，"
            f"提出整改要求{sum(v.follow_up_required for v in figures.visits)}项，"
            + (f"尚有{open_count}项未完成整改。" if open_count else "均已整改完成。")
        )
        blocks.append(
            Block(
                "table",
                headers=["日期", "督查内容", "督查发现", "整改情况"],
                rows=[
                    [
                        selectors.cn_date(v.visited_on),
                        _visit_subject(v),
                        v.findings[:120],
                        _visit_follow_up(v)[:160],
                    ]
                    for v in figures.visits
                ],
                widths=[28, 30, 48, 50],
            )
        )
    else:
        para("本年度机关党支部尚未对本科室培树工作开展督查。")

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

    heading(1, "经验做法")
    paras(text.get("practices"))
    heading(1, "存在不足和下一步打算")
    paras(text.get("next_steps"))

    signed = local_date(summary.chosen_at) if chosen else clock.today()
    blocks.append(Block("signature", lines=[figures.unit.name, selectors.cn_date(signed)]))
    return blocks


# --- the versions kept in the portal ------------------------------------------------------------


def summary_get(*, user, star_year: StarYear) -> StarSummary | None:
    """Return the acting section's drafted 总结 of the year (None before it is drafted); 404
    for anyone who does not report a section's 总结."""
    unit = draft_unit_for(user=user, star_year=star_year)
    return (
        StarSummary.objects.filter(campaign=star_year.campaign, unit=unit)
        .select_related("campaign", "unit", "chosen_version")
        .first()
    )


def summary_version(summary: StarSummary) -> StarSummaryVersion | None:
    """Return the version that prints: the chosen one, else the latest."""
    return drafts.draft_version_shown(summary)


def version_text(version: StarSummaryVersion | None) -> dict | None:
    if version is None:
        return None
    return {name: getattr(version, name) for name in TEXT_FIELDS}


def _check_may_edit(acting_user: User, star_year: StarYear, unit) -> None:
    campaign = star_year.campaign
    responsible = set(selectors.responsible_units(campaign).values_list("pk", flat=True))
    if unit is None or not rules.may_upload_summary(acting_user, unit, responsible):
        raise Refused("培树工作总结由负责培树岗位的科室负责人起草和修改。")


def _locked_own(acting_user: User, summary: StarSummary) -> StarSummary:
    summary = StarSummary.objects.select_for_update().select_related("campaign").get(pk=summary.pk)
    _check_may_edit(acting_user, selectors.star_year_for(summary.campaign), summary.unit)
    if summary.unit_id != user_unit(acting_user).pk:
        raise Refused("只能修改本科室的培树工作总结。")
    return summary


@transaction.atomic
def summary_create(*, acting_user: User, star_year: StarYear) -> StarSummary:
    """Draft the acting section's 总结 from the year's records (its first version)."""
    unit = user_unit(acting_user)
    _check_may_edit(acting_user, star_year, unit)
    check_open(star_year.campaign)
    if StarSummary.objects.filter(campaign=star_year.campaign, unit=unit).exists():
        raise ValidationError("本科室已起草本年度的培树工作总结，请打开修改。")
    figures = section_figures(user=acting_user, star_year=star_year, unit=unit)
    summary = StarSummary.objects.create(
        campaign=star_year.campaign, unit=unit, created_by=acting_user, created_at=clock.now()
    )
    drafts.draft_first_version(summary, acting_user=acting_user, text=draft_text(figures))
    return summary


@transaction.atomic
def summary_save(
    *, acting_user: User, summary: StarSummary, text: dict[str, str]
) -> StarSummaryVersion:
    """Save the edited paragraphs as a new version (earlier versions stay as they were)."""
    summary = _locked_own(acting_user, summary)
    if not (text.get("overview") or "").strip():
        raise ValidationError({"overview": "请填写基本情况。"})
    return drafts.draft_version_save(acting_user=acting_user, summary=summary, text=text)


@transaction.atomic
def summary_choose(*, acting_user: User, summary: StarSummary, version_pk: int) -> StarSummary:
    """Choose the version the documents print and keep the moment it was chosen."""
    summary = _locked_own(acting_user, summary)
    return drafts.draft_version_choose(
        acting_user=acting_user, summary=summary, version_pk=version_pk
    )


def draft_document(*, user, star_year: StarYear, fmt: str) -> tuple[str, bytes, object]:
    """Return (file name, bytes, unit) of the acting section's 总结: the version that prints
    once drafted in the portal, else the paragraphs written from the figures; 404 for anyone
    else."""
    unit = draft_unit_for(user=user, star_year=star_year)
    summary = summary_get(user=user, star_year=star_year)
    figures = section_figures(user=user, star_year=star_year, unit=unit)
    text = version_text(summary_version(summary)) if summary else None
    blocks = draft_outline(figures, text, summary=summary)
    title = draft_title(figures)
    suffix = "" if summary and summary.chosen_version_id else "（草稿）"
    if fmt == "docx":
        return f"{title}{suffix}.docx", outline_docx(blocks), unit
    return f"{title}{suffix}.pdf", outline_pdf(blocks, title=title), unit


def draft_download_record(*, acting_user: User, unit: Unit, star_year: StarYear, fmt: str) -> None:
    audit_record(
        action=AuditAction.DOWNLOAD,
        actor=acting_user,
        target=unit,
        detail=f"下载{unit.display_name}{star_year.year}年度培树工作总结草稿（{fmt.upper()}）",
    )


def summary_hand_in(*, acting_user: User, star_year: StarYear) -> SummaryReport:
    """Hand in the chosen version as the section's 培树工作总结 (the upload due 20 October),
    rendered as A4 PDF; the upload is audited by `services.summary_upload`."""
    summary = summary_get(user=acting_user, star_year=star_year)
    if summary is None or not summary.chosen_version_id:
        raise ValidationError("请先选用一稿，再以选用稿报送。")
    name, data, _unit = draft_document(user=acting_user, star_year=star_year, fmt="pdf")
    version = summary.chosen_version
    return services.summary_upload(
        acting_user=acting_user,
        campaign=star_year.campaign,
        upload=ContentFile(data, name=name),
        note=f"以门户中选用的{version}报送（{selectors.cn_date(local_date(summary.chosen_at))}选用）",
    )
