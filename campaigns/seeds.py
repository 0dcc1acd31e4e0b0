"""Seed step of the campaigns app: the 2024 campaign with its key tasks and key dates."""

import datetime

from django.db import transaction

from qpdo.errors import Refused
from qpdo.org.models import Unit
from qpdo.org.seeding import load_json, register

from .models import Campaign, KeyDate, KeyTask


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


@register(order=20, name="实践活动（2024年）")
@transaction.atomic
def seed_campaigns(log) -> None:
    for data in load_json("campaigns.json"):
        organiser = Unit.objects.get(code=data["organiser"])
        coordinator = Unit.objects.filter(code=data.get("coordinator", "")).first()
        campaign, _ = Campaign.objects.update_or_create(
            year=data["year"],
            defaults={
                "name": data["name"],
                "doc_number": data["doc_number"],
                "start": _date(data["start"]),
                "end": _date(data["end"]),
                "issued_on": _date(data["issued_on"]),
                "organiser": organiser,
                "coordinator_unit": coordinator,
                "text": data.get("text", ""),
            },
        )
        for order, task in enumerate(data["key_tasks"], start=1):
            KeyTask.objects.update_or_create(
                campaign=campaign,
                order=order,
                defaults={"title": task["title"], "description": task["description"]},
            )
        for row in data["key_dates"]:
            KeyDate.objects.update_or_create(
                campaign=campaign,
                code=row["code"],
                defaults={
                    "date": _date(row["date"]),
                    "title": row["title"],
                    "programme": row["programme"],
                    "is_deadline": row.get("is_deadline", True),
                    "note": row.get("note", ""),
                },
            )
        log(
            f"{campaign.doc_number}：{len(data['key_tasks'])} 项重点任务，"
            f"{len(data['key_dates'])} 个关键节点"
        )


@register(order=110, name="演示年度（上一年度与本年度实践活动）", records=True)
def seed_demo_years(log) -> None:
    """Set up last year's and this year's campaigns from the 2024 notice, as 综合科 would in
    the browser (the new-year page), each on 1 December of the year before."""
    from django.contrib.auth import get_user_model

    from qpdo.org import clock

    from . import services
    from .demo_year import demo_years
    from .selectors import campaign_previous

    head = get_user_model().objects.get(username="zonghe_head")
    for year, _until in demo_years():
        if Campaign.objects.filter(year=year).exists():
            continue
        source = campaign_previous(year)
        if source is None:
            continue
        with clock.frozen(clock.at(year - 1, 12, 1, 9, 0)):
            services.campaign_copy(
                acting_user=head,
                source=source,
                year=year,
                doc_number=source.doc_number.replace(str(source.year), str(year)),
                name=source.name,
            )
        log(f"{year}年实践活动（由{source.year}年复制）")


@register(order=230, name="比武演示记录（比武及成绩，申报表引用）", records=True)
def seed_demo_competitions(log) -> None:
    from .demo import build_competitions
    from .demo_year import each_year

    each_year(build_competitions, log)


@register(order=300, name="实践活动演示记录（清单、进展、团队、带教、排名）", records=True)
def seed_demo_records(log) -> None:
    from .demo import build
    from .demo_year import each_year

    each_year(build, log)


@register(order=310, name="年度考核推荐演示记录（12月下旬提出，办党组研究确定）", records=True)
def seed_demo_appraisal(log) -> None:
    from .demo import build_appraisal
    from .demo_year import each_year

    each_year(build_appraisal, log)


@register(order=900, name="上一年度收尾（审批办结、每月排名公布）", records=True)
def seed_demo_history(log) -> None:
    """Finish last year as history: every open approval of the year decided, every month's
    ranking compiled and published (each programme finishes its own part, e.g. the stars)."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from qpdo.org import clock
    from qpdo.workflow import services as workflow
    from qpdo.workflow.enums import Action, State
    from qpdo.workflow.models import Approval

    from . import services
    from .models import MonthlyRanking

    year = clock.today().year - 1
    campaign = Campaign.objects.filter(year=year).first()
    if campaign is None:
        return
    users = get_user_model().objects
    head = users.get(username="zonghe_head")
    leader = users.get(username="office_leader")
    from django.core.exceptions import ValidationError

    # Early in January of this year (or now, if that is earlier): December has ended.
    with clock.frozen(min(clock.at(year + 1, 1, 4, 9, 0), clock.now())):
        for month in campaign.months:
            ranking = MonthlyRanking.objects.filter(campaign=campaign, month=month).first()
            try:
                if ranking is None:
                    ranking = services.ranking_compile(
                        acting_user=head, campaign=campaign, month=month
                    )
                if ranking.approval.state in (State.DRAFT, State.RETURNED):
                    services.ranking_submit(acting_user=head, ranking=ranking)
            except ValidationError:
                continue
        decided = 0
        for approval in Approval.objects.filter(state=State.IN_REVIEW).order_by("pk"):
            model = ContentType.objects.get_for_id(approval.content_type_id).model_class()
            subject = model.objects.filter(pk=approval.object_id).first()
            if subject is None or subject.get_workflow_year() != year:
                continue
            for _ in range(10):
                approval.refresh_from_db()
                if approval.state != State.IN_REVIEW:
                    break
                subject.refresh_from_db()
                for actor in workflow.step_actors(approval) or [leader]:
                    try:
                        workflow.approval_decide(
                            subject=subject,
                            acting_user=actor,
                            decision=Action.APPROVE,
                            opinion="同意。",
                        )
                    except Refused:
                        continue
                    break
                else:
                    break  # nobody may decide it: leave it as it stands
            decided += 1
    log(f"{year}年：{decided} 件审批办结，{len(campaign.months)} 个月排名已公布")
