from django.contrib import admin

from kalantar.analytics.models import SurgeAlert
from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin


@admin.register(SurgeAlert)
class SurgeAlertAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("day", "station", "category", "current", "baseline_mean", "z", "status")
    list_filter = ("status", "category")
    list_select_related = ("station",)
    readonly_fields = ("station", "category", "day", "current", "baseline_mean", "z", "p")

    def has_add_permission(self, request):
        return False
