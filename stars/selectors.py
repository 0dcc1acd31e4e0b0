"""Reads of the 岗位之星 programme: the one place that decides what a user may see.

Views, exports, PDFs, downloads and the admin all ask here; a record outside the user's scope
is a 404, the same as a missing one.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db.models import Avg, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse

from campaigns.enums import CompetitionLevel, ExchangeKind
from campaigns.models import Campaign, CompetitionEntry, Exchange
from campaigns.selectors import (
    campaign_current,
    key_date_of,
    ranked,
    star_sharing_sessions,
    who_starts_year,
    year_span,
)
from qpdo.documents.qr import check_verification_code
from qpdo.org import clock
from qpdo.org.dates import cn_date, cn_month, local_date
from qpdo.org.models import Staff, Unit
from qpdo.org.need_to_know import reads_across_units, reads_office_shared
from qpdo.org.scoping import UNIT_WIDE_ROLES, has_role, user_staff, user_unit
from qpdo.workflow.enums import State
from qpdo.workflow.selectors import signed_opinions

from . import rules
from .chains import NOMINATION_CHAIN
from .enums import PUBLICITY_WORKING_DAYS, ActivityKind, KeyDateCode, ObjectionResult, Source
from .models import (
    ActivityEvidence,
    CultivationPlan,
    ImplementationActivity,
    Nomination,
    Objection,
    Post,
    PostCategory,
    PrintedCopy,
    Score,
    Star,
    StarYear,
    SummaryReport,
    SupervisionVisit,
)

# Years and reference data -------------------------------------------------------------------


def star_year_settings() -> QuerySet[StarYear]:
    """Return the programme settings of every year, with what their pages show of them."""
    return StarYear.objects.select_related("campaign", "announced_by__staff")


def star_year_for(campaign: Campaign | None) -> StarYear | None:
    if campaign is None:
        return None
    return star_year_settings().filter(campaign=campaign).first()


def star_year_of(year: int) -> StarYear | None:
    """Return the programme settings of a calendar year, or None when not set up yet."""
    return star_year_for(Campaign.objects.filter(year=year).first())


def star_year_get(year: int | str | None = None) -> StarYear:
    """Return the programme year asked for (?year=2024), else the current campaign's; or 404."""
    if year:
        try:
            found = star_year_for(Campaign.objects.filter(year=int(year)).first())
        except (TypeError, ValueError):
            found = None
    else:
        found = star_year_for(campaign_current())
    if found is None:
        raise Http404("尚未建立该年度的“岗位之星”培树工作。")
    return found


def star_years() -> list[int]:
    """Return the years of the selector: every year from the first campaign to this year
    (or a later year already set up), newest first, none skipped."""
    return year_span(*StarYear.objects.values_list("campaign__year", flat=True))


def star_year_missing(*, user, year: int) -> dict:
    """Say who starts a year that has no 岗位之星 settings yet, and where (for who may).

    Without the year's campaign, 综合科 (the campaign's 牵头科室) sets up the year, the
    programme's settings with it; with the campaign, the 机关党支部 adds the year's settings.
    """
    campaign = Campaign.objects.filter(year=year).first()
    if campaign is None:
        return {
            "year": year,
            "campaign": None,
            "starter": who_starts_year(year),
            "start_url": reverse("campaigns:home") + f"?year={year}",
            "start_label": f"查看{year}年度实践活动",
        }
    may_add = user.has_perm("stars.add_staryear")
    return {
        "year": year,
        "campaign": campaign,
        "starter": "机关党支部",
        "start_url": (
            reverse("admin:stars_staryear_add") + f"?campaign={campaign.pk}" if may_add else ""
        ),
        "start_label": f"建立{year}年度“岗位之星”年度设置",
    }


def key_date(campaign: Campaign, code: str) -> datetime.date | None:
    """Return a key date of the campaign (reference data), or None."""
    stored = key_date_of(campaign, code)
    return stored.date if stored else None


def deadline_info(day: datetime.date | None, today: datetime.date | None = None) -> dict:
    """Return a deadline with how far away it is, for display."""
    if day is None:
        return {"date": None, "days_left": None, "overdue": False}
    today = today or clock.today()
    days = (day - today).days
    return {"date": day, "days_left": days, "overdue": days < 0}


