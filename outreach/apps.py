from django.apps import AppConfig

# The registers of every front (beside schools and communities), kept by the office in the admin.
REGISTER_MODELS_ADDED = (
    "enterprise",
    "enterprisedrillplan",
    "enterprisedrill",
    "schoolcourse",
    "communityairraidplan",
    "communityteammember",
    "partyschoolcourse",
    "basevisit",
)


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "宣传教育“六进”"

    def ready(self) -> None:
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from qpdo.org import dashboard, navigation, roles
        from qpdo.org.enums import Role
        from qpdo.workflow import chains, duties

        from . import seeds, signals  # noqa: F401
        from .chains import PLAN_CHAIN, REPORT_CHAIN, SUMMARY_CHAIN
        from .duties import reports_owed
        from .models import Plan, Report, YearSummary

        duties.register(code="outreach.reports_owed", provider=reports_owed)
        chains.register(PLAN_CHAIN, Plan)
        chains.register(REPORT_CHAIN, Report)
        chains.register(SUMMARY_CHAIN, YearSummary)
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from qpdo.jobs import registry as jobs

        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .services import REPORTS_YEAR_JOB, reports_year_export_run

        jobs.register(REPORTS_YEAR_JOB, title="“六进”活动信息导出", run=reports_year_export_run)
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .summaries import SUMMARY_JOB, summary_job_run

        jobs.register(SUMMARY_JOB, title="“六进”年度工作总结", run=summary_job_run)
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .providers import register as register_campaign_provider

        register_campaign_provider()
        signals.connect()
        navigation.register(
            order=50,
            label="宣传教育“六进”",
            url_name="outreach:index",
            roles=[
                Role.OUTREACH_REPORTER,
                Role.OUTREACH_REVIEWER,
                Role.OFFICE_LEADER,
            ],
        )
        dashboard.register(
            order=40,
            code="outreach",
            template_name="outreach/_panel.html",
            context=_panel,
        )
        view_all = [
            "outreach.view_front",
            "outreach.view_plan",
            "outreach.view_planitem",
            "outreach.view_report",
            "outreach.view_school",
            "outreach.view_evacuationplan",
            "outreach.view_schooldrill",
            "outreach.view_community",
            "outreach.view_communityexercise",
            "outreach.view_partyschoolagreement",
            "outreach.view_yearsummary",
            *(f"outreach.view_{model}" for model in REGISTER_MODELS_ADDED),
            "workflow.view_approval",
        ]
        for role in (Role.OUTREACH_REVIEWER, Role.OFFICE_LEADER):
            roles.grant(role, view_all)
        roles.grant(
            Role.OUTREACH_REVIEWER,
            ["outreach.change_front"]
            + [
                f"outreach.{verb}_{model}"
                for model in (
                    "school",
                    "evacuationplan",
                    "schooldrill",
                    "community",
                    "communityexercise",
                    "partyschoolagreement",
                    *REGISTER_MODELS_ADDED,
                )
                for verb in ("add", "change", "delete")
            ],
        )


def _panel(*, user):
    # inline: ready() runs once the app registry is loaded (these modules import models)
    from .dashboard import panel_context

    return panel_context(user=user)
