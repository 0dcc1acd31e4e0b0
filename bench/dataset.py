"""Grow the demo database to ten years of data, through the project's models (bulk writes).

Run on a throw-away database after `migrate` and `seed --demo`:

    DATABASE_URL=postgres://…/qpdo_bench python -m bench.dataset

Ten campaigns (the demo's, copied to the other years with the campaign-copy service), 2,000
more staff, and for every year cloned from the demo's finished subjects: ≈10,000 六进 reports,
500 申报表, lecture topics, work items with progress reports — each with its approval and its
opinions (流转记录), dates moved into its year.
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
import sys
import time

REPORTS_PER_YEAR = int(os.environ.get("BENCH_REPORTS_PER_YEAR", "10000"))
NOMINATIONS_PER_YEAR = int(os.environ.get("BENCH_NOMINATIONS_PER_YEAR", "500"))
TOPICS_PER_YEAR = 24
ITEMS_PER_YEAR = 60
PROGRESS_PER_YEAR = 200
STAFF = 2000
YEARS = 10
PLACEHOLDER = 10**12  # object ids of approvals whose subject is not written yet
_placeholders = itertools.count(PLACEHOLDER + 1)

FINAL = ("approved", "rejected")


def setup() -> None:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qpdo.settings")
    import django

    django.setup()


def shift(value, years: int, day_offset: int = 0):
    """Move a date or datetime by whole years (29 Feb → 28 Feb) and some days."""
    if value is None:
        return None
    try:
        moved = value.replace(year=value.year + years)
    except ValueError:
        moved = value.replace(year=value.year + years, day=28)
    return moved + datetime.timedelta(days=day_offset) if day_offset else moved


def log(text: str) -> None:
    print(f"  [dataset] {text}", flush=True)


class Cloner:
    """Clone subjects of one model with their approvals and opinions into other years."""

    def __init__(self, model, *, remap) -> None:
        from django.contrib.contenttypes.models import ContentType

        from qpdo.workflow.models import Approval, Opinion

        self.model = model
        self.remap = remap  # (row dict, target year, years moved, i) -> row dict
        self.content_type = ContentType.objects.get_for_model(model)
        approvals = Approval.objects.filter(content_type=self.content_type, state__in=FINAL)
        self.sources = list(model.objects.filter(approval__in=approvals))
        self.approvals = {a.pk: a for a in approvals}
        self.opinions: dict[int, list] = {}
        for opinion in Opinion.objects.filter(approval__in=approvals).order_by("at", "id"):
            self.opinions.setdefault(opinion.approval_id, []).append(opinion)

    @staticmethod
    def values(obj, *, skip=()) -> dict:
        return {
            f.attname: getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if not f.primary_key and f.attname not in skip
        }

    def clone(self, year: int, source_year: int, count: int) -> list:
        """Write `count` clones into `year`; return the new subjects (with pks)."""
        from django.db.models import DateField, DateTimeField

        from qpdo.workflow.models import Approval, Opinion

        if not self.sources:
            return []
        years = year - source_year
        rng = random.Random(f"{self.model.__name__}-{year}")  # noqa: S311 - test data
        date_fields = [
            f.attname
            for f in self.model._meta.concrete_fields
            if isinstance(f, DateField | DateTimeField)
        ]
        new_approvals, rows, offsets = [], [], []
        for i in range(count):
            source = self.sources[i % len(self.sources)]
            offset = rng.randint(-120, 120) if years else rng.randint(-30, 0)
            approval = self.approvals[source.approval_id]
            values = self.values(approval)
            for name in ("submitted_at", "step_entered_at", "decided_at", "created_at"):
                values[name] = shift(values[name], years, offset)
            values["object_id"] = next(_placeholders)
            new_approvals.append(Approval(**values))
            row = self.values(source, skip=("approval_id",))
            for name in date_fields:
                row[name] = shift(row[name], years, offset)
            rows.append(self.remap(row, year, years, i))
            offsets.append((source, offset))
        Approval.objects.bulk_create(new_approvals, batch_size=2000)
        subjects = []
        for approval, row in zip(new_approvals, rows, strict=True):
            subject = self.model(approval_id=approval.pk, **row)
            subjects.append(subject)
        self.model.objects.bulk_create(subjects, batch_size=2000)
        opinions = []
        for approval, (source, offset) in zip(new_approvals, offsets, strict=True):
            for opinion in self.opinions.get(source.approval_id, []):
                values = self.values(opinion)
                values["approval_id"] = approval.pk
                values["at"] = shift(values["at"], years, offset)
                opinions.append(Opinion(**values))
        Opinion.objects.bulk_create(opinions, batch_size=5000)
        return subjects

    @staticmethod
    def fix_object_ids(model) -> None:
        """Point each new approval at its subject (written after it)."""
        from django.db import connection

        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE workflow_approval SET object_id = s.id FROM {table} s "  # noqa: S608
                "WHERE s.approval_id = workflow_approval.id AND workflow_approval.object_id >= %s",
                [PLACEHOLDER],
            )


def build() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from campaigns.models import Campaign, KeyTask, ProgressReport, WorkItem
    from campaigns.services import campaign_copy
    from lectures.models import Slot, Topic
    from outreach.models import Report
    from qpdo.org import clock
    from qpdo.org.enums import UnitKind
    from qpdo.org.models import Staff, Unit
    from stars.models import Nomination, Post

    started = time.monotonic()
    if Report.objects.count() > 1000:
        log("already at ten years: nothing to do")
        return
    leader = get_user_model().objects.get(username="office_leader")
    demo = Campaign.objects.order_by("-year").first()
    last = max(demo.year, clock.today().year)
    years = list(range(last - YEARS + 1, last + 1))
    for year in years:
        if not Campaign.objects.filter(year=year).exists():
            campaign_copy(
                acting_user=leader, source=demo, year=year, doc_number=f"青国动办〔{year}〕1号"
            )
    campaigns = {c.year: c for c in Campaign.objects.all()}
    log(f"campaigns {sorted(campaigns)}")

    units = list(Unit.objects.filter(is_active=True))
    sections = [u for u in units if u.kind in (UnitKind.SECTION, UnitKind.INSTITUTION)]
    reporting = [u for u in units if u.kind in (UnitKind.TOWN, UnitKind.MEMBER_UNIT)]
    rng = random.Random(15)  # noqa: S311 - test data
    with transaction.atomic():
        Staff.objects.bulk_create(
            Staff(
                name=f"测试人员{i:04d}",
                unit=rng.choice(sections + reporting),
                position="科员",
                is_active=i % 20 != 0,
            )
            for i in range(STAFF)
        )
    staff_ids = list(Staff.objects.filter(is_active=True).values_list("pk", flat=True))
    log(f"staff {len(staff_ids)}")

    tasks = {(t.campaign_id, t.order): t.pk for t in KeyTask.objects.all()}
    posts = {(p.campaign_id, p.number): p.pk for p in Post.objects.all()}
    slots = {(s.campaign_id, s.number): s.pk for s in Slot.objects.all()}
    demo_tasks = {t.pk: t.order for t in KeyTask.objects.filter(campaign=demo)}
    demo_posts = {p.pk: p.number for p in Post.objects.filter(campaign=demo)}
    demo_slots = {s.pk: s.number for s in Slot.objects.filter(campaign=demo)}

    def in_campaign(row, year):
        row["campaign_id"] = campaigns[year].pk
        return row

    def report_row(row, year, years, i):
        row["plan_item_id"] = None
        row["unit_id"] = reporting[i % len(reporting)].pk
        row["promoted_by_id"] = None
        return row

    free_nominees: dict[int, list[int]] = {}

    def nomination_row(row, year, years, i):
        in_campaign(row, year)
        if row.get("post_id"):
            row["post_id"] = posts.get((campaigns[year].pk, demo_posts.get(row["post_id"])))
        # One 申报表 per person and year (stars_nomination_once_a_year): skip the staff the
        # year's campaign already has a 申报表 for (the demo year's own).
        if year not in free_nominees:
            taken = set(
                Nomination.objects.filter(campaign_id=campaigns[year].pk).values_list(
                    "nominee_id", flat=True
                )
            )
            start = year % len(staff_ids)
            ordered = staff_ids[start:] + staff_ids[:start]
            free_nominees[year] = [pk for pk in ordered if pk not in taken]
        row["nominee_id"] = free_nominees[year][i % len(free_nominees[year])]
        row["photo"] = row["photo_thumb"] = ""
        return row

    def topic_row(row, year, years, i):
        in_campaign(row, year)
        if row.get("preferred_slot_id"):
            number = demo_slots.get(row["preferred_slot_id"])
            row["preferred_slot_id"] = slots.get((campaigns[year].pk, number))
        return row

    report_cloner = Cloner(Report, remap=report_row)
    nomination_cloner = Cloner(Nomination, remap=nomination_row)
    topic_cloner = Cloner(Topic, remap=topic_row)
    demo_items = list(WorkItem.objects.filter(campaign=demo))
    fronts_of = {}
    for link in Report.fronts.through.objects.filter(report__in=report_cloner.sources):
        fronts_of.setdefault(link.report_id, []).append(link.front_id)

    for year in years:
        with transaction.atomic():
            reports = report_cloner.clone(year, demo.year, REPORTS_PER_YEAR)
            links = []
            for index, report in enumerate(reports):
                source = report_cloner.sources[index % len(report_cloner.sources)]
                for front_id in fronts_of.get(source.pk, []):
                    links.append(Report.fronts.through(report_id=report.pk, front_id=front_id))
            Report.fronts.through.objects.bulk_create(links, batch_size=5000)
            nomination_cloner.clone(year, demo.year, NOMINATIONS_PER_YEAR)
            topic_cloner.clone(year, demo.year, TOPICS_PER_YEAR)
            if year != demo.year:
                items = []
                for i in range(ITEMS_PER_YEAR):
                    source = demo_items[i % len(demo_items)]
                    row = Cloner.values(source)
                    row["campaign_id"] = campaigns[year].pk
                    row["key_task_id"] = tasks[(campaigns[year].pk, demo_tasks[source.key_task_id])]
                    row["number"] = 100 + i
                    row["deadline"] = shift(row["deadline"], year - demo.year)
                    row["recheck_on"] = shift(row["recheck_on"], year - demo.year)
                    items.append(WorkItem(**row))
                WorkItem.objects.bulk_create(items)
                item_ids = [item.pk for item in items]

                def progress_row(row, year, years, i, item_ids=item_ids):
                    row["item_id"] = item_ids[i % len(item_ids)]
                    row["milestone_id"] = None
                    return row

                Cloner(ProgressReport, remap=progress_row).clone(year, demo.year, PROGRESS_PER_YEAR)
        elapsed = time.monotonic() - started
        log(f"{year}: {len(reports)} reports (+ nominations, topics, items) {elapsed:.0f} s")
    for model in (Report, Nomination, Topic, ProgressReport):
        Cloner.fix_object_ids(model)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from qpdo.org.caching import bump_data_version

    bump_data_version()
    log(f"done in {time.monotonic() - started:.0f} s")


def counts() -> dict[str, int]:
    from outreach.models import Report
    from qpdo.org.models import Staff
    from qpdo.workflow.models import Approval, Opinion
    from stars.models import Nomination

    return {
        "六进报道": Report.objects.count(),
        "审批事项": Approval.objects.count(),
        "审批意见": Opinion.objects.count(),
        "申报表": Nomination.objects.count(),
        "人员": Staff.objects.count(),
    }


if __name__ == "__main__":
    setup()
    build()
    print("  [dataset] " + "，".join(f"{k} {v}" for k, v in counts().items()), flush=True)