def posts_of(campaign: Campaign) -> QuerySet[Post]:
    """Return the year's posts (附表1), in order, with their category and unit."""
    return Post.objects.filter(campaign=campaign).select_related("category", "unit")


def categories_of(campaign: Campaign) -> QuerySet[PostCategory]:
    return PostCategory.objects.filter(campaign=campaign).prefetch_related(
        Prefetch("posts", queryset=Post.objects.select_related("unit").order_by("number"))
    )


def post_table_for(*, user, campaign: Campaign) -> list[dict]:
    """Return the rows of 附表1 with each post's plan and the nominees the user may see."""
    posts = list(posts_of(campaign).select_related("plan__approval"))
    visible = nomination_list_for(user=user, campaign=campaign).exclude(
        approval__state=State.WITHDRAWN
    )
    nominees: dict[int, list[Nomination]] = {}
    for nomination in visible.order_by("unit__order", "id"):
        nominees.setdefault(nomination.post_id, []).append(nomination)
    plans_visible = set(plan_list_for(user=user, campaign=campaign).values_list("pk", flat=True))
    rows = []
    for post in posts:
        plan = getattr(post, "plan", None)
        rows.append(
            {
                "post": post,
                "plan": plan if plan is not None and plan.pk in plans_visible else None,
                "plan_exists": plan is not None,
                "nominees": nominees.get(post.pk, []),
                "may_file_plan": plan is None and rules.may_file_plan(user, post),
            }
        )
    # The category cell spans its posts, as on the paper 附表1.
    for index, row in enumerate(rows):
        same = [r for r in rows if r["post"].category_id == row["post"].category_id]
        row["category_rowspan"] = len(same) if same[0] is row else 0
        row["index"] = index + 1
    return rows


def responsible_units(campaign: Campaign) -> QuerySet[Unit]:
    """Return the units responsible for at least one post of the year (they file summaries)."""
    return Unit.objects.filter(
        pk__in=Post.objects.filter(campaign=campaign).values("unit")
    ).order_by("order", "id")


# Cultivation plans ----------------------------------------------------------------------------


def _own_units(user):
    """Return the user's own unit when they read all of its records (科室负责人), else none.

    Not units_user_may_see: that opens every unit to every office-wide role.
    """
    unit = user_unit(user)
    if unit is None or not has_role(user, *UNIT_WIDE_ROLES):
        return Unit.objects.none()
    return Unit.objects.filter(pk=unit.pk)


def _submitted_or_own(user) -> Q:
    """Return the filter of records another unit's office-wide reader may see: not drafts.

    A draft belongs to its section until it is first submitted.
    """
    unit = user_unit(user)
    visible = Q(approval__round__gt=0)
    if unit is not None:
        visible |= Q(unit=unit)
    return visible


def plan_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[CultivationPlan]:
    """Return the plans the user may see: their own unit's, or all submitted ones for the
    office-wide readers need_to_know declares (机关党支部, 办党组, 办领导)."""
    if reads_across_units(user, "stars.CultivationPlan"):
        visible = _submitted_or_own(user)
    else:
        visible = Q(unit__in=_own_units(user))
    plans = CultivationPlan.objects.filter(visible)
    if campaign is not None:
        plans = plans.filter(campaign=campaign)
    return plans.select_related("post__category", "unit", "approval", "campaign")


def plan_of_post(post: Post) -> CultivationPlan | None:
    return CultivationPlan.objects.filter(post=post).first()


