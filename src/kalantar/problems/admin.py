from django.contrib import admin

from kalantar.core.admin_mixins import StoredFileInline
from kalantar.problems.models import (
    Agency,
    AgencyContact,
    Problem,
    ProblemAttachment,
    Referral,
    ReferralAttachment,
    ReferralEvent,
)


class ProblemAttachmentInline(StoredFileInline):
    model = ProblemAttachment


class ReferralAttachmentInline(StoredFileInline):
    model = ReferralAttachment


class ContactInline(admin.TabularInline):
    model = AgencyContact
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "unit", "email", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "name_en")
    inlines = [ContactInline]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "unit", "stage", "origin", "created_at")
    list_filter = ("stage", "origin")
    search_fields = ("number", "title")
    readonly_fields = ("number",)
    inlines = [ProblemAttachmentInline]


class EventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "status", "note", "responder", "actor")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("reference", "agency", "status", "deadline", "escalation")
    list_filter = ("status", "escalation")
    search_fields = ("reference", "subject")
    readonly_fields = ("reference", "status", "sent_at", "acknowledged_at", "answered_at")
    inlines = [EventInline, ReferralAttachmentInline]
