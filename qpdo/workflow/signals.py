"""Keep what depends on a user's own decisions in step with them (see selectors.DoneList)."""

from __future__ import annotations

from qpdo.org.caching import bump_scope_version

from .enums import DECISIONS
from .selectors import decisions_scope


def on_opinion_written(sender, instance, raw=False, **kwargs) -> None:
    """A decision written (or ever deleted) changes its actor's 已办 total."""
    if raw or instance.actor_id is None or instance.action not in DECISIONS:
        return
    bump_scope_version(decisions_scope(instance.actor_id))
