"""The navigation bar: each entry shows only to users whose role may use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: object
    url_name: str
    icon: str
    permission: str | None = None  # None: any logged-in user
    staff_only: bool = False


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "home", "speedometer2"),
    NavItem(_("Complaints"), "complaints:queue", "inboxes", "complaints.view_complaint"),
    NavItem(_("New complaint"), "complaints:new", "file-earmark-plus", "complaints.add_complaint"),
    NavItem(_("Map"), "org:map", "map", "org.view_jurisdiction"),
    NavItem(_("Units"), "org:unit_list", "building", "org.view_unit"),
    NavItem(_("Audit log"), "core:audit_log", "shield-check", "core.view_auditentry"),
    NavItem(_("API"), "api:openapi-view", "braces"),
    NavItem(_("Administration"), "admin:index", "gear", staff_only=True),
)


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    visible = []
    for item in NAV_ITEMS:
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
