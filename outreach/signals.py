"""Keep each campaign year's 六进 key dates in step with their rules.

The campaigns app does not know the programmes; a new (or copied) campaign gets its 六进 key
dates here, computed for its year.
"""

from django.db.models.signals import post_save

from campaigns.models import Campaign

from .services import key_dates_sync


def _campaign_saved(sender, instance: Campaign, raw: bool = False, **kwargs) -> None:
    if raw:  # loading a fixture: the key dates come with it
        return

    key_dates_sync(campaign=instance)


def connect() -> None:
    post_save.connect(_campaign_saved, sender=Campaign, dispatch_uid="outreach_key_dates")
