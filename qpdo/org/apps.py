from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "qpdo.org"
    label = "org"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from . import caching, roles, seeds, signals  # noqa: F401

        signals.connect_post_migrate()
        caching.connect_signals()
        signals.connect_axes()
