"""A 申报表 whose 产生方式 is 比武竞赛 cites the 比武 record instead of free text: the result is
the nominee's entry of that 比武 (an entry is re-created when results are saved again, so the
申报表 holds the 比武 and finds the entry by the nominee).

The data step links each such 申报表 to the 比武 of the nominee's entries of that year: the one
of the same name, else of the post's 专业, else the nominee's only entry that year. Text that
matches no record is kept, read-only, in `competition_legacy`. The free-text fields go in 0004
(a migration of their own: PostgreSQL refuses ALTER TABLE after row updates with deferred
foreign-key checks pending in the same transaction).
"""

import django.db.models.deletion
from django.db import migrations, models


def _candidates(CompetitionEntry, nomination):
    return list(
        CompetitionEntry.objects.filter(
            staff_id=nomination.nominee_id, competition__campaign_id=nomination.campaign_id
        ).select_related("competition")
    )


def link_entries(apps, schema_editor):
    Nomination = apps.get_model("stars", "Nomination")
    CompetitionEntry = apps.get_model("campaigns", "CompetitionEntry")
    for nomination in Nomination.objects.filter(source="competition").select_related("post"):
        entries = _candidates(CompetitionEntry, nomination)
        post_name = nomination.post.name if nomination.post_id else None
        chosen = next(
            (e for e in entries if e.competition.title == nomination.competition.strip()), None
        )
        if chosen is None:
            by_post = [e for e in entries if post_name and e.competition.discipline == post_name]
            chosen = by_post[0] if len(by_post) == 1 else None
        if chosen is None and len(entries) == 1:
            chosen = entries[0]
        if chosen is not None:
            nomination.competition_record_id = chosen.competition_id
        else:
            parts = (nomination.competition.strip(), nomination.competition_result.strip())
            nomination.competition_legacy = "，".join(p for p in parts if p)[:160]
        nomination.save(update_fields=["competition_record", "competition_legacy"])


def unlink_entries(apps, schema_editor):
    Nomination = apps.get_model("stars", "Nomination")
    CompetitionEntry = apps.get_model("campaigns", "CompetitionEntry")
    for nomination in Nomination.objects.filter(source="competition").select_related(
        "competition_record"
    ):
        if nomination.competition_record_id:
            nomination.competition = nomination.competition_record.title[:100]
            entry = CompetitionEntry.objects.filter(
                competition_id=nomination.competition_record_id, staff_id=nomination.nominee_id
            ).first()
            parts = []
            if entry is not None and entry.score is not None:
                parts.append(f"{entry.score.normalize():f}分")
            if entry is not None and entry.award:
                parts.append(entry.award)
            nomination.competition_result = "，".join(parts)[:50]
        else:
            name, _, result = nomination.competition_legacy.partition("，")
            nomination.competition, nomination.competition_result = name[:100], result[:50]
        nomination.save(update_fields=["competition", "competition_result"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_campaign_closed"),
        ("stars", "0002_delete_batchprint"),
    ]

    operations = [
        migrations.AddField(
            model_name="nomination",
            name="competition_record",
            field=models.ForeignKey(
                blank=True,
                help_text="以比武竞赛方式产生的：被推荐人参加的比武；成绩以该比武登记的成绩为准。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="star_nominations",
                to="campaigns.competition",
                verbose_name="比武",
            ),
        ),
        migrations.AddField(
            model_name="nomination",
            name="competition_legacy",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="改为引用比武记录之前填写、未能对应到比武记录的文字。",
                max_length=160,
                verbose_name="原填写的比武竞赛情况",
            ),
        ),
        migrations.RunPython(link_entries, unlink_entries),
    ]
