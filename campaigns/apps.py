from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "实践活动"

    def ready(self) -> None:
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from qpdo.org import dashboard, navigation, roles
        from qpdo.org.enums import Role
        from qpdo.workflow import chains

        from . import providers, seeds  # noqa: F401
        from .chains import APPRAISAL_CHAIN, PROGRESS_CHAIN, QUARTER_STAR_CHAIN, RANKING_CHAIN
        from .models import AppraisalRecommendation, MonthlyRanking, ProgressReport, QuarterStar
        from .selectors import OWN_RECORD_COLUMNS, own_record_parts

        chains.register(PROGRESS_CHAIN, ProgressReport)
        chains.register(RANKING_CHAIN, MonthlyRanking)
        chains.register(QUARTER_STAR_CHAIN, QuarterStar)
        chains.register(APPRAISAL_CHAIN, AppraisalRecommendation)
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from qpdo.jobs import registry as jobs

        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .exports import UNIT_RECORDS_JOB, unit_records_pdf_run

        jobs.register(UNIT_RECORDS_JOB, title="个人实践档案打印", run=unit_records_pdf_run)
        # inline: ready() runs once the app registry is loaded (these modules import models)
        from .documents import SHEET_JOB, item_sheet_run

        jobs.register(SHEET_JOB, title="清单导出打印", run=item_sheet_run)
        # The campaign's own part of each person's record comes through the same registry
        # as the programmes' parts.
        providers.register(
            "campaign",
            providers.Provider(
                label="实践活动",
                order=10,
                columns=OWN_RECORD_COLUMNS,
                record=own_record_parts,
            ),
        )
        dashboard.register(
            order=20, code="campaigns", template_name="campaigns/_panel.html", context=_panel
        )
        navigation.register(
            order=20,
            label="实践活动",
            url_name="campaigns:home",
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
        readers = [
            "campaigns.view_campaign",
            "campaigns.view_keytask",
            "campaigns.view_keydate",
            "campaigns.view_workitem",
            "campaigns.view_milestone",
            "campaigns.view_progressreport",
            "campaigns.view_evidence",
            "campaigns.view_monthlyranking",
            "campaigns.view_rankingrow",
            "campaigns.view_exchange",
            "campaigns.view_appraisalrecommendation",
            "workflow.view_approval",
        ]
        for role in (Role.OFFICE_LEADER, Role.PARTY_GROUP):
            roles.grant(role, readers)
        # The 办领导 keep the year's structure: key tasks and key dates.
        roles.grant(
            Role.OFFICE_LEADER,
            [
                "campaigns.change_campaign",
                "campaigns.add_keytask",
                "campaigns.change_keytask",
                "campaigns.add_keydate",
                "campaigns.change_keydate",
            ],
        )


def _panel(*, user):
    # inline: ready() runs once the app registry is loaded (these modules import models)
    from .dashboard import panel_context

    return panel_context(user=user)
