from django.apps import AppConfig


class WorkflowTestAppConfig(AppConfig):
    """A test-only subject whose chain uses what the real chains do not: 会签, self-decided
    steps, a calendar deadline and an office-wide step."""

    name = "tests.workflow_testapp"
    label = "workflow_testapp"

    def ready(self) -> None:
        from qpdo.workflow import chains

        from .models import MEMO_CHAIN, Memo

        chains.register(MEMO_CHAIN, Memo)
