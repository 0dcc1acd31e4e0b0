from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WorkflowConfig(AppConfig):
    name = "qpdo.workflow"
    label = "workflow"
    verbose_name = "审批流转"

    def ready(self) -> None:
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from qpdo.org import navigation, roles
        from qpdo.org.enums import Role

        from . import seeds  # noqa: F401
        from .models import Opinion
        from .signals import on_opinion_written

        post_save.connect(on_opinion_written, sender=Opinion, dispatch_uid="qpdo.workflow.decided")
        post_delete.connect(
            on_opinion_written, sender=Opinion, dispatch_uid="qpdo.workflow.decision_deleted"
        )

        roles.grant(
            Role.SYSADMIN,
            [f"workflow.{verb}_commonopinion" for verb in ("view", "add", "change", "delete")],
        )

        navigation.register(order=0, label="工作台", url_name="home")
        navigation.register(order=10, label="待办", url_name="workflow:inbox", badge="todo")
        navigation.register(order=20, label="我的申报", url_name="workflow:mine")
        navigation.register(
            order=90, label="消息", url_name="workflow:notifications", badge="unread"
        )
