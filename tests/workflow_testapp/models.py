from django.db import models

from qpdo.org.enums import Role
from qpdo.org.models import Unit
from qpdo.workflow.chains import Chain, Step
from qpdo.workflow.enums import Action, Mode, Scope
from qpdo.workflow.models import ApprovalSubject

MEMO_CHAIN = Chain(
    code="workflow_testapp.memo",
    label="测试公文",
    submit_label="科室起草",
    submitters=(Role.SECTION_HEAD,),
    steps=(
        Step(
            code="own",
            label="推荐科室意见",
            role=Role.SECTION_HEAD,
            scope=Scope.SUBJECT_UNIT,
            allow_submitter=True,
            due_on=(10, 20),
        ),
        Step(
            code="branch",
            label="办机关党支部意见",
            role=Role.PARTY_BRANCH,
            decisions=(Action.APPROVE, Action.RETURN),
            due_days=3,
        ),
        Step(code="group", label="办党组意见", role=Role.PARTY_GROUP, mode=Mode.ALL),
    ),
)


class Memo(ApprovalSubject):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField(default=2024)

    def __str__(self) -> str:
        return self.text

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_year(self) -> int:
        return self.year
