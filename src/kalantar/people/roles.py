"""Roles are Django groups named by code, each with a fixed set of permissions.

Domain apps grant their own permissions to roles with `grant()` from their `ready()`;
`sync_roles` runs after every migrate so the groups always match this table plus the
grants.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

_VIEW_ORG = ("org.view_unit", "org.view_jurisdiction")
_VIEW_COMPLAINTS = ("complaints.view_complaint",)
_WORK_COMPLAINTS = (*_VIEW_COMPLAINTS, "complaints.add_complaint", "complaints.change_complaint")
_LEAD_COMPLAINTS = (*_WORK_COMPLAINTS, "complaints.assign_complaint")


@dataclass(frozen=True)
class Role:
    code: str
    label: object  # lazy translation
    permissions: tuple[str, ...]


ROLES: tuple[Role, ...] = (
    Role("desk_officer", _("Desk officer"), (*_VIEW_ORG, *_WORK_COMPLAINTS)),
    Role("station_chief", _("Station chief"), (*_VIEW_ORG, *_LEAD_COMPLAINTS, "people.view_user")),
    Role(
        "county_commander",
        _("County commander"),
        (*_VIEW_ORG, *_LEAD_COMPLAINTS, "people.view_user"),
    ),
    Role(
        "province_commander",
        _("Province commander"),
        (*_VIEW_ORG, *_VIEW_COMPLAINTS, "people.view_user"),
    ),
    Role("alarm_operator", _("Alarm operator"), _VIEW_ORG),
    # Runs the alarm centre's shift: what the operators do, and the events the stream's
    # consumers could not store (parked for review).
    Role("alarm_supervisor", _("Alarm centre supervisor"), _VIEW_ORG),
    Role("patrol_officer", _("Patrol officer"), _VIEW_ORG),
    Role("dispatcher", _("Dispatcher"), _VIEW_ORG),
    Role(
        "inspector",
        _("Inspector"),
        (
            *_VIEW_ORG,
            *_LEAD_COMPLAINTS,
            "core.view_auditentry",
            "people.view_user",
            "people.view_province_officers",
        ),
    ),
    Role("analyst", _("Analyst"), (*_VIEW_ORG, *_VIEW_COMPLAINTS)),
    # Takes the calls, forms and SMS of the 197 line; files complaints for callers.
    Role("feedback_operator", _("197 line operator"), (*_VIEW_ORG, *_WORK_COMPLAINTS)),
    Role("security_registrar", _("Security-institution registrar"), _VIEW_ORG),
    # The national office of the station transformation programme (طرح تحول): it keeps the
    # framework and the enrolment; its apps grant the rest.
    Role("programme_office", _("Transformation programme office"), _VIEW_ORG),
    # The station's officer who works with its neighbourhood-watch and police-helper groups.
    Role("community_officer", _("Community liaison officer"), _VIEW_ORG),
    # A neighbourhood-watch member or police helper: their own group's page and nothing more.
    Role("volunteer", _("Volunteer"), ()),
    Role(
        "sysadmin",
        _("System administrator"),
        (
            *_VIEW_ORG,
            "org.add_unit",
            "org.change_unit",
            "org.add_jurisdiction",
            "org.change_jurisdiction",
            "org.import_jurisdictions",
            "people.view_user",
            "people.add_user",
            "people.change_user",
            "people.manage_tokens",
            "people.view_apitoken",
            "core.view_auditentry",
            "core.view_task",
            "core.retry_task",
            *_LEAD_COMPLAINTS,
            "complaints.change_category",
            "complaints.add_category",
            "complaints.view_category",
        ),
    ),
)
ROLE_CODES = tuple(r.code for r in ROLES)
_BY_CODE = {r.code: r for r in ROLES}


_GRANTS: dict[str, set[str]] = {code: set() for code in ROLE_CODES}


def grant(role_code: str, *permissions: str) -> None:
    """Give `role_code` more permissions ("app_label.codename"); called from an app's ready()."""
    if role_code not in _GRANTS:
        raise ValueError(f"unknown role {role_code!r}")
    _GRANTS[role_code].update(permissions)


def permissions_of(role_code: str) -> set[str]:
    return set(_BY_CODE[role_code].permissions) | _GRANTS[role_code]


def get_role(code: str) -> Role | None:
    return _BY_CODE.get(code)


def role_label(code: str) -> str:
    role = _BY_CODE.get(code)
    return str(role.label) if role else code


def sync_roles() -> None:
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.code)
        group.permissions.set([perms[p] for p in permissions_of(role.code) if p in perms])


def sync_roles_after_migrate(*, app_config=None, **kwargs) -> None:
    # Run once, after the last app's permissions have been created; post_migrate is sent
    # only for apps that have a models module.
    with_models = [a for a in apps.get_app_configs() if a.models_module is not None]
    if app_config is None or app_config is with_models[-1]:
        sync_roles()
