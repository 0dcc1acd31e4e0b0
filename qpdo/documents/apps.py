from django.apps import AppConfig
from django.core import checks


class DocumentsConfig(AppConfig):
    name = "qpdo.documents"
    label = "documents"
    verbose_name = "文书与导出"

    def ready(self) -> None:
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .checks import TAG, cjk_fonts_check, harfbuzz_subset_check

        checks.register(cjk_fonts_check, TAG)
        checks.register(harfbuzz_subset_check, TAG)
