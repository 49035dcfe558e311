from django.contrib import admin

from kalantar.complaints.models import Category, Complaint, ComplaintEvent, Open311Key
from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin


@admin.register(Category)
class CategoryAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "name_en",
        "route",
        "first_action_hours",
        "closure_days",
        "anonymous_allowed",
        "is_active",
        "sort_order",
    )
    list_editable = ("first_action_hours", "closure_days", "is_active", "sort_order")
    search_fields = ("code", "name", "name_en")


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "actor", "from_status", "to_status", "note", "public")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    """Read-only here: complaints change only through the workflow's services."""

    list_display = ("tracking_code", "filed_at", "category", "unit", "status", "channel")
    list_filter = ("status", "channel", "category")
    search_fields = ("tracking_code", "national_code")
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Complaint._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Open311Key)
class Open311KeyAdmin(JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("name", "prefix", "created_at", "last_used_at", "is_active")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")
    list_editable = ("is_active",)

    def has_add_permission(self, request):
        # Keys are created with `kalantar create_open311_key`, which shows the secret once.
        return False
