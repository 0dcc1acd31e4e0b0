"""The year's 实践活动总结 (综合科): figures from the campaign pages' selectors, the office's text
and picked highlights kept as versions, and the document as Word and A4 PDF.

Work items are counted by `overview_progress` (the overview page), teams by `team_list`,
competitions by `competition_list` and `standings`, 季度之星 by `quarter_star_list`, the
monthly ranking by `ranking_trend` (the ranking page); the programmes add their sections
through their providers (lectures given, 岗位之星), so the campaign imports no programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from qpdo.documents import drafts
from qpdo.documents.drafts import Outline
from qpdo.documents.images import line_chart_png
from qpdo.documents.official import Block
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.selectors import campaign_units
from qpdo.workflow.enums import State

from . import providers, rules, selectors
from .enums import ItemKind, ItemStatus
from .models import (
    Campaign,
    CampaignSummary,
    CampaignSummaryVersion,
    Competition,
    QuarterStar,
    TeamOutput,
    WorkItem,
)

TEXT_FIELDS = CampaignSummaryVersion.text_fields
HIGHLIGHT_KINDS = {
    "item": "清单事项",
    "output": "团队成果",
    "competition": "比武",
    "quarter_star": "季度之星",
}


_cn_date = cn_date


# --- figures -----------------------------------------------------------------------------------


@dataclass
class TaskFigures:
    """One key task: its items' progress (as the overview page counts them), its 整改 and teams."""

    task: object
    progress: selectors.Progress
    rectifications: list = field(default_factory=list)
    teams: list = field(default_factory=list)

    @property
    def on_time(self) -> int:
        return self.progress.counts[ItemStatus.DONE]

    @property
    def late(self) -> int:
        return self.progress.counts[ItemStatus.DONE_LATE]

    @property
    def open(self) -> int:
        return self.progress.total - self.progress.done

    @property
    def closed(self) -> int:
        return sum(item.is_done for item in self.rectifications)

    @property
    def rechecked(self) -> int:
        return sum(bool(item.recheck_count) for item in self.rectifications)


@dataclass
class CampaignFigures:
    campaign: Campaign
    overall: selectors.Progress
    tasks: list[TaskFigures]
    competitions: list
    quarter_stars: list
    ranking_months: list[int]
    ranking: dict  # month → {unit_id: Line}
    units: list
    parts: list[providers.SummaryPart]

    @property
    def has_data(self) -> bool:
        return bool(
            self.overall.total
            or self.competitions
            or self.quarter_stars
            or self.ranking_months
            or any(task.teams for task in self.tasks)
            or any(part.records for part in self.parts)
        )


def campaign_figures(*, campaign: Campaign, user) -> CampaignFigures:
    """Return the year's figures as the campaign pages compute them."""

    today = clock.today()
    progress = selectors.overview_progress(campaign=campaign, today=today)
    rectifications = selectors.decorate(
        selectors.with_progress(
            WorkItem.objects.filter(campaign=campaign, kind=ItemKind.RECTIFICATION).order_by(
                "number"
            ),
            today=today,
        ),
        today=today,
    )
    teams = list(selectors.team_list(campaign=campaign).prefetch_related("outputs"))
    tasks = []
    for task, task_progress in zip(
        campaign.key_tasks.order_by("order"), progress["tasks"], strict=True
    ):
        tasks.append(
            TaskFigures(
                task=task,
                progress=task_progress,
                rectifications=[i for i in rectifications if i.key_task_id == task.pk],
                teams=[t for t in teams if t.key_task_id == task.pk],
            )
        )
    competitions = []
    for competition in selectors.competition_list(campaign=campaign):
        competition.results = selectors.standings(competition)
        competitions.append(competition)
    published = {
        month
        for month, ranking in selectors.rankings_of(campaign).items()
        if ranking.approval.state == State.APPROVED
    }
    trend = {
        month: lines
        for month, lines in selectors.ranking_trend(user=user, campaign=campaign).items()
        if month in published
    }
    return CampaignFigures(
        campaign=campaign,
        overall=progress["overall"],
        tasks=tasks,
        competitions=competitions,
        quarter_stars=list(selectors.quarter_star_list(campaign=campaign)),
        ranking_months=sorted(trend),
        ranking=trend,
        units=list(campaign_units()),
        parts=providers.summary_parts(campaign),
    )


def no_data_message(campaign: Campaign) -> str:
    return f"{campaign.year}年度实践活动还没有清单事项、活动和排名记录，无从总结。"


