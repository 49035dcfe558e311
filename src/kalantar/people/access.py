"""What a signed-in user is, for the page's shell: roles, permissions and the confirmed
second-factor devices, read once and kept in the shared cache between requests.

Every staff page asked the database the same things again: the user's groups (twice: for
the second-factor rule and for the menu's role labels), the user's and the groups'
permissions (the menu and the views' checks), and the device the session was verified
with. These rarely change, so they are kept per user in the cache, and each change that
could alter them makes the kept copy stale at once:

- a generation per user, renewed when the user is saved or deleted, their groups or own
  permissions change, or one of their devices is saved or deleted;
- one generation for everyone, renewed when a group or permission changes, or a group's
  permissions do.

A kept copy is used only while both generations it was read under are still current, so
a change takes effect on the user's next request, on every process sharing the cache.
The generations are renewed when the change is made and again when its transaction
commits: a request that read the old rows in between cannot keep its copy afterwards.
Copies also expire after ACCESS_SECONDS, which bounds how long a change made while the
shared cache was unreachable (the renewal could not be written) can go unnoticed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

ACCESS_SECONDS = 300
_EVERYONE = "people:access:gen"
_MEMO = "_kalantar_access"  # the copy on the user object: one request's


@dataclass(frozen=True)
class Access:
    roles: tuple[str, ...]
    permissions: frozenset[str]  # "app_label.codename", as ModelBackend gives them
    devices: frozenset[str]  # persistent ids of the confirmed second-factor devices


def _user_generation_key(user_id: int) -> str:
    return f"people:access:gen:{user_id}"


def _entry_key(user_id: int) -> str:
    return f"people:access:{user_id}"


def _generation(found: dict, key: str) -> str:
    """The current generation under `key`, starting a new one when the cache has none
    (never reusing an old value, so a copy from before an eviction cannot match)."""
    value = found.get(key)
    if value is None:
        value = secrets.token_hex(8)
        if not cache.add(key, value, None):
            value = cache.get(key) or value
    return value


def _read(user) -> Access:
    return Access(
        roles=tuple(sorted(user.groups.values_list("name", flat=True))),
        permissions=frozenset(ModelBackend().get_all_permissions(user)),
        devices=frozenset(d.persistent_id for d in devices_for_user(user, confirmed=True)),
    )


def access_of(user) -> Access:
    """The user's roles, permissions and confirmed devices, from the cache when current."""
    memo = user.__dict__.get(_MEMO)
    if memo is not None:
        return memo
    user_key, entry_key = _user_generation_key(user.pk), _entry_key(user.pk)
    found = cache.get_many([_EVERYONE, user_key, entry_key])
    everyone, own = _generation(found, _EVERYONE), _generation(found, user_key)
    entry = found.get(entry_key)
    if entry is not None and entry[0] == everyone and entry[1] == own:
        access = entry[2]
    else:
        access = _read(user)
        cache.set(entry_key, (everyone, own, access), ACCESS_SECONDS)
    user.__dict__[_MEMO] = access
    return access


def forget(user) -> None:
    """Drop what this user object holds for the request (after its roles changed)."""
    memos = (_MEMO, "_perm_cache", "_user_perm_cache", "_group_perm_cache", "_needs_second_factor")
    for name in memos:
        user.__dict__.pop(name, None)


def _renew(keys: list[str]) -> None:
    def write() -> None:
        cache.set_many({key: secrets.token_hex(8) for key in keys}, None)

    write()
    transaction.on_commit(write)


def renew_users(user_ids) -> None:
    keys = [_user_generation_key(pk) for pk in user_ids if pk is not None]
    if keys:
        _renew(keys)


def renew_everyone() -> None:
    _renew([_EVERYONE])


# --- What makes a kept copy stale ---------------------------------------------------------


def _user_saved(sender, instance, **kwargs) -> None:
    forget(instance)
    renew_users([instance.pk])


def _device_changed(sender, instance, **kwargs) -> None:
    renew_users([instance.user_id])


def _membership_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A user's groups or own permissions (from either side of the relation)."""
    if not action.startswith("post_"):
        return
    if not reverse:
        forget(instance)
        renew_users([instance.pk])
    elif pk_set is not None:
        renew_users(pk_set)  # group.user_set.add(...): these users
    else:
        renew_everyone()  # a group or permission lost every member at once


def _everyone_changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("post_"):
        renew_everyone()


def connect_signals() -> None:
    user = get_user_model()
    uid = "kalantar.people.access"
    for signal in (post_save, post_delete):
        signal.connect(_user_saved, sender=user, dispatch_uid=f"{uid}.user")
        for device in (TOTPDevice, StaticDevice):
            signal.connect(_device_changed, sender=device, dispatch_uid=f"{uid}.{device.__name__}")
        for model in (Group, Permission):
            signal.connect(_everyone_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    for through in (user.groups.through, user.user_permissions.through):
        m2m_changed.connect(_membership_changed, sender=through, dispatch_uid=f"{uid}.{through}")
    m2m_changed.connect(_everyone_changed, sender=Group.permissions.through, dispatch_uid=uid)