def plan_get_for(*, user, pk: int) -> CultivationPlan:
    plan = plan_list_for(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404("未找到该培树工作实施计划。")
    return plan


# Summaries (培树工作总结) -----------------------------------------------------------------------


def summary_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[SummaryReport]:
    """Return every upload the user may see (their unit's, or all office-wide), latest first."""
    reports = SummaryReport.objects.all()
    if campaign is not None:
        reports = reports.filter(campaign=campaign)
    if not reads_across_units(user, "stars.SummaryReport"):
        reports = reports.filter(unit__in=_own_units(user))
    return reports.select_related("unit")


def summary_get_for(*, user, pk: int) -> SummaryReport:
    report = summary_list_for(user=user).filter(pk=pk).select_related("campaign").first()
    if report is None:
        raise Http404("未找到该培树工作总结。")
    return report


def summary_status_for(*, user, campaign: Campaign) -> list[dict]:
    """Return, per responsible unit the user may see, its current summary and whether on time."""
    due = key_date(campaign, KeyDateCode.NOMINATION_DEADLINE)
    latest = SummaryReport.objects.filter(campaign=campaign, unit=OuterRef("pk")).order_by(
        "-uploaded_at", "-id"
    )
    units = responsible_units(campaign).annotate(
        summary_id=Subquery(latest.values("pk")[:1]),
        uploads=Count("star_summaries", filter=Q(star_summaries__campaign=campaign), distinct=True),
    )
    if not reads_across_units(user, "stars.SummaryReport"):
        units = units.filter(pk__in=_own_units(user))
    units = list(units)
    reports = SummaryReport.objects.in_bulk([u.summary_id for u in units if u.summary_id])
    rows = []
    for unit in units:
        report = reports.get(unit.summary_id)
        uploaded_on = local_date(report.uploaded_at) if report else None
        rows.append(
            {
                "unit": unit,
                "report": report,
                "uploads": unit.uploads,
                "late": bool(report and due and uploaded_on > due),
                "missing_overdue": bool(report is None and due and clock.today() > due),
            }
        )
    return rows


# Nominations ---------------------------------------------------------------------------------


def nomination_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[Nomination]:
    """Return the nominations the user may see.

    A section head sees their own unit's; the office-wide readers need_to_know declares
    (机关党支部, 办党组, 办领导 — not 宣教审核 or 小讲堂管理) see every nomination once
    submitted; a nominee sees their own.
    """
    if reads_across_units(user, "stars.Nomination"):
        visible = _submitted_or_own(user)
    else:
        visible = Q(unit__in=_own_units(user))
    staff = user_staff(user)
    if staff is not None:
        visible |= Q(nominee=staff)
    nominations = Nomination.objects.filter(visible)
    if campaign is not None:
        nominations = nominations.filter(campaign=campaign)
    return nominations.select_related(
        "campaign",
        "unit",
        "nominee",
        "post__category",
        "post__unit",
        "approval",
        "star",
        "competition_record",  # its title prints when the nominee has no result in it
    )


def nomination_get_for(*, user, pk: int) -> Nomination:
    """Return one nomination the user may see; anything else is a 404, like a missing one."""
    nomination = nomination_list_for(user=user).filter(pk=pk).first()
    if nomination is None:
        raise Http404("未找到该申报表。")
    return nomination


def nominations_by_ids_for(*, user, ids: list[int], campaign: Campaign) -> list[Nomination]:
    """Return the chosen nominations the user may see, in the order of the form (404 if any
    is outside the user's scope)."""
    found = list(nomination_list_for(user=user, campaign=campaign).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404("所选申报表中有您无权查看或不存在的记录。")
    return found


def staff_choices_for(unit: Unit) -> QuerySet[Staff]:
    """Return who a section may nominate: its active staff."""
    return Staff.objects.filter(unit=unit, is_active=True).order_by("id")


def staff_prefill(staff: Staff, today: datetime.date | None = None) -> dict:
    """Return the 申报表 fields known from a staff record (for prefilling the form)."""
    today = today or clock.today()
    years = None
    if staff.post_since:
        years = max(0, today.year - staff.post_since.year - (today.month < staff.post_since.month))
    return {
        "name": staff.name,
        "gender": staff.gender,
        "native_place": staff.native_place,
        "political_status": staff.political_status,
        "education": staff.education,
        "birth_month": staff.birth_month.strftime("%Y-%m") if staff.birth_month else "",
        "years_on_post": years,
    }


# The fields of 附表2, as printed (产生方式 is the portal's, not the paper's; a nominee from a
# 比武 has the result printed from the 比武 record beneath 推荐科室).
PRINTED_FIELDS = (
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
    "比武成绩",
    "主要事迹",
)


def nomination_form_rows(nomination: Nomination) -> list[tuple[str, str]]:
    """Return the 申报表's fields as printed, in the order of 附表2 (for summaries)."""
    n = nomination
    return [
        ("姓名", n.name),
        ("性别", n.get_gender_display()),
        ("籍贯", n.native_place),
        ("政治面貌", n.get_political_status_display()),
        ("学历", n.get_education_display()),
        ("出生年月", cn_month(n.birth_month)),
        ("申报类别", n.post.category.name if n.post_id else ""),
        ("工作岗位", n.post.name if n.post_id else ""),
        ("在岗年限", f"{n.years_on_post}年" if n.years_on_post is not None else ""),
        ("推荐科室", n.unit.name),
        ("产生方式", nomination_source_text(n) if n.source else ""),
        ("比武成绩", nomination_competition_text(n)),
        ("主要事迹", n.deeds),
    ]


# The 比武 behind a 申报表: the result is recorded once, on the competition record.


def competition_entry_choices(*, campaign: Campaign, unit: Unit) -> QuerySet[CompetitionEntry]:
    """Return the 比武 entries a section's 申报表 may cite: its staff's, of that year."""
    return (
        CompetitionEntry.objects.filter(
            competition__campaign=campaign, staff__unit=unit, staff__is_active=True
        )
        .select_related("competition", "staff")
        .order_by("staff_id", "competition__held_on", "id")
    )


def competition_entry_of(nomination: Nomination) -> CompetitionEntry | None:
    """Return the nominee's entry of the 比武 a 申报表 cites, or None."""
    if not nomination.competition_record_id:
        return None
    return CompetitionEntry.objects.filter(
        competition_id=nomination.competition_record_id, staff_id=nomination.nominee_id
    ).first()


def _entry_result(entry: CompetitionEntry) -> str:
    """Return an entry's result: 一等奖，92.5分 (and the place, 第1名, for a 比武 held within the
    office, where every entrant is recorded)."""
    parts = [entry.award] if entry.award else []
    if entry.score is not None:
        parts.append(f"{entry.score.normalize():f}分")
    if entry.competition.level == CompetitionLevel.OFFICE and getattr(entry, "rank", None):
        parts.append(f"第{entry.rank}名")
    return "，".join(parts)


def competition_texts(pairs) -> dict[tuple[int, int], str]:
    """Return, per (比武, person), the result as printed on a 申报表 — 比武名称（市级）：一等奖，
    92.5分 — from the 比武 record: one query whatever the number of pairs."""
    wanted = {(c, s) for c, s in pairs if c}
    if not wanted:
        return {}
    by_competition: dict[int, list[CompetitionEntry]] = {}
    for entry in CompetitionEntry.objects.filter(
        competition_id__in={c for c, _ in wanted}
    ).select_related("competition"):
        by_competition.setdefault(entry.competition_id, []).append(entry)
    texts = {}
    for entries_of in by_competition.values():
        for entry in ranked(entries_of):
            key = (entry.competition_id, entry.staff_id)
            if key in wanted:
                result = _entry_result(entry) or "未登记成绩"
                level = entry.competition.get_level_display()
                texts[key] = f"{entry.competition.title}（{level}）：{result}"
    return texts


def with_competition_texts(nominations):
    """Attach the cited 比武 result to each nomination (for lists, exports, batch prints)."""
    nominations = list(nominations)
    texts = competition_texts((n.competition_record_id, n.nominee_id) for n in nominations)
    for nomination in nominations:
        nomination.competition_text = texts.get(
            (nomination.competition_record_id, nomination.nominee_id), ""
        )
        nomination.source_label = nomination_source_text(nomination) if nomination.source else ""
    return nominations


def nomination_competition_text(nomination: Nomination) -> str:
    """Return the 比武 result a 申报表 cites, from the record ("" unless 比武竞赛)."""
    if nomination.source != Source.COMPETITION:
        return ""
    if not nomination.competition_record_id:
        return nomination.competition_legacy
    text = getattr(nomination, "competition_text", None)
    if text is None:
        key = (nomination.competition_record_id, nomination.nominee_id)
        text = competition_texts([key]).get(key, "")
        nomination.competition_text = text
    if not text:
        title = nomination.competition_record.title
        text = f"{title}（比武记录中没有{nomination.name}的成绩）"
    return text


def nomination_source_text(nomination: Nomination) -> str:
    """Return how the nominee emerged: 比武竞赛（比武名称（市级）：一等奖，92.5分） or 评选推荐."""
    if nomination.source == Source.COMPETITION:
        detail = nomination_competition_text(nomination)
        return f"比武竞赛（{detail}）" if detail else "比武竞赛"
    return nomination.get_source_display()


def nomination_opinion_cells(nomination: Nomination) -> list[dict]:
    """Return the three opinion cells of 附表2: opinion text, signer and date, or blank."""
    signed = signed_opinions(nomination.approval)
    cells = []
    for step in NOMINATION_CHAIN.steps:
        opinion = signed.get(step.code)
        cell = {"code": step.code, "label": step.label, "given": False}
        if opinion is not None:
            decision = opinion.label
            text = opinion.text or decision
            if opinion.action != "approve":
                text = f"【{decision}】{opinion.text}".strip()
            cell.update(
                given=True,
                decision=decision,
                text=text,
                signer=opinion.actor_name,
                date=cn_date(opinion.at),
            )
        cells.append(cell)
    return cells


def nomination_submitted_late(nomination: Nomination) -> bool:
    """Return whether the 申报表 was sent after the year's stored deadline (逾期报送): it is
    accepted, and marked so; the office decides what it means."""
    submitted = nomination.approval.submitted_at
    due = key_date(nomination.campaign, KeyDateCode.NOMINATION_DEADLINE)
    return bool(submitted and due and local_date(submitted) > due)


def nomination_print_content(nomination: Nomination) -> dict:
    """Return exactly what a printed 申报表 shows; its digest ties a paper copy to it."""
    # 比武成绩 prints only for a nominee from a 比武 (other sheets keep their digests).
    fields = {
        k: v
        for k, v in nomination_form_rows(nomination)
        if k in PRINTED_FIELDS and (v or k != "比武成绩")
    }
    return {
        "kind": "stars.nomination",
        "id": nomination.pk,
        "year": nomination.campaign.year,
        "fields": fields,
        "opinions": [
            {k: cell.get(k, "") for k in ("code", "text", "signer", "date")}
            for cell in nomination_opinion_cells(nomination)
        ],
    }


def content_digest(content: dict) -> str:
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def printed_copy_find(code: str) -> PrintedCopy | None:
    """Return the printed copy a code (as typed from paper) belongs to, or None."""
    typed = "".join((code or "").split()).replace("-", "").upper()
    if not typed:
        return None
    return (
        PrintedCopy.objects.select_related(
            "nomination__unit", "nomination__post", "nomination__approval", "nomination__campaign"
        )
        .filter(code=typed)
        .first()
    )


def verification_result(*, code: str, user) -> dict:
    """Return whether a printed 申报表 is genuine and still shows the portal's content.

    status: "current" (the paper shows what the portal holds now), "outdated" (genuine, but
    the 申报表 changed since: `changes` names the rows), or "invalid" (no such code).
    """
    copy = printed_copy_find(code)
    if copy is None or not check_verification_code(
        code, "stars.nomination", copy.nomination_id, copy.digest
    ):
        return {"status": "invalid", "code": code}
    nomination = copy.nomination
    content = nomination_print_content(nomination)
    current = content_digest(content) == copy.digest
    changes = []
    if not current:
        old_fields = copy.content.get("fields", {})
        changes = [k for k, v in content["fields"].items() if old_fields.get(k) != v]
        old_opinions = {o.get("code"): o for o in copy.content.get("opinions", [])}
        labels = {step.code: step.label for step in NOMINATION_CHAIN.steps}
        changes += [
            labels.get(o["code"], o["code"])
            for o in content["opinions"]
            if old_opinions.get(o["code"]) != o
        ]
    return {
        "status": "current" if current else "outdated",
        "code": copy.code,
        "copy": copy,
        "nomination": nomination,
        "state_label": nomination.approval.state_label,
        "changes": changes,
        "may_open": nomination_list_for(user=user).filter(pk=nomination.pk).exists(),
    }


def nomination_export_rows_for(*, user, campaign: Campaign) -> QuerySet[Nomination]:
    """Return the nominations of the summary export, with each standard's average score."""
    return (
        nomination_list_for(user=user, campaign=campaign)
        .annotate(
            avg_political=Avg("scores__political"),
            avg_skill=Avg("scores__skill"),
            avg_performance=Avg("scores__performance"),
            score_count=Count("scores", distinct=True),
            avg_total=Avg(F("scores__political") + F("scores__skill") + F("scores__performance")),
        )
        .order_by("post__number", "unit__order", "id")
    )


# Choosing the stars -------------------------------------------------------------------------


def comparison_for(*, user, campaign: Campaign) -> QuerySet[Nomination]:
    """Return the nominations the 办党组 compares: every submitted one still in play, by
    category and post, with the average of each standard and the user's own scores."""
    shown = [State.IN_REVIEW, State.RETURNED, State.APPROVED, State.REJECTED]
    return (
        Nomination.objects.filter(campaign=campaign, approval__state__in=shown)
        .select_related("unit", "post__category", "approval", "star", "nominee")
        .annotate(
            avg_political=Avg("scores__political"),
            avg_skill=Avg("scores__skill"),
            avg_performance=Avg("scores__performance"),
            score_count=Count("scores", distinct=True),
            avg_total=Avg(F("scores__political") + F("scores__skill") + F("scores__performance")),
        )
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.filter(scorer=user), to_attr="my_scores")
        )
        .order_by("post__category__number", "post__number", "unit__order", "id")
    )


