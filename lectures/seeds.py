"""Seed step of the lecture series: the eight slots of 附件1 附表1."""

from campaigns.demo_year import each_year
from campaigns.models import Campaign
from qpdo.org.models import Unit
from qpdo.org.seeding import load_json, register

from .demo import build
from .models import Slot


@register(order=30, name="国动小讲堂场次（附表1）")
def seed_slots(log) -> None:
    rows = load_json("lecture_slots.json")
    campaigns = {c.year: c for c in Campaign.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    for row in rows:
        Slot.objects.update_or_create(
            campaign=campaigns[row["year"]],
            number=row["number"],
            defaults={"unit": units[row["unit"]], "month": row["month"]},
        )
    log(f"{len(rows)} 个场次")


@register(order=130, name="国动小讲堂演示记录", records=True)
def seed_demo_records(log) -> None:

    each_year(build, log)
