"""The year's 实践活动总结: the office's free paragraphs and picked highlights, as versions.

The draft/version/choice machinery is `qpdo.documents.drafts`; this module keeps what is the
campaign's own: the campaign it sums up, its paragraphs and the picked highlights.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qpdo.documents.drafts import DraftedDocument, DraftVersion
from qpdo.org import clock

from .campaign import Campaign


class CampaignSummary(DraftedDocument):
    """The 实践活动总结 of a campaign, drafted by the 牵头科室 from the year's records."""

    campaign = models.OneToOneField(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="summary"
    )
    chosen_version = models.ForeignKey(
        "CampaignSummaryVersion",
        verbose_name="选用稿",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", default=clock.now)

    class Meta(DraftedDocument.Meta):
        verbose_name = "实践活动总结"
        verbose_name_plural = "实践活动总结"

    def __str__(self) -> str:
        return f"{self.campaign.year}年度{self.campaign.name}总结"


class CampaignSummaryVersion(DraftVersion):
    """One saved draft: the free paragraphs and the highlights picked ("kind:pk" strings)."""

    text_fields = ("overview", "experience", "next_steps")

    summary = models.ForeignKey(
        CampaignSummary, verbose_name="总结", on_delete=models.CASCADE, related_name="versions"
    )
    overview = models.TextField("一、总体情况", max_length=3000)
    experience = models.TextField("五、经验做法", max_length=5000, blank=True)
    next_steps = models.TextField("六、存在不足和下一步打算", max_length=3000, blank=True)
    highlights = models.JSONField("工作亮点", default=list, blank=True)

    class Meta(DraftVersion.Meta):
        verbose_name = "实践活动总结稿"
        verbose_name_plural = "实践活动总结稿"