# --- highlights --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    key: str  # "kind:pk"
    label: str


def highlight_candidates(campaign: Campaign) -> list[Highlight]:
    """Return what the office may pick as the year's highlights (done items, team outputs,
    competitions, 季度之星)."""
    today = clock.today()
    done = [
        item
        for item in selectors.decorate(
            selectors.with_progress(
                WorkItem.objects.filter(campaign=campaign).order_by("number"), today=today
            ),
            today=today,
        )
        if item.is_done
    ]
    outputs = TeamOutput.objects.filter(team__campaign=campaign).select_related("team")
    competitions = Competition.objects.filter(campaign=campaign).order_by("held_on", "id")
    stars = QuarterStar.objects.chosen().filter(campaign=campaign).select_related("staff", "unit")
    return (
        [Highlight(f"item:{i.pk}", f"{i.code} {i.title}（{i.status_label}）") for i in done]
        + [
            Highlight(f"output:{o.pk}", f"{o.team.name}：{o.title}（{o.get_kind_display()}）")
            for o in outputs.order_by("achieved_on", "id")
        ]
        + [Highlight(f"competition:{c.pk}", f"比武：{c.title}") for c in competitions]
        + [
            Highlight(f"quarter_star:{q.pk}", f"{q.get_quarter_display()}之星：{q.staff.name}")
            for q in stars.order_by("quarter", "id")
        ]
    )


def _highlight_text(kind: str, record) -> str:
    if kind == "item":
        return f"{record.title}。{record.goal or record.measures}".strip("。") + "。"
    if kind == "output":
        return f"{record.team.name}形成{record.get_kind_display()}《{record.title}》。" + (
            record.description or ""
        )
    if kind == "competition":
        winners = [e for e in selectors.standings(record) if e.rank and e.rank <= 3]
        names = "、".join(f"{e.staff.name}（第{e.rank}名）" for e in winners)
        return f"{_cn_date(record.held_on)}举办{record.title}" + (
            f"，{names}取得优异成绩。" if names else "。"
        )
    return (
        f"{record.staff.name}（{record.unit.name}）获评{record.get_quarter_display()}之星："
        + (record.deeds[:80])
    )


def _highlight_title(kind: str, record) -> str:
    if kind == "quarter_star":
        return f"{record.get_quarter_display()}之星{record.staff.name}"
    return record.title


def highlights_resolved(
    campaign: Campaign, keys: list[str]
) -> tuple[list[tuple[str, str]], list[str]]:
    """Return the picked highlights as (title, text), and a note per pick whose record is gone."""
    models = {
        "item": WorkItem.objects.filter(campaign=campaign),
        "output": TeamOutput.objects.filter(team__campaign=campaign).select_related("team"),
        "competition": Competition.objects.filter(campaign=campaign),
        "quarter_star": QuarterStar.objects.chosen()
        .filter(campaign=campaign)
        .select_related("staff", "unit"),
    }
    wanted: dict[str, list[int]] = {}
    for key in keys:
        kind, _, pk = key.partition(":")
        if kind in models and pk.isdigit():
            wanted.setdefault(kind, []).append(int(pk))
    found = {
        kind: {r.pk: r for r in models[kind].filter(pk__in=pks)} for kind, pks in wanted.items()
    }
    texts, dropped = [], []
    for key in keys:
        kind, _, pk = key.partition(":")
        record = found.get(kind, {}).get(int(pk)) if pk.isdigit() else None
        if record is None:
            dropped.append(f"所选的一项{HIGHLIGHT_KINDS.get(kind, '记录')}已被删除，未列入亮点。")
        else:
            texts.append((_highlight_title(kind, record), _highlight_text(kind, record)))
    return texts, dropped


# --- the outline -------------------------------------------------------------------------------


def ranking_chart(figures: CampaignFigures) -> bytes:
    months = figures.ranking_months
    return line_chart_png(
        [f"{m}月" for m in months],
        [
            (
                unit.display_name,
                [
                    figures.ranking[m][unit.pk].rank if unit.pk in figures.ranking[m] else None
                    for m in months
                ],
            )
            for unit in figures.units
        ],
        title=f"{figures.campaign.year}年度各科室每月排名（名次）",
        lowest_on_top=True,
    )


def _doc_number(campaign: Campaign) -> str:
    prefix = campaign.doc_number.split("〔", 1)[0] if "〔" in campaign.doc_number else ""
    return f"{prefix}〔{campaign.year}〕　　号"


