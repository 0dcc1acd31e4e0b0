"""Approval chains of the 岗位之星 programme (附件2 五、实施步骤 and 附表2)."""

from qpdo.org.enums import Role
from qpdo.workflow.chains import Chain, Step
from qpdo.workflow.enums import Action, Scope

PLAN_CHAIN = Chain(
    code="stars.plan",
    label="岗位之星培树计划",
    submit_label="科室提交",
    # 基层党建 is the 机关党支部's own post: the branch files that plan itself.
    submitters=(Role.SECTION_HEAD, Role.PARTY_BRANCH),
    steps=(
        Step(
            code="branch_review",
            label="机关党支部审核",
            role=Role.PARTY_BRANCH,
            scope=Scope.OFFICE,
            opinion_required=False,
            due_days=7,
            # The branch reviews every section's plan, and files its own (基层党建).
            allow_submitter=True,
            decided_label="审核通过",
            batch=True,  # plans of several sections are often approved together
        ),
    ),
    description="各科室针对业务岗位特点制定培树工作实施计划，由机关党支部负责整体指导、审核。",
)

NOMINATION_CHAIN = Chain(
    code="stars.nomination",
    label="岗位之星申报表",
    submit_label="科室填报",
    submitters=(Role.SECTION_HEAD,),
    steps=(
        Step(
            code="unit",
            label="推荐科室意见",
            role=Role.SECTION_HEAD,
            scope=Scope.SUBJECT_UNIT,
            # The section head who fills the form signs the section's opinion; to take the
            # form back before signing they withdraw it.
            decisions=(Action.APPROVE,),
            opinion_required=True,
            due_key="star-nominations",  # the year's stored key date (10月20日 in 2024)
            due_on=(10, 20),
            allow_submitter=True,
            decided_label="推荐",
        ),
        Step(
            code="branch",
            label="办机关党支部意见",
            role=Role.PARTY_BRANCH,
            scope=Scope.OFFICE,
            opinion_required=True,
            due_days=5,
        ),
        Step(
            code="group",
            label="办党组意见",
            role=Role.PARTY_GROUP,
            scope=Scope.OFFICE,
            opinion_required=True,
            due_key="star-selection",
            due_on=(10, 31),
        ),
    ),
    description=(
        "科室推荐培树对象初步人选并填写申报表，经推荐科室、办机关党支部、办党组逐级签署意见；"
        "办党组在三级意见均为同意的人选中确定本年度“岗位之星”。"
    ),
)