def is_star(nomination: Nomination) -> bool:
    """Return whether the nomination is among the chosen stars (announced or not)."""
    try:
        return nomination.star is not None
    except Nomination.star.RelatedObjectDoesNotExist:
        return False


def stars_of(campaign: Campaign) -> QuerySet[Star]:
    return (
        Star.objects.filter(campaign=campaign)
        .select_related("nomination__unit", "nomination__post__category", "nomination__approval")
        .order_by("nomination__post__number", "nomination__unit__order", "nomination__id")
    )


def score_get(*, nomination: Nomination, user) -> Score | None:
    return Score.objects.filter(nomination=nomination, scorer=user).first()


def scores_of(nomination: Nomination) -> QuerySet[Score]:
    return Score.objects.filter(nomination=nomination).order_by("created_at", "id")


def showcase_for(*, user, star_year: StarYear) -> dict:
    """Return the year's stars for the 交流展示 page: public once announced; before, a preview
    for those who choose them."""
    visible = star_year.is_announced or rules.may_see_selection(user)
    return {
        "stars": list(stars_of(star_year.campaign)) if visible else [],
        "is_preview": visible and not star_year.is_announced,
        "sharing": key_date(star_year.campaign, KeyDateCode.SHARING),
        # The sessions are 交流展示 records, shown to the office (need_to_know.OFFICE_SHARED).
        "sessions": star_sharing_sessions(campaign=star_year.campaign)
        if getattr(user, "is_superuser", False) or reads_office_shared(user, "campaigns.Exchange")
        else [],
    }


