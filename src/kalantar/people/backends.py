"""The permission backend of the site: Django's, with each user's permissions read from
people.access (kept in the shared cache between requests) instead of two queries on
every request that checks one."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend, UserModel

from kalantar.people.access import access_of


class AccessBackend(ModelBackend):
    def get_user(self, user_id):
        # The shell and every scoped query read the user's unit: fetched with the user.
        user = UserModel._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(access_of(user_obj).permissions)
        return user_obj._perm_cache
