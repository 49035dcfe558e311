from django.contrib import admin

from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin
from kalantar.evidence.desk import normalize_serial
from kalantar.evidence.models import Camera, EvidenceItem, RetentionPeriod


@admin.register(Camera)
class CameraAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    """Cameras are registered here; they go out and come back only through the desk."""

    list_display = ("serial", "kind", "station", "status")
    list_filter = ("kind", "status")
    search_fields = ("serial", "station__code", "station__name")
    list_select_related = ("station",)
    readonly_fields = ("status",)

    def save_model(self, request, obj, form, change):
        obj.serial = normalize_serial(obj.serial)  # as the desk will read it
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    """Read-only: items arrive by upload, change on their page, and are never deleted here."""

    list_display = ("title", "category", "station", "device", "uploaded_at")
    list_filter = ("category",)
    search_fields = ("title", "original__sha256", "device__serial")
    list_select_related = ("station", "device")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    """How long each category is kept: the one place it is set."""

    list_display = ("category", "days")
