from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "qpdo.documents"
    label = "documents"
    verbose_name = "文书与导出"
