from django.contrib import admin

from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin
from kalantar.org.models import Jurisdiction, Unit


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_en")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)


@admin.register(Jurisdiction)
class JurisdictionAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "area_km2", "updated_at")
    search_fields = ("unit__code", "unit__name")
    readonly_fields = ("area_km2", "updated_at")
