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
