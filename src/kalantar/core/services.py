"""Writes of the kernel. Reading the audit log is one: who looked is itself recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import transaction

from kalantar.core import audit
from kalantar.core.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditLogPage:
    page: Page
    action: str
    # (code, label) of every registered action, by label: the filter's choices.
    actions: list[tuple[str, str]]


def audit_log_page(
    *, by: AbstractBaseUser | None, action: str = "", page_number: str | int | None = None
) -> AuditLogPage:
    """One page of the audit log, filtered by an action code (or a code's prefix, such as
    "complaints."), with labels in the active language; the read is recorded in the same
    transaction, so no page is shown without its trace."""
    action = (action or "").strip()
    codes = {a.code for a in audit.registered_actions()}
    entries = AuditEntry.objects.all()
    if action in codes:
        entries = entries.filter(action=action)
    elif action:
        entries = entries.filter(action__startswith=action)
    with transaction.atomic():
        page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(page_number)
        audit.record("core.audit.read", actor=by, detail={"filter": action, "page": page.number})
        # Read after the record: the first page shows this very look at the log.
        rows = list(page.object_list)
    for entry in rows:
        entry.action_label = audit.action_label(entry.action)
        entry.object_label = _object_label(entry.object_type)
    page.object_list = rows
    actions = sorted(((a.code, a.label) for a in audit.registered_actions()), key=lambda a: a[1])
    return AuditLogPage(page=page, action=action, actions=actions)


def _object_label(object_type: str) -> str:
    """A model's name in the page's language for its label ("complaints.complaint")."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
