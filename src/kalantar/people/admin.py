from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin
from kalantar.people.models import ApiToken, User


@admin.register(User)
class UserAdmin(ScopedAdminMixin, JalaliAdminMixin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "unit", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Unit"), {"fields": ("unit",)}),
    )
    autocomplete_fields = ("unit",)


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = (
        "user",
        "prefix",
        "digest",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )

    def has_add_permission(self, request):
        # Tokens are created with `kalantar create_token`, which shows the secret once.
        return False
