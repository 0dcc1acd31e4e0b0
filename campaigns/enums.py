"""Fixed choices and rules of the campaign (青国动〔2024〕7号, and how other offices run
such drives)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from qpdo.documents.uploads import EXCEL, IMAGE_KINDS, PDF, PPT, WORD


class ItemKind(models.TextChoices):
    """A line of the campaign's lists: a task (工作清单) or a problem to rectify (整改清单)."""

    TASK = "task", "工作事项"
    RECTIFICATION = "rectification", "整改事项"


class RectifyMode(models.TextChoices):
    """How a problem is rectified (as in the 巡察整改 report: 立行立改 or 长期整改)."""

    IMMEDIATE = "immediate", "立行立改"
    LONG_TERM = "long_term", "长期整改"


class ItemStatus(models.TextChoices):
    """Where a work item stands, derived from its deadline and its verified reports."""

    DONE = "done", "已完成"
    DONE_LATE = "done_late", "逾期完成"
    OVERDUE = "overdue", "已逾期"
    DUE_SOON = "due_soon", "即将到期"
    ON_TRACK = "on_track", "正常推进"


# Red/amber/green of each status (the portal's flag colours).
STATUS_FLAGS = {
    ItemStatus.DONE: "green",
    ItemStatus.DONE_LATE: "amber",
    ItemStatus.OVERDUE: "red",
    ItemStatus.DUE_SOON: "amber",
    ItemStatus.ON_TRACK: "green",
}
# An open item whose deadline is this near (or with a milestone past due) is amber.
DUE_SOON_DAYS = 7
# Long-term rectification needs dated milestones (明确时间节点); immediate rectification is
# closed within this many days of being listed (力求一步到位).
IMMEDIATE_MAX_DAYS = 30


class RecheckOutcome(models.TextChoices):
    """What a 回头看 found on a closed rectification item."""

    CONSOLIDATED = "consolidated", "整改成果巩固"
    RELAPSED = "relapsed", "问题反弹"


class TeamKind(models.TextChoices):
    """The 实施意见 (四): 攻坚团队、专班或项目组."""

    ASSAULT = "assault", "攻坚团队"
    TASK_FORCE = "task_force", "工作专班"
    PROJECT = "project", "项目组"


class OutputKind(models.TextChoices):
    """What a team produces."""

    RESEARCH = "research", "调研报告"
    POLICY = "policy", "制度规范"
    PLAN = "plan", "方案预案"
    RESULT = "result", "工作成效"
    OTHER = "other", "其他成果"


class CompetitionLevel(models.TextChoices):
    """Who organises a 比武 (the notice: 参加市国动办按条线、分专业联动组织的专业技能比武)."""

    CITY = "city", "市级"
    DISTRICT = "district", "区级"
    OFFICE = "office", "办内"


class Quarter(models.IntegerChoices):
    Q1 = 1, "第一季度"
    Q2 = 2, "第二季度"
    Q3 = 3, "第三季度"
    Q4 = 4, "第四季度"


class FourQuestions(models.TextChoices):
    """对照审视“四个够不够” (实施意见 一、目标要求)."""

    READINESS = "readiness", "战备意识这根弦绷得够不够紧"
    RESEARCH = "research", "研究破解根节难点问题够不够深"
    DELIVERY = "delivery", "推进重点任务落地见效够不够实"
    INTEGRITY = "integrity", "廉政风险防范底线守得够不够牢"


class ExchangeKind(models.TextChoices):
    """The kinds of 交流展示: key task (五) and (三) of the campaign, and the stars' session."""

    PROJECT_VISIT = "project_visit", "重大项目观摩"
    INNOVATION = "innovation", "创新成果展示"
    EXPERIENCE = "experience", "典型经验交流"
    DEEDS = "deeds", "先进事迹介绍"
    MEETING = "meeting", "办务会/科务会研讨交流"
    CASE = "case", "优秀案例汇报"
    # Recorded by the 机关党支部 from the 岗位之星 pages (stars/), shown on 风采展示.
    STAR_SHARING = "star_sharing", "岗位之星交流展示"


# What the sections record from the campaign's own pages (the stars' session has its own).
SECTION_EXCHANGE_KINDS = tuple(kind for kind in ExchangeKind if kind != ExchangeKind.STAR_SHARING)
MAX_EXCHANGE_PHOTOS = 12


# Files accepted as 工作痕迹 (evidence of work): documents, spreadsheets, slides and photos.
EVIDENCE_KINDS = (PDF, WORD, EXCEL, PPT, *IMAGE_KINDS)
# Minutes of a discussion: the signed record, scanned or typed.
MINUTES_KINDS = (PDF, WORD, *IMAGE_KINDS)
MAX_EVIDENCE_FILES = 10


# --- the monthly section ranking (每月曝光) --------------------------------------------------


class Metric(models.TextChoices):
    """What the monthly ranking counts per section. Programmes add to the last four."""

    ITEMS_DUE = "items_due", "到期事项"
    ITEMS_DONE = "items_done", "按期完成"
    ITEMS_OVERDUE = "items_overdue", "逾期未完成"
    SPEAKERS_OWED = "speakers_owed", "尚欠讲述人"
    LECTURES_DELIVERED = "lectures_delivered", "完成讲述"
    NOMINATIONS_FILED = "nominations_filed", "申报表"
    REPORTS_FILED = "reports_filed", "报送材料"


@dataclass(frozen=True)
class RuleTerm:
    metric: Metric
    weight: int
    explains: str  # what is counted, as printed under the table

    @property
    def label(self) -> str:
        return self.metric.label


RANKING_BASE = 100
RANKING_RULE: tuple[RuleTerm, ...] = (
    RuleTerm(
        Metric.ITEMS_DONE,
        5,
        "完成时限在本月、并在时限内报告完成且经组织单位核验的事项（含整改销号）",
    ),
    RuleTerm(
        Metric.ITEMS_OVERDUE,
        -10,
        "完成时限在本月底以前、到本月底仍未完成的事项（以前月份逾期的继续计入）",
    ),
    RuleTerm(
        Metric.SPEAKERS_OWED,
        -5,
        "国动小讲堂确定选题截止后，本科室应落实而尚未经审定的讲述人数",
    ),
    RuleTerm(Metric.LECTURES_DELIVERED, 5, "本科室讲述人在本月完成的小讲堂讲述场次"),
    RuleTerm(Metric.NOMINATIONS_FILED, 3, "本月首次提交的“岗位之星”申报表"),
    RuleTerm(
        Metric.REPORTS_FILED,
        2,
        "本月首次提交的实践活动进展报告，及各项工作报送的计划、讲述稿、总结等材料",
    ),
)
# Shown in the table but not scored: the items falling due this month.
RANKING_SHOWN = (Metric.ITEMS_DUE,)


def ranking_rule_text() -> str:
    """Return the rule as one line: 得分 = 100 + 5×按期完成 − 10×逾期未完成 …"""
    parts = [str(RANKING_BASE)]
    for term in RANKING_RULE:
        sign = "+" if term.weight >= 0 else "−"
        parts.append(f"{sign} {abs(term.weight)}×{term.label}")
    return "得分 = " + " ".join(parts) + "；得分相同的名次并列。"


class AppraisalKind(models.TextChoices):
    """What the 办领导 and the 办党组 recommend a person for (青国动〔2024〕7号: “年度考核优先
    确定为优秀等次，优先推荐其参加评先表彰”)."""

    EXCELLENT = "excellent", "年度考核优秀等次"
    COMMENDATION = "commendation", "评先表彰"