# 公示 before 公布 ---------------------------------------------------------------------------


def publicity_end(starts_on: datetime.date, working_days: int) -> datetime.date:
    """Return the last day of a 公示 of `working_days` working days from `starts_on` (the start
    counts when it is a working day; Saturdays and Sundays are skipped)."""
    day, counted = starts_on, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == working_days:
                return day
        day += datetime.timedelta(days=1)


def star_nominations(star_year: StarYear) -> QuerySet[Nomination]:
    """Return the nominations of the chosen stars (what a 公示 objection may concern)."""
    return Nomination.objects.filter(
        campaign=star_year.campaign, star__isnull=False
    ).select_related("post")


def objection_get(*, pk: int) -> Objection:
    objection = (
        Objection.objects.select_related("star_year__campaign", "nomination").filter(pk=pk).first()
    )
    if objection is None:
        raise Http404("未找到该公示异议。")
    return objection


def objection_list_for(*, user) -> QuerySet[Objection]:
    """Return the 公示 objections the user may read: those of the nominations they may read
    (need_to_know reads an objection as its 申报表)."""
    return Objection.objects.filter(
        nomination__in=nomination_list_for(user=user).values("pk")
    ).select_related("nomination", "star_year__campaign")


def objections_of(star_year: StarYear) -> QuerySet[Objection]:
    return Objection.objects.filter(star_year=star_year).select_related(
        "nomination__post", "nomination__unit"
    )


