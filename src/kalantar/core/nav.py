"""The navigation bar: each entry shows only to users whose role may use it.

Entries come from `core.extensions`: the shell's own below, each domain app's from its
`ready()`. Entries name a section; a section with more than one visible entry becomes a
drop-down menu, so the bar stays one line however many apps there are.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from kalantar.core.extensions import NavItem, add_nav_item, nav_items

# section key → (label, icon), in the order they appear on the bar.
SECTIONS: dict[str, tuple[object, str]] = {
    "complaints": (_("Complaints"), "inboxes"),
    "operations": (_("Operations"), "broadcast"),
    "awareness": (_("Awareness"), "graph-up"),
    "organisation": (_("Organisation"), "diagram-3"),
    "system": (_("System"), "gear"),
}

SHELL_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "home", "speedometer2", order=0),
    NavItem(_("Map"), "org:map", "map", "org.view_jurisdiction", order=60, section="organisation"),
    NavItem(
        _("Units"), "org:unit_list", "building", "org.view_unit", order=70, section="organisation"
    ),
    NavItem(
        _("Audit log"),
        "core:audit_log",
        "shield-check",
        "core.view_auditentry",
        order=80,
        section="system",
    ),
    NavItem(
        _("Background tasks"),
        "core:task_list",
        "hourglass-split",
        "core.view_task",
        order=85,
        section="system",
    ),
    NavItem(_("API"), "api:openapi-view", "braces", order=90, section="system"),
    NavItem(
        _("Administration"), "admin:index", "gear", staff_only=True, order=100, section="system"
    ),
)


def register_shell_items() -> None:
    for item in SHELL_ITEMS:
        add_nav_item(item)


def _visible(user, item: NavItem) -> bool:
    if item.staff_only and not user.is_staff:
        return False
    return not item.permission or user.has_perm(item.permission)


def _entry(item: NavItem) -> dict:
    return {
        "label": item.label,
        "url": reverse(item.url_name),
        "icon": item.icon,
        "name": item.url_name,
    }


def items_for(user) -> list[dict]:
    """The bar for `user`: plain entries, and menus (`{"label", "icon", "children"}`).

    Which entries show is decided for each user (a role's permissions, kept in memory by
    the permission backend); the bar built from them is the same for everyone who sees
    the same entries, and is built once per process (the labels stay lazy: each request
    shows them in its own language). Callers must not change what they get."""
    if not user.is_authenticated:
        return []
    visible = tuple(item.url_name for item in nav_items() if _visible(user, item))
    return _bar(visible, get_script_prefix())


@lru_cache(maxsize=512)
def _bar(visible: tuple[str, ...], _script_prefix: str) -> list[dict]:
    """The bar of these entries (the script prefix is part of every URL reverse() gives)."""
    bar: list[dict] = []
    menus: dict[str, dict] = {}
    for item in nav_items():
        if item.url_name not in visible:
            continue
        if item.section not in SECTIONS:
            bar.append(_entry(item))
            continue
        if item.section not in menus:
            label, icon = SECTIONS[item.section]
            menus[item.section] = {
                "label": label,
                "icon": icon,
                "key": item.section,
                "children": [],
            }
        menus[item.section]["children"].append(_entry(item))
    for key in SECTIONS:
        menu = menus.get(key)
        if menu is None:
            continue
        # A menu of one is just a link.
        bar.append(menu["children"][0] if len(menu["children"]) == 1 else menu)
    return bar
