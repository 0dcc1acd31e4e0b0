from django.db import migrations, models

# As 附件2 附表1 of 青国动〔2024〕7号 prints them; the seed keeps them from then on.
SEED_PRINT_NAMES = {"baozhang": "管理保障中心"}


def set_seed_print_names(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    for code, print_name in SEED_PRINT_NAMES.items():
        Unit.objects.filter(code=code, print_name="").update(print_name=print_name)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0007_audit_no_truncate_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="print_name",
            field=models.CharField(
                blank=True,
                help_text="正式文件、附表中印出的名称（如“管理保障中心”）；不填则印名称。",
                max_length=30,
                verbose_name="打印名称",
            ),
        ),
        migrations.RunPython(set_seed_print_names, migrations.RunPython.noop),
    ]
