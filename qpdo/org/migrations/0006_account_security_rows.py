"""Give every existing account its security row: password age counts from this migration."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def create_rows(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    AccountSecurity = apps.get_model("org", "AccountSecurity")
    have = set(AccountSecurity.objects.values_list("user_id", flat=True))
    now = timezone.now()
    AccountSecurity.objects.bulk_create(
        [
            AccountSecurity(user_id=pk, password_changed_at=now)
            for pk in User.objects.exclude(pk__in=have).values_list("pk", flat=True)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0005_password_policy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
