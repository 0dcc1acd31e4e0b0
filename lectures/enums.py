"""Fixed choices of the lecture series."""

from django.db import models


class SpeakerPart(models.TextChoices):
    """The speaker's part in the event told (附件1: 制订者、决策者、参与者、亲历者)."""

    MAKER = "maker", "政策制订者"
    DECIDER = "decider", "决策者"
    PARTICIPANT = "participant", "参与者"
    WITNESS = "witness", "亲历者"


# The event told must lie within this many years before the campaign year (近五年来).
EVENT_YEARS_BACK = 5

# A manuscript is written for a talk of 12 to 15 minutes (附件1 三（二）).
MIN_MINUTES = 12
MAX_MINUTES = 15
# How many speakers a section normally puts forward (每科室至少报1-2人); the minimum is one.
SPEAKERS_MINIMUM = 1
MANUSCRIPT_PARTS = (
    ("background", "背景与思考"),
    ("goals", "目标与任务"),
    ("planning", "筹划与部署"),
    ("implementation", "组织与实施"),
    ("results", "成效与体会"),
)


class KeyDateCode(models.TextChoices):
    """The series' key dates (campaigns.KeyDate.code)."""

    TOPICS_DUE = "lecture-topics", "确定选题和主讲人"  # 附件1 三（一）：2024年4月
    MANUSCRIPTS_START = "lecture-manuscripts", "开始交稿"  # 5月底开始交稿: the START of hand-in
    MANUSCRIPTS_END = "lecture-manuscripts-end", "交稿截止"  # 组织撰写5—9月: later ones are late
