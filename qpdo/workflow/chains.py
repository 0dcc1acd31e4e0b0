"""Approval chains declared as data, and the registry of subjects that use them.

A programme app declares its chain with `Chain(...)` and registers it with the model that
needs approval from its `AppConfig.ready()`:

    workflow.chains.register(TOPIC_CHAIN, Topic)

The engine reads these declarations; no app writes approval state itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from qpdo.org.enums import Role

from .enums import DECISIONS, Action, Mode, Scope


@dataclass(frozen=True)
class Step:
    code: str
    label: str  # as printed on the paper form, e.g. 办机关党支部意见
    role: Role
    scope: Scope = Scope.OFFICE
    unit_code: str = ""  # with Scope.FIXED_UNIT: the one unit whose role holders act
    mode: Mode = Mode.ANY
    decisions: tuple[Action, ...] = DECISIONS
    opinion_required: bool = True
    due_days: int | None = None  # days after the step is reached
    due_on: tuple[int, int] | None = None  # (month, day) in the subject's year
    # The code of the subject year's stored key date the step falls due on (the subject's
    # get_workflow_key_date(code) answers it); `due_on` is only the fallback when none is stored.
    due_key: str = ""
    allow_submitter: bool = False  # may the submitter decide this step themselves?
    decided_label: str = ""  # how 同意 reads at this step, e.g. 采用 for an activity report
    batch: bool = False  # may approvers give 同意 to several items at once (批量同意)?

    def __post_init__(self) -> None:
        if self.scope == Scope.FIXED_UNIT and not self.unit_code:
            raise ValueError(f"step {self.code}: a fixed-unit step needs unit_code")
        if not set(self.decisions) <= set(DECISIONS) or Action.APPROVE not in self.decisions:
            raise ValueError(f"step {self.code}: decisions must include 同意")

    def label_of(self, action: Action) -> str:
        """Return how a decision reads at this step (同意 may read 采用, 推荐, …)."""
        if action == Action.APPROVE and self.decided_label:
            return self.decided_label
        return Action(action).label

    def due_date(
        self, *, entered: datetime.date, year: int | None, stored: datetime.date | None = None
    ) -> datetime.date | None:
        """Return the day this step falls due, or None (`stored`: the year's key date)."""
        candidates = []
        if self.due_days is not None:
            candidates.append(entered + datetime.timedelta(days=self.due_days))
        if stored is not None:
            candidates.append(stored)
        elif self.due_on is not None:
            candidates.append(datetime.date(year or entered.year, *self.due_on))
        return min(candidates) if candidates else None


@dataclass(frozen=True)
class Chain:
    code: str  # "<app>.<subject>", e.g. lectures.topic
    label: str  # e.g. 讲堂选题
    submit_label: str  # how the submission is named on the form, e.g. 科室推荐
    submitters: tuple[Role, ...]  # roles that submit, for the subject's own unit
    steps: tuple[Step, ...]
    description: str = ""
    verbose_steps: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        codes = [s.code for s in self.steps]
        if not self.steps or len(codes) != len(set(codes)):
            raise ValueError(f"chain {self.code}: steps must be present and unique")

    def step(self, index: int | None) -> Step | None:
        if index is None or not 0 <= index < len(self.steps):
            return None
        return self.steps[index]

    def index_of(self, code: str) -> int:
        for index, step in enumerate(self.steps):
            if step.code == code:
                return index
        raise KeyError(code)

    @property
    def path_label(self) -> str:
        return " → ".join([self.submit_label, *(s.label for s in self.steps)])


_CHAINS: dict[str, Chain] = {}
_MODELS: dict[str, type] = {}


def register(chain: Chain, model: type) -> None:
    """Declare that `model` is approved through `chain`."""
    existing = _CHAINS.get(chain.code)
    if existing is not None and existing != chain:
        raise ValueError(f"chain {chain.code} registered twice with different steps")
    _CHAINS[chain.code] = chain
    _MODELS[chain.code] = model
    model.workflow_chain_code = chain.code


def get_chain(code: str) -> Chain:
    return _CHAINS[code]


def all_chains() -> list[Chain]:
    return list(_CHAINS.values())


def model_for(code: str) -> type:
    return _MODELS[code]
