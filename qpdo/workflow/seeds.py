"""Seed step of the approval engine: the starting 常用意见 of every declared step.

The 系统管理员 edits them in the admin afterwards; seeding again only adds missing phrases.
"""

from __future__ import annotations

from qpdo.org.seeding import register

from .chains import all_chains
from .enums import Action
from .models import CommonOpinion

# Phrases for particular steps, by "chain code|step code"; every step also gets the general ones.
SPECIFIC = {
    "stars.nomination|unit": ["该同志表现突出，同意推荐。"],
    "stars.nomination|branch": [
        "经支部委员会研究，同意推荐。",
        "事迹材料需进一步充实，请补充后重新报送。",
    ],
    "stars.nomination|group": ["同意推荐为“岗位之星”候选人选。"],
    "stars.plan|branch_review": [
        "计划目标明确、措施具体，同意实施。",
        "请进一步细化培树措施和时间节点后重新报送。",
    ],
    "lectures.topic|screening": ["选题符合要求，同意报办领导审定。"],
    "lectures.topic|final": ["同意列入本年度讲述计划。"],
    "lectures.manuscript|received": ["已收稿，请按计划做好讲述准备。"],
    "outreach.plan|review": ["计划符合“六进”工作要求，同意。"],
}


def _general(step) -> list[str]:
    phrases = [f"{step.label_of(Action.APPROVE)}。"]
    if Action.RETURN in step.decisions:
        phrases.append("材料不完整，请补充完善后重新提交。")
    return phrases


@register(order=15, name="审批常用意见")
def seed_common_opinions(log) -> None:
    added = 0
    for chain in all_chains():
        for step in chain.steps:
            texts = SPECIFIC.get(f"{chain.code}|{step.code}", []) + _general(step)
            for order, text in enumerate(texts):
                _, created = CommonOpinion.objects.get_or_create(
                    chain_code=chain.code, step_code=step.code, text=text, defaults={"order": order}
                )
                added += created
    log(f"新增 {added} 条常用意见")