def announce_blockers(
    star_year: StarYear,
    *,
    today: datetime.date | None = None,
    objections: list[Objection] | None = None,
) -> list[str]:
    """Return why the stars cannot be announced yet (empty: they can). The one rule the
    公布 service applies and the pages show. `objections`: the year's, if already read."""
    today = today or clock.today()
    year = star_year.year
    if star_year.is_announced:
        return [f"{year}年度“岗位之星”已于{cn_date(star_year.announced_at)}公布。"]
    chosen = list(stars_of(star_year.campaign))
    if len(chosen) != star_year.quota:
        return [
            f"{year}年度“岗位之星”名额为{star_year.quota}名，目前已确定{len(chosen)}名，"
            f"须确定满{star_year.quota}名并经公示后方可公布。"
        ]
    if not star_year.is_publicized:
        return [f"{year}年度“岗位之星”人选尚未公示：须先公示，公示期满后方可公布。"]
    reasons = []
    if today <= star_year.publicity_ends_on:
        reasons.append(
            f"公示期为{cn_date(star_year.publicity_starts_on)}至"
            f"{cn_date(star_year.publicity_ends_on)}，期满后方可公布。"
        )
    if objections is None:
        objections = list(objections_of(star_year))
    open_ones = [o for o in objections if not o.is_handled]
    if open_ones:
        names = "、".join(dict.fromkeys(o.nomination.name for o in open_ones))
        reasons.append(f"尚有{len(open_ones)}件公示异议未办结（涉及{names}），办结后方可公布。")
    star_ids = {s.nomination_id for s in chosen}
    upheld = [
        o for o in objections if o.result == ObjectionResult.UPHELD and o.nomination_id in star_ids
    ]
    if upheld:
        names = "、".join(dict.fromkeys(o.nomination.name for o in upheld))
        reasons.append(f"对{names}的异议经核查属实：须撤销公示、调整人选并重新公示后方可公布。")
    return reasons


