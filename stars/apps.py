from django.apps import AppConfig


class StarsConfig(AppConfig):
    name = "stars"
    verbose_name = "岗位之星"

    def ready(self) -> None:
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from qpdo.org import dashboard, navigation, roles
        from qpdo.org.enums import Role
        from qpdo.workflow import chains

        from . import seeds  # noqa: F401
        from .chains import NOMINATION_CHAIN, PLAN_CHAIN
        from .dashboard import panel_context
        from .models import CultivationPlan, Nomination

        chains.register(PLAN_CHAIN, CultivationPlan)
        chains.register(NOMINATION_CHAIN, Nomination)
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .providers import register as register_campaign_provider

        register_campaign_provider()
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from qpdo.jobs import registry as jobs

        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .services import BATCH_JOB, batch_print_run

        jobs.register(BATCH_JOB, title="申报表批量打印", run=batch_print_run)
        navigation.register(
            order=40,
            label="岗位之星",
            url_name="stars:post-list",
            roles=[
                Role.SECTION_HEAD,
                Role.MEMBER,
                Role.LECTURES_COORDINATOR,
                Role.OFFICE_LEADER,
                Role.PARTY_BRANCH,
                Role.PARTY_GROUP,
                Role.OUTREACH_REVIEWER,
            ],
        )
        dashboard.register(
            order=40,
            code="stars",
            template_name="stars/_panel.html",
            context=panel_context,
        )
        readers = [
            "stars.view_staryear",
            "stars.view_postcategory",
            "stars.view_post",
            "stars.view_cultivationplan",
            "stars.view_summaryreport",
            "stars.view_nomination",
            "stars.view_score",
            "stars.view_star",
            "stars.view_printedcopy",
            "workflow.view_approval",
        ]
        for role in (Role.PARTY_BRANCH, Role.PARTY_GROUP, Role.OFFICE_LEADER):
            roles.grant(role, readers)
        # The 机关党支部 coordinates the programme: it keeps the year's posts and settings.
        roles.grant(
            Role.PARTY_BRANCH,
            [
                "stars.add_postcategory",
                "stars.change_postcategory",
                "stars.add_post",
                "stars.change_post",
                "stars.add_staryear",
                "stars.change_staryear",
            ],
        )
