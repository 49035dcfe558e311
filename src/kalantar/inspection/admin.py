from django.contrib import admin

from kalantar.inspection.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The inspection office tunes the indicators here: window, minimum and distance."""

    list_display = ("code", "enabled", "window_days", "min_count", "z_threshold")