def publicity_for(star_year: StarYear, *, today: datetime.date | None = None) -> dict:
    """Return the 公示 as pages show it: dates, state, objections and what blocks 公布."""
    today = today or clock.today()
    objections = list(objections_of(star_year)) if star_year.is_publicized else []
    state = "none"
    if star_year.is_announced:
        state = "announced"
    elif star_year.is_publicized:
        state = "running" if today <= star_year.publicity_ends_on else "ended"
    return {
        "state": state,
        "starts_on": star_year.publicity_starts_on,
        "ends_on": star_year.publicity_ends_on,
        "objections": objections,
        "open_objections": sum(1 for o in objections if not o.is_handled),
        "blockers": announce_blockers(
            star_year, today=today, objections=objections if star_year.is_publicized else None
        ),
        "default_end": publicity_end(today, PUBLICITY_WORKING_DAYS),
        "working_days": PUBLICITY_WORKING_DAYS,
    }


# 交流展示 (11月上旬) -------------------------------------------------------------------------


def sharing_speakers(star_year: StarYear) -> list[Staff]:
    """Return who may speak at the year's 交流展示: the stars first (by post), then the other
    nominees of a submitted 申报表 (by unit), each once."""
    nominations = (
        Nomination.objects.filter(campaign=star_year.campaign, approval__round__gt=0)
        .select_related("nominee__unit", "star", "post")
        .order_by("nominee__unit__order", "id")
    )
    stars, others, seen = [], [], set()
    for nomination in nominations:
        if nomination.nominee_id is None or nomination.nominee_id in seen:
            continue
        seen.add(nomination.nominee_id)
        is_star = getattr(nomination, "star", None) is not None
        nomination.nominee.is_star = is_star
        (stars if is_star else others).append(nomination.nominee)
    return stars + others


