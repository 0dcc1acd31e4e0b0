"""Seed step of the campaigns app: the 2024 campaign with its key tasks and key dates."""

import datetime

from django.db import transaction

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


@register(order=300, name="实践活动演示记录（清单、进展、团队、带教、比武、排名）", records=True)
def seed_demo_records(log) -> None:
    from .demo import build

    build(log)
