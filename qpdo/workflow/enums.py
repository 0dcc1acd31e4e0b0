"""States, actions and step settings of the approval engine."""

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "退回修改"
    WITHDRAWN = "withdrawn", "已撤回"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"


# States in which the submitter may edit the subject and (re)submit it.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED, State.WITHDRAWN})
FINAL_STATES = frozenset({State.APPROVED, State.REJECTED})


class Action(models.TextChoices):
    """Every kind of row in the 流转记录; the first four are decisions at a step."""

    APPROVE = "approve", "同意"
    RETURN = "return", "退回修改"
    REJECT = "reject", "不同意"
    SUBMIT = "submit", "提交"
    WITHDRAW = "withdraw", "撤回"
    TRANSFER = "transfer", "转办"
    CC = "cc", "抄送"


DECISIONS = (Action.APPROVE, Action.RETURN, Action.REJECT)


class Scope(models.TextChoices):
    """Whose unit an actor of a step must belong to."""

    SUBJECT_UNIT = "subject_unit", "本单位"
    FIXED_UNIT = "fixed_unit", "指定单位"
    OFFICE = "office", "全办"


class Mode(models.TextChoices):
    ANY = "any", "或签"
    ALL = "all", "会签"


class Flag(models.TextChoices):
    """Red/amber/green by how close the step's deadline is."""

    RED = "red", "已逾期"
    AMBER = "amber", "即将到期"
    GREEN = "green", "正常"
    NONE = "none", "无期限"
