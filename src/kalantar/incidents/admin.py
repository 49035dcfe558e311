from django.contrib import admin
from django.contrib.auth import get_user_model

from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin
from kalantar.incidents.models import Incident, PatrolUnit


@admin.register(Incident)
class IncidentAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    """Read-only: incidents change through the dispatch board so counts stay exact."""

    list_display = ("number", "category", "station", "source", "status", "occurred_at")
    list_filter = ("status", "source", "category")
    search_fields = ("number", "external_id")
    list_select_related = ("station",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PatrolUnit)
class PatrolUnitAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("call_sign", "station", "kind", "status", "last_seen_at")
    list_filter = ("kind", "status")
    search_fields = ("call_sign", "station__code", "station__name")
    filter_horizontal = ("crew",)
    list_select_related = ("station",)
    readonly_fields = ("status", "last_lon", "last_lat", "last_seen_at")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "crew":  # only officers of the admin's own units
            kwargs["queryset"] = get_user_model().objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
