"""The community models in the admin: names and groups are edited here; volunteers' vetting,
hours, alerts, consent and reports are only read, because they change through the services
(audited, with their rules) and the hours ledger is never deleted."""

from django.contrib import admin

from kalantar.community.models import (
    Alert,
    Assignment,
    Attendance,
    HoursEntry,
    Neighbourhood,
    Recognition,
    SafetyReport,
    Subscriber,
    TrainingSession,
    Volunteer,
    WatchGroup,
)
from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin


class ReadOnlyAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "station")
    list_filter = ("station",)
    search_fields = ("name", "name_en")
    fields = ("station", "name", "name_en")
    readonly_fields = ("station",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # drawn on the map of the neighbourhood page, which makes its cells

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WatchGroup)
class WatchGroupAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("name", "programme", "neighbourhood", "station", "contact_officer")
    list_filter = ("programme", "station")
    search_fields = ("name",)
    fields = ("name", "programme", "neighbourhood", "station", "contact_officer")
    readonly_fields = ("neighbourhood", "station", "contact_officer")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = readonly_fields = ("title", "starts_on", "ends_on", "created_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class HoursInline(AssignmentInline):
    model = HoursEntry
    fields = readonly_fields = ("worked_on", "hours", "note", "status", "decided_by")


class RecognitionInline(AssignmentInline):
    model = Recognition
    fields = readonly_fields = ("title", "given_on", "given_by")


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "programme", "group", "station", "check_answer")
    list_filter = ("programme", "check_answer", "station")
    search_fields = ("full_name", "national_code")
    exclude = ("area", "cells")
    inlines = [AssignmentInline, HoursInline, RecognitionInline]


@admin.register(HoursEntry)
class HoursEntryAdmin(ReadOnlyAdmin):
    list_display = ("volunteer", "worked_on", "hours", "status", "decided_by")
    list_filter = ("status",)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    can_delete = False
    fields = readonly_fields = ("volunteer", "present")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "held_on", "group", "station", "trainer")
    list_filter = ("station",)
    inlines = [AttendanceInline]


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    """Consent as it was given and withdrawn; the number itself is never shown to staff."""

    list_display = ("pk", "neighbourhood", "kind", "topics", "consented_at", "withdrawn_at")
    list_filter = ("kind", "consent_version")
    exclude = ("mobile",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("neighbourhood")
        if request.user.is_superuser:
            return queryset
        visible = Neighbourhood.objects.visible_to(request.user)
        return queryset.filter(neighbourhood__in=visible)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("text", "neighbourhood", "topic", "status", "recipients", "sms_sent")
    list_filter = ("status", "topic", "station")
    exclude = ("fanned_to",)


@admin.register(SafetyReport)
class SafetyReportAdmin(ReadOnlyAdmin):
    list_display = ("behaviour", "neighbourhood", "station", "status", "created_at")
    list_filter = ("status", "behaviour", "station")
    exclude = ("mobile",)
