"""The 年度考核 recommendations: a person marked for 优秀等次 or 评先表彰 from the year's
年度考核参考 list, with its opinion, decided by the 办党组 through the engine."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from qpdo.org.models import Staff, Unit
from qpdo.workflow.models import ApprovalSubject

from ..enums import AppraisalKind
from .campaign import Campaign

# The approval belongs to the 办党组 (it decides), not to the person's 科室: a 科室负责人 does not
# open the leadership's 年度考核 recommendations of their people through their unit scope.
DECIDING_UNIT_CODE = "party_group"


class AppraisalRecommendation(ApprovalSubject):
    """A person recommended for 年度考核优秀等次 or 评先表彰 in a campaign's year.

    提出推荐 (a 办领导 or a 办党组 member, with the reason as its opinion) → 办党组研究确定,
    through the engine (`campaigns.chains.APPRAISAL_CHAIN`). Only an approved recommendation
    is a decided one; the list and the person's 个人实践档案 show every state with its opinions.
    """

    workflow_chain_code = "campaigns.appraisal"

    campaign = models.ForeignKey(
        Campaign,
        verbose_name="实践活动",
        on_delete=models.PROTECT,
        related_name="appraisal_recommendations",
    )
    staff = models.ForeignKey(
        Staff,
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="appraisal_recommendations",
    )
    kind = models.CharField("推荐类别", max_length=20, choices=AppraisalKind.choices)
    reason = models.TextField("推荐理由", max_length=800)
    proposed_on = models.DateField("提出日期")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "年度考核推荐"
        verbose_name_plural = "年度考核推荐"
        ordering = ["campaign", "staff__unit__order", "staff_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "staff", "kind"], name="campaigns_appraisal_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year}年{self.get_kind_display()}推荐 {self.staff.name}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:appraisal", args=[self.campaign.year])

    def get_workflow_unit(self) -> Unit:
        return Unit.objects.get(code=DECIDING_UNIT_CODE)

    def get_workflow_year(self) -> int:
        return self.campaign.year

    def get_workflow_title(self) -> str:
        return f"{self.campaign.year}年{self.get_kind_display()}推荐：{self.staff.name}"

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        return [
            ("年度", f"{self.campaign.year}年"),
            ("推荐类别", self.get_kind_display()),
            ("推荐人选", self.staff.name),
            ("所在科室", self.staff.unit.name),
            ("推荐理由", self.reason),
        ]

    def workflow_extra_submitters(self) -> set[int]:
        # A 办领导 proposes from outside the 办党组's unit: the proposer hands in their own mark.
        return {self.proposed_by_id} if self.proposed_by_id else set()

    def workflow_check_submittable(self) -> None:
        if not self.reason.strip():
            raise ValidationError({"reason": "请填写推荐理由。"})
