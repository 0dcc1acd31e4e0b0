"""Fixed choices of the 岗位之星 programme (附件2)."""

from django.db import models

from qpdo.workflow.enums import State


class PostForm(models.TextChoices):
    """How a post's candidates emerge (附表1 培树形式)."""

    EITHER = "either", "比武竞赛或评选推荐"
    COMPETITION = "competition", "比武竞赛"
    RECOMMENDATION = "recommendation", "评选推荐"


class Source(models.TextChoices):
    """How a nominee emerged (附件2 三、培树形式: 比武竞赛和评选推荐两种方式)."""

    COMPETITION = "competition", "比武竞赛"
    RECOMMENDATION = "recommendation", "评选推荐"


# The sources each post form admits.
SOURCES_OF_FORM = {
    PostForm.EITHER: frozenset({Source.COMPETITION, Source.RECOMMENDATION}),
    PostForm.COMPETITION: frozenset({Source.COMPETITION}),
    PostForm.RECOMMENDATION: frozenset({Source.RECOMMENDATION}),
}


class PlanMethod(models.TextChoices):
    """培树方式 of a cultivation plan."""

    COMPETITION = "competition", "比武竞赛"
    RECOMMENDATION = "recommendation", "评选推荐"
    BOTH = "both", "比武竞赛与评选推荐相结合"


class Carrier(models.TextChoices):
    """活动载体 named in 附件2 三、培树形式."""

    TRAINING = "training", "技能培训"
    STUDY = "study", "知识学习"
    PRACTICE = "practice", "实际实操"
    SHOWCASE = "showcase", "风采展示"


class ActivityKind(models.TextChoices):
    """What an implementation activity under a plan was (附件2 三: 培训、学习、实操、风采展示)."""

    TRAINING = "training", "培训"
    STUDY = "study", "学习"
    PRACTICE = "practice", "实操"
    SHOWCASE = "showcase", "风采展示"


# 组织实施 runs from May to September (附件2 五、实施步骤 (二)).
IMPLEMENTATION_MONTHS = (5, 9)
ACTIVITY_TEXT_MAX_CHARS = 2000
VISIT_TEXT_MAX_CHARS = 2000


class Standard(models.TextChoices):
    """The three standards of 附件2 四、培树标准, scored by the 办党组."""

    POLITICAL = "political", "政治素质过硬"
    SKILL = "skill", "业务技能精湛"
    PERFORMANCE = "performance", "工作实绩突出"


STANDARD_TEXTS = {
    Standard.POLITICAL: (
        "政治信念坚定，政治品格优秀，积极倡导社会主义核心价值观，自觉遵守社会公德和职业道德，"
        "团结同志，廉洁自律，得到领导、同事的普遍认可。"
    ),
    Standard.SKILL: (
        "熟练掌握所从事岗位的相关政策法规知识、刻苦钻研本职业务，在业务条线开展的业务培训、"
        "岗位练兵、技能比武中表现突出，成绩显著。"
    ),
    Standard.PERFORMANCE: (
        "爱岗敬业、热爱本职、忠于职守，工作精益求精实绩突出，优质高效完成本职工作，"
        "工作作风优良，模范带头作用明显。"
    ),
}


DEEDS_MAX_CHARS = 1500  # 主要事迹（1500字以内）
SCORE_MAX = 10  # each standard is scored out of 10
YEARS_ON_POST_MAX = 45
NOMINEE_MIN_AGE = 18
NOMINEE_MAX_AGE = 70
CITATION_MAX_CHARS = 300
PLAN_TEXT_MAX_CHARS = 1000

# Nominations the 办党组 compares: those that have reached it or passed it.
SUBMITTED_STATES = frozenset(
    {State.IN_REVIEW, State.RETURNED, State.WITHDRAWN, State.APPROVED, State.REJECTED}
)


PUBLICITY_WORKING_DAYS = 5  # 公示期: 5 working days unless the 办党组 sets another end


class ObjectionResult(models.TextChoices):
    """How a 公示 objection was concluded."""

    NOT_UPHELD = "not_upheld", "经核查不属实，维持人选"
    UPHELD = "upheld", "经核查属实，调整人选"


class KeyDateCode(models.TextChoices):
    """The programme's key dates (campaigns.KeyDate.code)."""

    NOMINATION_DEADLINE = "star-nominations", "申报表及培树工作总结报送截止"  # 10月20日
    PLAN_DEADLINE = "star-plans", "培树工作实施计划报送"
    SHARING = "star-sharing", "经验交流"
