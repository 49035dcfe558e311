from django.contrib import admin

from kalantar.core.admin_mixins import JalaliAdminMixin
from kalantar.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(JalaliAdminMixin, admin.ModelAdmin):
    list_display = (
        "seq",
        "at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "ip",
        "outcome",
    )
    list_filter = ("outcome",)
    search_fields = ("action", "actor_username", "object_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