def summary_outline(
    summary: CampaignSummary,
    version: CampaignSummaryVersion,
    figures: CampaignFigures,
    *,
    with_images: bool = True,
) -> list[Block]:
    """Return the blocks of the 实践活动总结 (without images: the page's preview)."""
    campaign = summary.campaign
    out = Outline(str(summary), _doc_number(campaign))
    heading, note = out.heading, out.note
    heading(1, "总体情况")
    out.add("para", text=version.overview)
    if not figures.has_data:
        note(no_data_message(campaign))

    heading(1, "重点任务完成情况")
    overall = figures.overall
    if overall.total:
        out.add(
            "para",
            text=f"全年列入工作清单和整改清单的事项共{overall.total}项，已完成{overall.done}项"
            f"（其中逾期完成{overall.counts[ItemStatus.DONE_LATE]}项），"
            f"尚未完成{overall.total - overall.done}项。",
        )
        out.add(
            "table",
            headers=["重点任务", "事项", "按期完成", "逾期完成", "未完成", "完成率"],
            rows=[
                [
                    t.task.title,
                    t.progress.total,
                    t.on_time,
                    t.late,
                    t.open,
                    "—" if t.progress.rate is None else f"{t.progress.rate:g}%",
                ]
                for t in figures.tasks
            ],
            widths=[44, 20, 22, 22, 20, 26],
        )
    for task in figures.tasks:
        heading(2, task.task.title)
        if task.progress.total:
            text = (
                f"列入事项{task.progress.total}项，按期完成{task.on_time}项、"
                f"逾期完成{task.late}项、尚未完成{task.open}项。"
            )
        else:
            text = "本项任务未列入清单事项。"
        if task.rectifications:
            text += (
                f"其中整改事项{len(task.rectifications)}项，已销号{task.closed}项，"
                f"已“回头看”{task.rechecked}项。"
            )
        out.add("para", text=text)
        for team in task.teams:
            outputs = "、".join(f"《{o.title}》" for o in team.outputs.all())
            out.add(
                "para",
                text=f"{team.get_kind_display()}“{team.name}”（牵头{team.lead_unit.name}，"
                f"负责人{team.leader.name}，成员{team.member_count}人）："
                + (f"形成成果{outputs}。" if outputs else "尚无登记的成果。"),
            )

    heading(1, "主要活动开展情况")
    for part in figures.parts:
        heading(2, part.heading)
        if part.text:
            out.add("para", text=part.text)
        if part.rows:
            out.add(
                "table",
                headers=list(part.headers),
                rows=[list(r) for r in part.rows],
                widths=list(part.widths),
            )
        elif part.empty:
            note(part.empty)
    heading(2, "比武竞赛")
    if figures.competitions:
        rows = []
        for competition in figures.competitions:
            podium = [e for e in competition.results if e.rank and e.rank <= 3]
            rows.append(
                [
                    f"{competition.held_on.month}月",
                    competition.title,
                    competition.entry_count,
                    "、".join(
                        f"{e.staff.name}（第{e.rank}名{'，' + e.award if e.award else ''}）"
                        for e in podium
                    )
                    or "—",
                ]
            )
        out.add(
            "table",
            headers=["月份", "比武", "参赛人数", "前三名"],
            rows=rows,
            widths=[16, 52, 20, 66],
        )
    else:
        note("本年度未登记比武竞赛。")
    heading(2, "季度之星")
    if figures.quarter_stars:
        out.add(
            "table",
            headers=["季度", "姓名", "所在单位", "主要事迹"],
            rows=[
                [q.get_quarter_display(), q.staff.name, q.unit.name, q.deeds[:50]]
                for q in figures.quarter_stars
            ],
            widths=[22, 20, 34, 78],
        )
    else:
        note("本年度未评选季度之星。")
    heading(2, "每月排名")
    if figures.ranking_months:
        months = figures.ranking_months
        out.add(
            "para",
            text=f"全年公布科室排名{len(months)}次（{'、'.join(f'{m}月' for m in months)}）。",
        )
        out.add(
            "table",
            headers=["科室", *(f"{m}月" for m in months)],
            rows=[
                [
                    unit.display_name,
                    *(
                        figures.ranking[m][unit.pk].rank if unit.pk in figures.ranking[m] else ""
                        for m in months
                    ),
                ]
                for unit in figures.units
            ],
            widths=[40] + [round(114 / len(months), 1)] * len(months),
        )
        if with_images:
            out.add(
                "image",
                data=ranking_chart(figures),
                width_mm=150,
                text="图：各科室每月排名（名次越小越靠前）",
            )
    else:
        note("本年度尚未公布科室排名。")

    heading(1, "工作亮点")
    texts, dropped = highlights_resolved(campaign, version.highlights)
    for title, text in texts:
        heading(2, title)
        out.add("para", text=text)
    if not texts:
        note("未选取工作亮点。")
    for line in dropped:
        note(line)
    heading(1, "经验做法")
    out.add("para", text=version.experience or "—")
    heading(1, "存在不足和下一步打算")
    out.add("para", text=version.next_steps or "—")
    out.signature(campaign.organiser.name, summary)
    return out.blocks


