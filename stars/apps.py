from django.apps import AppConfig


class StarsConfig(AppConfig):
    name = "stars"
    verbose_name = "岗位之星"
