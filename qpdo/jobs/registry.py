"""Job kinds: each app registers a handler for the long work it offers (in AppConfig.ready()).

A handler is `run(job, progress) -> JobOutput`: it reads `job.params` and `job.requested_by`,
calls `progress(done, total)` as it goes, and returns the file to store. It raises
`JobRefused` (or a ValidationError) with a Chinese sentence when the work cannot be done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobOutput:
    filename: str
    content: bytes
    note: str = ""


class JobRefused(Exception):
    """The work cannot be done; the message is shown to the requester as the reason."""


@dataclass(frozen=True)
class JobKind:
    kind: str
    title: str
    run: Callable


_kinds: dict[str, JobKind] = {}


def register(kind: str, *, title: str, run: Callable) -> None:
    _kinds[kind] = JobKind(kind=kind, title=title, run=run)


def get(kind: str) -> JobKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise JobRefused(f"未知的后台任务类型“{kind}”。") from None


def titles() -> dict[str, str]:
    return {k.kind: k.title for k in _kinds.values()}
