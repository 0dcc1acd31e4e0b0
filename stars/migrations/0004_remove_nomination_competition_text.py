"""The free-text 比武 fields of the 申报表 go: 0003 moved their content onto the record."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stars", "0003_nomination_competition_record")]

    operations = [
        migrations.RemoveField(model_name="nomination", name="competition"),
        migrations.RemoveField(model_name="nomination", name="competition_result"),
    ]
