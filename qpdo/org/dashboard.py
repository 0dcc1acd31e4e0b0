"""Panels of the 工作台: each programme adds its own from `AppConfig.ready()`.

A panel is a template and a function returning its context for a user, or None when the panel
has nothing for them (then it is not shown). The function must run a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    order: int
    code: str
    template_name: str
    context: Callable[..., dict | None]


_PANELS: dict[str, Panel] = {}


def register(*, order: int, code: str, template_name: str, context: Callable[..., dict | None]):
    _PANELS[code] = Panel(order, code, template_name, context)


def panels_for(user) -> list[dict]:
    """Return the panels to show the user, each with its template and context."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        context = panel.context(user=user)
        if context is not None:
            shown.append(
                {"code": panel.code, "template_name": panel.template_name, "context": context}
            )
    return shown