def sharing_get(*, star_year: StarYear, pk: int):
    """Return one of the year's 交流展示 sessions (campaigns 交流展示 of the stars' kind)."""
    for session in star_sharing_sessions(campaign=star_year.campaign):
        if session.pk == pk:
            return session
    raise Http404("未找到该交流展示。")


def sharing_get_any_year(*, pk: int) -> tuple[StarYear, object]:
    """Return a 岗位之星 交流展示 session by its pk, whatever year the page was opened with,
    with its own year's settings (404 for any other 交流展示 or a year without settings)."""
    year = (
        Exchange.objects.filter(pk=pk, kind=ExchangeKind.STAR_SHARING)
        .values_list("campaign__year", flat=True)
        .first()
    )
    star_year = star_year_of(year) if year is not None else None
    if star_year is None:
        raise Http404("未找到该交流展示。")
    return star_year, sharing_get(star_year=star_year, pk=pk)


# 组织实施: activities under the plans and the 机关党支部's 督查 ---------------------------


def activity_list_for(
    *, user, campaign: Campaign | None = None
) -> QuerySet[ImplementationActivity]:
    """Return the implementation activities the user may see: their own section's (科室负责人),
    or every section's for the readers need_to_know declares (机关党支部, 办党组, 办领导)."""
    activities = ImplementationActivity.objects.all()
    if not reads_across_units(user, "stars.ImplementationActivity"):
        activities = activities.filter(unit__in=_own_units(user))
    if campaign is not None:
        activities = activities.filter(campaign=campaign)
    return activities.select_related("plan__post", "unit", "campaign").annotate(
        evidence_count=Count("evidence")
    )


def activity_get_for(*, user, pk: int) -> ImplementationActivity:
    activity = activity_list_for(user=user).filter(pk=pk).first()
    if activity is None:
        raise Http404("未找到该组织实施活动。")
    return activity


def activities_of_plan(*, user, plan: CultivationPlan) -> list[ImplementationActivity]:
    """Return the plan's activities the user may see, each with its evidence."""
    return list(
        activity_list_for(user=user)
        .filter(plan=plan)
        .prefetch_related(Prefetch("evidence", queryset=ActivityEvidence.objects.order_by("id")))
    )


def evidence_get_for(*, user, activity_pk: int, pk: int) -> ActivityEvidence:
    activity = activity_get_for(user=user, pk=activity_pk)
    evidence = ActivityEvidence.objects.filter(activity=activity, pk=pk).first()
    if evidence is None:
        raise Http404("未找到该佐证材料。")
    return evidence


def activity_kind_counts(activities) -> dict[str, int]:
    """Return how many activities there are of each kind (培训, 学习, 实操, 风采展示)."""

    counts = {kind.label: 0 for kind in ActivityKind}
    labels = dict(ActivityKind.choices)
    for activity in activities:
        counts[labels[activity.kind]] += 1
    return counts


def visit_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[SupervisionVisit]:
    """Return the 督查 visits the user may see: every section's for the 机关党支部 (who records
    them), 办党组 and 办领导; a section head sees the visits of their own section."""
    visits = SupervisionVisit.objects.all()
    if not reads_across_units(user, "stars.SupervisionVisit"):
        visits = visits.filter(unit__in=_own_units(user))
    if campaign is not None:
        visits = visits.filter(campaign=campaign)
    return visits.select_related("unit", "plan__post", "campaign")


def visit_get_for(*, user, pk: int) -> SupervisionVisit:
    visit = visit_list_for(user=user).filter(pk=pk).first()
    if visit is None:
        raise Http404("未找到该督查记录。")
    return visit


def visit_plan_choices(campaign: Campaign) -> QuerySet[CultivationPlan]:
    """Return the plans a 督查 may be about: every submitted plan of the year."""
    return (
        CultivationPlan.objects.filter(campaign=campaign, approval__round__gt=0)
        .select_related("post", "unit")
        .order_by("post__number")
    )
