from django.apps import AppConfig


class LecturesConfig(AppConfig):
    name = "lectures"
    verbose_name = "国动小讲堂"

    def ready(self) -> None:
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from qpdo.org import dashboard, navigation, roles
        from qpdo.org.enums import Role
        from qpdo.workflow import chains

        from . import seeds  # noqa: F401
        from .chains import MANUSCRIPT_CHAIN, SLOT_REQUEST_CHAIN, TOPIC_CHAIN
        from .models import Manuscript, SlotRequest, Topic

        chains.register(TOPIC_CHAIN, Topic)
        chains.register(MANUSCRIPT_CHAIN, Manuscript)
        chains.register(SLOT_REQUEST_CHAIN, SlotRequest)
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .providers import register as register_campaign_provider

        register_campaign_provider()
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .dashboard import panel_context

        dashboard.register(
            order=30, code="lectures", template_name="lectures/_panel.html", context=panel_context
        )
        navigation.register(
            order=30,
            label="国动小讲堂",
            url_name="lectures:home",
            roles=[
                Role.SECTION_HEAD,
                Role.MEMBER,
                Role.LECTURES_COORDINATOR,
                Role.OFFICE_LEADER,
                Role.PARTY_BRANCH,
                Role.PARTY_GROUP,
            ],
        )
        for role in (Role.LECTURES_COORDINATOR, Role.OFFICE_LEADER):
            roles.grant(
                role,
                [
                    "lectures.view_topic",
                    "lectures.view_slot",
                    "lectures.view_slotrequest",
                    "lectures.view_citypromotion",
                    "workflow.view_approval",
                ],
            )
        roles.grant(Role.LECTURES_COORDINATOR, ["lectures.add_slot", "lectures.change_slot"])
