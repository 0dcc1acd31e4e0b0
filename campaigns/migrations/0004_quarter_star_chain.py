"""季度之星 goes through the engine: 科室推荐 → 牵头科室审核 → 办党组评定.

Stars registered before the chain existed were chosen by the office directly; each gets an
approval record in the 已通过 state (submitted and decided on its old 评选日期, by the person who
registered it), so they stay 季度之星 and nothing is lost.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CHAIN = "campaigns.quarter_star"
QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def approvals_for_registered_stars(apps, schema_editor):
    QuarterStar = apps.get_model("campaigns", "QuarterStar")
    Approval = apps.get_model("workflow", "Approval")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="campaigns", model="quarterstar")
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    for star in QuarterStar.objects.select_related("campaign", "staff"):
        moment = datetime.datetime.combine(star.chosen_on, datetime.time(12), tzinfo=shanghai)
        approval = Approval.objects.create(
            content_type=content_type,
            object_id=star.pk,
            chain_code=CHAIN,
            unit_id=star.unit_id,
            title=(
                f"{star.campaign.year}年{QUARTERS.get(star.quarter, '')}“季度之星”推荐："
                f"{star.staff.name}"
            )[:200],
            state="approved",
            round=1,
            created_by_id=star.chosen_by_id,
            submitter_id=star.chosen_by_id,
            submitted_at=moment,
            decided_at=moment,
            created_at=moment,
        )
        star.approval_id = approval.pk
        star.save(update_fields=["approval"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_campaign_closed"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("workflow", "0004_merge_workspace_and_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="quarterstar",
            name="approval",
            field=models.OneToOneField(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workflow.approval",
                verbose_name="审批",
            ),
        ),
        migrations.RunPython(approvals_for_registered_stars, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="quarterstar",
            name="approval",
            field=models.OneToOneField(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workflow.approval",
                verbose_name="审批",
            ),
        ),
        migrations.AlterField(
            model_name="quarterstar",
            name="chosen_on",
            field=models.DateField(verbose_name="推荐日期"),
        ),
        migrations.AlterField(
            model_name="quarterstar",
            name="chosen_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="推荐人",
            ),
        ),
    ]
