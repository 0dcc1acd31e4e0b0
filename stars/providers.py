"""What 岗位之星 tells the campaign (registered in StarsConfig.ready()).

- the monthly section ranking: 申报表 a section first submitted in the month (申报表), and its
  培树工作实施计划 first submitted and 培树工作总结 first reported in the month (报送材料);
- each person's yearly record: the 申报表 filed for them and, once announced, their star;
- the campaign calendar: the day the year's stars were announced;
- the copy to next year: the posts of 附表1 with their categories, and the number of stars.

Every function runs a fixed number of queries whatever the number of units or people.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from campaigns import providers
from campaigns.enums import Metric
from campaigns.providers import CalendarEvent, Provider, RecordEntry, RecordPart, SummaryPart
from qpdo.org.dates import local_date
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion

from . import services
from .chains import NOMINATION_CHAIN, PLAN_CHAIN
from .enums import SUBMITTED_STATES
from .models import Nomination, Post, Star, StarYear, SummaryReport
from .selectors import is_star, nomination_source_text, with_competition_texts


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _first_submitted(chain_code: str, campaign, unit_ids, start, end) -> dict[int, int]:
    """Return per unit how many subjects of the chain were first submitted in the period."""

    return dict(
        Opinion.objects.filter(
            approval__chain_code=chain_code,
            approval__unit_id__in=unit_ids,
            action=Action.SUBMIT,
            round=1,
            at__gte=_day_start(start),
            at__lt=_day_start(end + datetime.timedelta(days=1)),
        )
        .values_list("approval__unit")
        .annotate(n=Count("pk"))
    )


def monthly(campaign, *, start: datetime.date, end: datetime.date, units) -> dict:
    unit_ids = [u.pk for u in units]
    nominations = _first_submitted(NOMINATION_CHAIN.code, campaign, unit_ids, start, end)
    plans = _first_submitted(PLAN_CHAIN.code, campaign, unit_ids, start, end)
    first_summaries = (
        SummaryReport.objects.filter(campaign=campaign, unit_id__in=unit_ids)
        .values("unit")
        .annotate(first=Min("uploaded_at"))
        .filter(first__gte=_day_start(start), first__lt=_day_start(end + datetime.timedelta(1)))
    )
    reports = dict(plans)
    for row in first_summaries:
        reports[row["unit"]] = reports.get(row["unit"], 0) + 1
    return {Metric.NOMINATIONS_FILED: nominations, Metric.REPORTS_FILED: reports}


def record(campaign, *, staff) -> dict[int, RecordPart]:
    """Return per person the 申报表 filed for them and, once announced, their star."""
    star_year = StarYear.objects.filter(campaign=campaign).first()
    announced = star_year is not None and star_year.is_announced
    parts: dict[int, RecordPart] = {}
    nominations = (
        Nomination.objects.filter(campaign=campaign, nominee__in=[s.pk for s in staff])
        .exclude(approval__state__in=[State.DRAFT, State.WITHDRAWN])
        .select_related("approval", "post", "star")
        .order_by("id")
    )
    for nomination in with_competition_texts(nominations):
        part = parts.setdefault(
            nomination.nominee_id, RecordPart(counts={"star_nominations": 0, "stars": 0})
        )
        part.counts["star_nominations"] += 1
        post = nomination.post.name if nomination.post_id else ""
        submitted = nomination.approval.submitted_at
        part.entries.append(
            RecordEntry(
                "申报岗位之星",
                f"“{post}”岗位之星申报（{nomination_source_text(nomination)}）",
                local_date(submitted) if submitted else None,
                nomination.approval.state_label,
            )
        )
        if announced and is_star(nomination):
            part.counts["stars"] += 1
            part.entries.append(
                RecordEntry(
                    "岗位之星",
                    f"{campaign.year}年度“岗位之星”（{post}）",
                    local_date(star_year.announced_at),
                    "经办党组研究确定",
                )
            )
    return parts


def calendar(campaign) -> list[CalendarEvent]:
    star_year = StarYear.objects.filter(campaign=campaign).first()
    if star_year is None or not star_year.is_announced:
        return []

    return [
        CalendarEvent(
            date=local_date(star_year.announced_at),
            title=f"公布{campaign.year}年度“岗位之星”",
            programme="岗位之星",
            url=f"{reverse('stars:showcase')}?year={campaign.year}",
        )
    ]


def preview_posts(source, year: int) -> list[str]:
    """List the posts the new year will have."""
    posts = Post.objects.filter(campaign=source).select_related("unit").order_by("number")
    return [f"培树岗位{post.number}：{post.name}（{post.unit.name}）" for post in posts]


def summary(campaign) -> list[SummaryPart]:
    """Return nominations per post and the stars with one line each, for the 实践活动总结."""

    counts = dict(
        Nomination.objects.filter(campaign=campaign, approval__state__in=SUBMITTED_STATES)
        .exclude(approval__state=State.WITHDRAWN)
        .values("post_id")
        .annotate(n=Count("pk"))
        .values_list("post_id", "n")
    )
    posts = list(Post.objects.filter(campaign=campaign).select_related("category", "unit"))
    stars = list(
        Star.objects.filter(campaign=campaign)
        .select_related("nomination__unit", "nomination__post")
        .order_by("nomination__post__number", "nomination__id")
    )
    star_year = StarYear.objects.filter(campaign=campaign).first()
    announced = star_year is not None and star_year.is_announced
    return [
        SummaryPart(
            heading="岗位之星申报",
            text=f"全年{len(posts)}个培树岗位共收到申报表{sum(counts.values())}份。",
            headers=("类别", "培树岗位", "业务责任部门", "申报数"),
            rows=tuple(
                (post.category.name, post.name, post.unit.name, counts.get(post.pk, 0))
                for post in posts
            ),
            widths=(30, 44, 50, 30),
            empty="本年度未设培树岗位。",
            records=sum(counts.values()),
        ),
        SummaryPart(
            heading="岗位之星评选",
            text=(
                f"经办党组评定，{len(stars)}名同志获评{campaign.year}年度“岗位之星”。"
                if announced
                else ""
            ),
            headers=("姓名", "岗位", "推荐科室", "事迹"),
            rows=tuple(
                (
                    star.nomination.name,
                    star.nomination.post.name,
                    star.nomination.unit.name,
                    (star.citation or star.nomination.deeds)[:60],
                )
                for star in stars
            )
            if announced
            else (),
            widths=(20, 26, 30, 78),
            empty="本年度“岗位之星”尚未公布。",
            records=len(stars) if announced else 0,
        ),
    ]


PROVIDER = Provider(
    label="岗位之星",
    order=40,
    columns=(("star_nominations", "岗位之星申报"), ("stars", "岗位之星")),
    monthly=monthly,
    record=record,
    calendar=calendar,
    summary=summary,
)


def register() -> None:
    providers.register("stars", PROVIDER)
    providers.register_copy_hook(
        "stars", label="岗位之星", copy=services.posts_copy, order=40, preview=preview_posts
    )
