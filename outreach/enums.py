"""Fixed choices and limits of the 六进 programme (青国动〔2024〕10号)."""

from django.db import models

from qpdo.documents.uploads import IMAGE_KINDS, PDF, WORD, FileKind
from qpdo.org.enums import OUTREACH_UNIT_KINDS, UnitKind
from qpdo.workflow.enums import State

# The units that file 六进 plans and reports: the 街镇, the 区国动委成员单位, and the office
# itself for its own share of the fronts where the notice names it (进党校、进学校、进企业、进社区).
REPORTING_UNIT_KINDS = (*OUTREACH_UNIT_KINDS, UnitKind.OFFICE)


class ReportKind(models.TextChoices):
    """What a news report tells (通知：活动、特色项目、好的做法、重要事项)."""

    ACTIVITY = "activity", "活动"
    FEATURE = "feature", "特色项目"
    PRACTICE = "practice", "好的做法"
    EVENT = "event", "重要事项"


class ActivityForm(models.TextChoices):
    """How a planned activity is carried out (the forms the notice names)."""

    LECTURE = "lecture", "专题授课/讲座"
    CAMPAIGN = "campaign", "集中宣传"
    CONTEST = "contest", "知识竞赛"
    VISIT = "visit", "科普参观"
    EXHIBITION = "exhibition", "展板展示"
    DRILL = "drill", "疏散演练"
    TRAINING = "training", "技能培训"
    ONLINE = "online", "网络宣传"
    OTHER = "other", "其他"


class Register(models.TextChoices):
    """Which coverage register a front is measured by."""

    NONE = "", "无"
    SCHOOLS = "schools", "学校紧急疏散行动方案与演练"
    COMMUNITIES = "communities", "社区（村、居委）培训与演练"
    PARTY_SCHOOL = "party_school", "党校共建协议"
    ENTERPRISES = "enterprises", "企业（园区）工作小组、演练方案与演练"


class SchoolStage(models.TextChoices):
    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初级中学"
    NINE_YEAR = "nine_year", "九年一贯制学校"
    SENIOR = "senior", "高级中学"
    COMPLETE = "complete", "完全中学"
    VOCATIONAL = "vocational", "中等职业学校"
    SPECIAL = "special", "特殊教育学校"
    OTHER = "other", "其他"


class CommunityKind(models.TextChoices):
    RESIDENTS = "residents", "居委会"
    VILLAGE = "village", "村委会"


class ExerciseKind(models.TextChoices):
    """What a community held in a year: both are needed for coverage (培训和演练)."""

    TRAINING = "training", "培训"
    DRILL = "drill", "演练"


class DrillOccasion(models.TextChoices):
    """The key date an enterprise drill was held at (通知：结合重要时间节点开展人防疏散演练)."""

    DEFENCE_DAY = "defence_day", "全民国防教育日"
    DISASTER_DAY = "disaster_day", "全国防灾减灾日"
    FIRE_DAY = "fire_day", "全国消防日"
    OTHER = "other", "其他时间"


class TeamMemberKind(models.TextChoices):
    """Who a community's 宣教队伍 is made of (通知：由居委、物业、社区志愿者组成)."""

    COMMITTEE = "committee", "居委"
    PROPERTY = "property", "物业"
    VOLUNTEER = "volunteer", "志愿者"


class AttachmentKind(models.TextChoices):
    VIDEO = "video", "视频"
    DOCUMENT = "document", "文档"


# How the engine's states read on 六进 pages: an approved report is 已采用.
REPORT_STATE_LABELS = {
    State.DRAFT: "草稿",
    State.IN_REVIEW: "待审核",
    State.RETURNED: "退回修改",
    State.WITHDRAWN: "已撤回",
    State.APPROVED: "已采用",
    State.REJECTED: "未采用",
}
PLAN_STATE_LABELS = {
    State.DRAFT: "草稿",
    State.IN_REVIEW: "待审核",
    State.RETURNED: "退回修改",
    State.WITHDRAWN: "已撤回",
    State.APPROVED: "审核通过",
    State.REJECTED: "未通过",
}
# States in which something has been handed in to the office.
FILED_STATES = frozenset({State.IN_REVIEW, State.RETURNED, State.APPROVED, State.REJECTED})

# Uploads of an activity report. The video limit is stated on the form.
PHOTO_KINDS = IMAGE_KINDS
MAX_PHOTOS = 12
VIDEO = FileKind("MP4", ("mp4",), 200)
DOCUMENT_KINDS = (PDF.limited_to(20), WORD.limited_to(20))
MAX_DOCUMENTS = 5
# Evacuation plans of schools and the party-school agreement.
REGISTER_FILE_KINDS = (PDF.limited_to(20), WORD.limited_to(20))
REGISTER_IMPORT_MAX_BYTES = 2 * 1024 * 1024

# Reports owed: a planned activity whose month has ended with no report handed in is 待报送;
# on the office's dashboard it turns amber this many days after its month, red after the next.
OWED_AMBER_DAYS = 7
OWED_RED_DAYS = 30

# A report counts as filed in time when first submitted within this many days of the
# activity (通知：每次活动结束后及时报送信息内容).
REPORT_TIMELY_DAYS = 7
# Reports "around" a key date: held this many days before or after it.
KEY_DAY_WINDOW_DAYS = 7


class KeyDateCode(models.TextChoices):
    """The 六进's key dates (campaigns.KeyDate.code) set by rule in outreach.keydates."""

    PLAN_DUE = "plan-outreach", "年度计划报送"
    DEFENCE_DAY = "defence-education-day", "全民国防教育日"
