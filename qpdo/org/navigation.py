"""The portal's main navigation: apps add their entries from `AppConfig.ready()`."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

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


@functools.lru_cache(maxsize=256)
def _url(url_name: str, urlconf_key: str) -> str | None:
    """Reverse an entry's URL once per process (the URLconf does not change while it runs)."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def entries_for(user) -> list[dict]:
    roles = user_roles(user)
    urlconf_key = str(get_urlconf() or settings.ROOT_URLCONF) + get_script_prefix()
    items = []
    for entry in sorted(_ENTRIES.values(), key=lambda e: e.order):
        if entry.roles and not (entry.roles & roles) and not user.is_superuser:
            continue
        url = _url(entry.url_name, urlconf_key)
        if url is None:
            continue
        items.append(
            {"label": entry.label, "url": url, "url_name": entry.url_name, "badge": entry.badge}
        )
    return items


def _clear_url_cache(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _url.cache_clear()


setting_changed.connect(_clear_url_cache, dispatch_uid="qpdo.org.navigation.urls")
