"""The navigation bar: each entry shows only to users whose role may use it.

Entries come from `core.extensions`: the shell's own below, each domain app's from its
`ready()`.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kalantar.core.extensions import NavItem, add_nav_item, nav_items

SHELL_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "home", "speedometer2", order=0),
    NavItem(_("Map"), "org:map", "map", "org.view_jurisdiction", order=60),
    NavItem(_("Units"), "org:unit_list", "building", "org.view_unit", order=70),
    NavItem(_("Audit log"), "core:audit_log", "shield-check", "core.view_auditentry", order=80),
    NavItem(_("API"), "api:openapi-view", "braces", order=90),
    NavItem(_("Administration"), "admin:index", "gear", staff_only=True, order=100),
)


def register_shell_items() -> None:
    for item in SHELL_ITEMS:
        add_nav_item(item)


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    visible = []
    for item in nav_items():
        if item.staff_only and not user.is_staff:
            continue
        if item.permission and not user.has_perm(item.permission):
            continue
        visible.append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "icon": item.icon,
                "name": item.url_name,
            }
        )
    return visible
