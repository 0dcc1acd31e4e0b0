"""Approval chains of the 六进 programme: each unit hands in, the office's 宣教审核 decides."""

from qpdo.org.enums import Role
from qpdo.workflow.chains import Chain, Step
from qpdo.workflow.enums import Action, Scope

PLAN_CHAIN = Chain(
    code="outreach.plan",
    label="六进年度计划",
    submit_label="单位提交",
    submitters=(Role.OUTREACH_REPORTER,),
    steps=(
        Step(
            code="review",
            label="宣教审核",
            role=Role.OUTREACH_REVIEWER,
            scope=Scope.OFFICE,
            decisions=(Action.APPROVE, Action.RETURN),
            opinion_required=False,
            due_days=10,
            decided_label="审核通过",
        ),
    ),
    description="各街镇、区国动委成员单位于每年2月底报送本年度宣传教育工作计划，区国动办宣教审核。",
)

REPORT_CHAIN = Chain(
    code="outreach.report",
    label="六进活动信息",
    submit_label="单位提交",
    submitters=(Role.OUTREACH_REPORTER,),
    steps=(
        Step(
            code="review",
            label="宣教审核",
            role=Role.OUTREACH_REVIEWER,
            scope=Scope.OFFICE,
            decisions=(Action.APPROVE, Action.RETURN),
            opinion_required=False,
            due_days=5,
            decided_label="采用",
        ),
    ),
    description="每次活动结束后及时报送活动信息，区国动办宣教审核：采用或退回修改。",
)

# How the office's decisions read on 六进 pages (the engine's 同意 is 采用 for a report).
DECISION_LABELS = {
    PLAN_CHAIN.code: {Action.APPROVE: "审核通过", Action.RETURN: "退回修改"},
    REPORT_CHAIN.code: {Action.APPROVE: "采用", Action.RETURN: "退回修改"},
}

SUMMARY_CHAIN = Chain(
    code="outreach.summary",
    label="六进年度工作总结",
    submit_label="单位提交",
    submitters=(Role.OUTREACH_REPORTER,),
    steps=(
        Step(
            code="review",
            label="宣教审核",
            role=Role.OUTREACH_REVIEWER,
            scope=Scope.OFFICE,
            decisions=(Action.APPROVE, Action.RETURN),
            opinion_required=False,
            due_days=10,
            decided_label="审核通过",
        ),
    ),
    description="各街镇、区国动委成员单位年末总结本单位“六进”工作，报区国动办宣教审核。",
)

DECISION_LABELS[SUMMARY_CHAIN.code] = {Action.APPROVE: "审核通过", Action.RETURN: "退回修改"}
