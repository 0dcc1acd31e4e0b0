"""Approval chains of the campaign.

Work-item progress: 责任单位报告 → 组织单位核验. The responsible unit's 科室负责人 reports; the
organiser verifies. The campaign's organiser is the office itself, run 在区国动办党组领导下, so
the verifier is the office leadership (办领导), not a section: the 综合科 is itself a
responsible unit on the lists and would otherwise verify its own work, and its 小讲堂管理 role
is the lecture series' role, not a mandate over the other sections' work.

Monthly ranking: the 牵头科室 (the campaign's coordinating section, 综合科 in 2024) compiles the
month and submits it; the 办领导 confirm it before it is published to all staff.

年度考核推荐: a 办领导 or a member of the 办党组 marks a person of the 年度考核参考 list for
优秀等次 or 评先表彰, with the reason as the opinion of the submission; the 办党组 decides (研究
确定). The 办党组 may decide a mark one of its own members made: it is the body that decides
(党组会议研究), the member who marks only brings the name to the table.
"""

from qpdo.org.enums import Role
from qpdo.workflow.chains import Chain, Step
from qpdo.workflow.enums import Action, Scope

PROGRESS_CHAIN = Chain(
    code="campaigns.progress",
    label="实践活动进展报告",
    submit_label="责任单位报告",
    submitters=(Role.SECTION_HEAD,),
    steps=(
        Step(
            code="verify",
            label="组织单位核验",
            role=Role.OFFICE_LEADER,
            scope=Scope.OFFICE,
            decisions=(Action.APPROVE, Action.RETURN, Action.REJECT),
            opinion_required=False,
            due_days=5,
            decided_label="核验通过",
        ),
    ),
    description="责任单位如实报告工作进展并上传工作痕迹，组织单位核验后计入完成情况。",
)

RANKING_CHAIN = Chain(
    code="campaigns.ranking",
    label="每月排名",
    submit_label="牵头科室汇总",
    submitters=(Role.SECTION_HEAD,),
    steps=(
        Step(
            code="confirm",
            label="办领导确认",
            role=Role.OFFICE_LEADER,
            scope=Scope.OFFICE,
            decisions=(Action.APPROVE, Action.RETURN),
            opinion_required=False,
            due_days=5,
            decided_label="确认公布",
        ),
    ),
    description="牵头科室每月汇总各科室完成情况排名，经办领导确认后向全办公布。",
)

QUARTER_STAR_CHAIN = Chain(
    code="campaigns.quarter_star",
    label="季度之星",
    submit_label="科室推荐",
    submitters=(Role.SECTION_HEAD,),
    steps=(
        Step(
            code="review",
            label="牵头科室审核",
            role=Role.SECTION_HEAD,
            scope=Scope.FIXED_UNIT,
            unit_code="zonghe",
            # 综合科 recommends its own people too: its head reviews the section's own nomination.
            allow_submitter=True,
            decisions=(Action.APPROVE, Action.RETURN, Action.REJECT),
            opinion_required=False,
            due_days=5,
            decided_label="审核通过",
        ),
        Step(
            code="decide",
            label="办党组评定",
            role=Role.PARTY_GROUP,
            scope=Scope.OFFICE,
            decisions=(Action.APPROVE, Action.RETURN, Action.REJECT),
            opinion_required=False,
            due_days=7,
            decided_label="评定为季度之星",
        ),
    ),
    description="每季度由各科室推荐人选和主要事迹，牵头科室审核汇总，办党组评定“季度之星”。",
)

APPRAISAL_CHAIN = Chain(
    code="campaigns.appraisal",
    label="年度考核推荐",
    submit_label="提出推荐",
    submitters=(Role.OFFICE_LEADER, Role.PARTY_GROUP),
    steps=(
        Step(
            code="decide",
            label="办党组研究确定",
            role=Role.PARTY_GROUP,
            scope=Scope.OFFICE,
            allow_submitter=True,
            decisions=(Action.APPROVE, Action.RETURN, Action.REJECT),
            opinion_required=True,
            due_days=10,
            decided_label="确定推荐",
        ),
    ),
    description=(
        "对在活动中表现突出且一贯优秀的干部职工，办领导、办党组成员从年度考核参考名单中提出"
        "年度考核优秀等次、评先表彰的推荐意见，由办党组研究确定。"
    ),
)