def draft_text(figures: CampaignFigures) -> dict:
    campaign = figures.campaign
    overall = figures.overall
    return {
        "overview": (
            f"{campaign.year}年，按照{campaign.doc_number}部署，全办开展{campaign.name}，"
            f"围绕{'、'.join(t.task.title for t in figures.tasks)}等重点任务，"
            f"列入事项{overall.total}项，已完成{overall.done}项。"
        ),
        "experience": "（请填写本年度实践活动的经验做法。）",
        "next_steps": "（请填写存在的不足和下一步打算。）",
    }


# --- rules, reads, writes ----------------------------------------------------------------------


def may_see(user, campaign: Campaign) -> bool:
    return rules.sees_all(user, campaign)


def may_edit(user, campaign: Campaign) -> bool:
    """The 牵头科室 (综合科) drafts the summary; the office leaders may too."""
    return rules.may_manage(user, campaign)


def summary_get(*, user, campaign: Campaign) -> CampaignSummary | None:
    if not may_see(user, campaign):
        raise Http404("未找到页面。")
    return (
        CampaignSummary.objects.filter(campaign=campaign)
        .select_related("campaign__organiser", "chosen_version")
        .first()
    )


def summary_version(summary: CampaignSummary) -> CampaignSummaryVersion | None:
    return drafts.draft_version_shown(summary)


@transaction.atomic
def summary_create(*, acting_user: User, campaign: Campaign) -> CampaignSummary:
    """Draft the year's 实践活动总结 from the records (its first version)."""
    if not may_edit(acting_user, campaign):
        raise Refused("实践活动总结由牵头科室起草。")
    figures = campaign_figures(campaign=campaign, user=acting_user)
    if not figures.has_data:
        raise ValidationError(no_data_message(campaign))
    if CampaignSummary.objects.filter(campaign=campaign).exists():
        raise ValidationError(f"已有{campaign.year}年度的实践活动总结，请打开修改。")
    summary = CampaignSummary.objects.create(campaign=campaign, created_by=acting_user)
    drafts.draft_first_version(
        summary, acting_user=acting_user, text=draft_text(figures), highlights=[]
    )
    return summary


@transaction.atomic
def summary_save(
    *, acting_user: User, summary: CampaignSummary, text: dict[str, str], highlights: list[str]
) -> CampaignSummaryVersion:
    """Save the edited text and the picked highlights as a new version."""
    summary = CampaignSummary.objects.select_for_update().get(pk=summary.pk)
    if not may_edit(acting_user, summary.campaign):
        raise Refused("实践活动总结由牵头科室修改。")
    if not (text.get("overview") or "").strip():
        raise ValidationError({"overview": "请填写总体情况。"})
    allowed = {h.key for h in highlight_candidates(summary.campaign)}
    unknown = [key for key in highlights if key not in allowed]
    if unknown:
        raise ValidationError({"highlights": "所选亮点不属于本年度。"})
    return drafts.draft_version_save(
        acting_user=acting_user,
        summary=summary,
        text=text,
        highlights=list(highlights),
    )


@transaction.atomic
def summary_choose(
    *, acting_user: User, summary: CampaignSummary, version_pk: int
) -> CampaignSummary:
    """Choose the version the documents print, and keep the day it was chosen."""
    summary = CampaignSummary.objects.select_for_update().get(pk=summary.pk)
    if not may_edit(acting_user, summary.campaign):
        raise Refused("实践活动总结由牵头科室修改。")
    return drafts.draft_version_choose(
        acting_user=acting_user, summary=summary, version_pk=version_pk
    )


def summary_document(summary: CampaignSummary, *, user, fmt: str) -> tuple[str, bytes]:
    figures = campaign_figures(campaign=summary.campaign, user=user)
    blocks = summary_outline(summary, summary_version(summary), figures)
    return drafts.draft_document(blocks, title=str(summary), fmt=fmt)


summary_download_record = drafts.draft_download_record
