from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "实践活动"

    def ready(self) -> None:
        from . import seeds  # noqa: F401
