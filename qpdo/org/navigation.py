"""The portal's main navigation: apps add their entries from `AppConfig.ready()`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from .enums import Role
from .scoping import user_roles


@dataclass(frozen=True)
class NavEntry:
    order: int
    label: str
    url_name: str
    roles: frozenset[Role] = field(default_factory=frozenset)  # empty: everyone signed in
    badge: str = ""  # name of a count in the context processor's `counts`


_ENTRIES: dict[str, NavEntry] = {}


def register(*, order: int, label: str, url_name: str, roles=(), badge: str = "") -> None:
    _ENTRIES[url_name] = NavEntry(order, label, url_name, frozenset(roles), badge)


def entries_for(user) -> list[dict]:
    roles = user_roles(user)
    items = []
    for entry in sorted(_ENTRIES.values(), key=lambda e: e.order):
        if entry.roles and not (entry.roles & roles) and not user.is_superuser:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {"label": entry.label, "url": url, "url_name": entry.url_name, "badge": entry.badge}
        )
    return items
