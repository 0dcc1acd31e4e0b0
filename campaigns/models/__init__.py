"""Models of the campaigns app, one module per family, all re-exported here.

- `campaign`: the campaign (a year of practice activity), its key tasks and key dates;
- `items`: the lists: work items with milestones, progress reports, evidence and 回头看 (整改);
- `activities`: teams, 带教, 交流, 比武, 季度之星 and the 四个够不够 discussions;
- `exchange`: the 交流展示 records (people with their 体会, material, photos);
- `ranking`: the monthly section ranking (每月曝光);
- `summary`: the year's 实践活动总结 (drafted from the records, edited as versions);
- `appraisal`: the 年度考核 recommendations (优秀等次, 评先表彰) marked from the reference list.
"""

from __future__ import annotations

from .activities import (
    Competition,
    CompetitionEntry,
    Discussion,
    MentorCheckIn,
    MentorPair,
    QuarterStar,
    Rotation,
    Team,
    TeamMember,
    TeamOutput,
)
from .appraisal import AppraisalRecommendation
from .campaign import (
    EVIDENCE_VALIDATOR,
    MINUTES_VALIDATOR,
    Campaign,
    CampaignManager,
    KeyDate,
    KeyTask,
    Programme,
)
from .exchange import Exchange, ExchangeParticipant, ExchangePhoto
from .items import (
    Evidence,
    Milestone,
    ProgressReport,
    Recheck,
    WorkItem,
)
from .ranking import (
    MonthlyRanking,
    RankingRow,
)
from .summary import CampaignSummary, CampaignSummaryVersion

__all__ = [
    "EVIDENCE_VALIDATOR",
    "MINUTES_VALIDATOR",
    "AppraisalRecommendation",
    "Campaign",
    "CampaignManager",
    "CampaignSummary",
    "CampaignSummaryVersion",
    "Competition",
    "CompetitionEntry",
    "Discussion",
    "Evidence",
    "Exchange",
    "ExchangeParticipant",
    "ExchangePhoto",
    "KeyDate",
    "KeyTask",
    "MentorCheckIn",
    "MentorPair",
    "Milestone",
    "MonthlyRanking",
    "Programme",
    "ProgressReport",
    "QuarterStar",
    "RankingRow",
    "Recheck",
    "Rotation",
    "Team",
    "TeamMember",
    "TeamOutput",
    "WorkItem",
]
