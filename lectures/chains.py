"""Approval chains of the lecture series (附件1 三、实施步骤)."""

from qpdo.org.enums import Role
from qpdo.workflow.chains import Chain, Step
from qpdo.workflow.enums import Scope

TOPIC_CHAIN = Chain(
    code="lectures.topic",
    label="讲堂选题",
    submit_label="科室推荐",
    submitters=(Role.SECTION_HEAD,),
    steps=(
        Step(
            code="screening",
            label="综合科初评",
            role=Role.LECTURES_COORDINATOR,
            scope=Scope.FIXED_UNIT,
            unit_code="zonghe",
            opinion_required=False,
            due_days=7,
        ),
        Step(
            code="final",
            label="办领导审定",
            role=Role.OFFICE_LEADER,
            scope=Scope.OFFICE,
            opinion_required=False,
            due_days=7,
        ),
    ),
    description="各科室推荐选题和主讲人，经综合科会同相关科室初评筛选、办领导同意后确定。",
)

MANUSCRIPT_CHAIN = Chain(
    code="lectures.manuscript",
    label="讲述稿",
    submit_label="讲述人提交",
    submitters=(Role.SECTION_HEAD,),  # and the speaker (Manuscript.workflow_extra_submitters)
    steps=(
        Step(
            code="section_review",
            label="科室负责人审核",
            role=Role.SECTION_HEAD,
            scope=Scope.SUBJECT_UNIT,
            allow_submitter=True,
            opinion_required=False,
            due_days=7,
        ),
        Step(
            code="received",
            label="综合科收稿",
            role=Role.LECTURES_COORDINATOR,
            scope=Scope.FIXED_UNIT,
            unit_code="zonghe",
            opinion_required=False,
            due_days=7,
        ),
    ),
    description="讲述人按提纲撰写讲述稿，科室负责人加强内容审核把关，完稿后报综合科。",
)

SLOT_REQUEST_CHAIN = Chain(
    code="lectures.slot_request",
    label="加开讲堂场次",
    submit_label="科室申请",
    submitters=(Role.SECTION_HEAD,),
    steps=(
        Step(
            code="decision",
            label="综合科审定",
            role=Role.LECTURES_COORDINATOR,
            scope=Scope.FIXED_UNIT,
            unit_code="zonghe",
            opinion_required=False,
            due_days=5,
        ),
    ),
    description="科室需要附表1以外的讲堂场次时提出申请（月份、理由），由综合科同意或不同意。",
)
