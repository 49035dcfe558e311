from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kalantar.complaints.models import (
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    Open311Key,
)
from kalantar.complaints.open311 import keys as open311_keys
from kalantar.core import audit
from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin, StoredFileInline
from kalantar.core.persian import normalize_text


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
        "publishable",
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


class AttachmentInline(StoredFileInline):
    model = Attachment


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    """Read-only here: complaints change only through the workflow's services."""

    list_display = ("tracking_code", "filed_at", "category", "unit", "status", "channel")
    list_filter = ("status", "channel", "category")
    search_fields = ("tracking_code", "national_code")
    inlines = [EventInline, AttachmentInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Complaint._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class Open311KeyForm(forms.ModelForm):
    class Meta:
        model = Open311Key
        fields = ["name", "is_active"]

    def clean_name(self) -> str:
        name = normalize_text(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Name the application the key is for."))
        return name


@admin.register(Open311Key)
class Open311KeyAdmin(JalaliAdminMixin, admin.ModelAdmin):
    """Keys are issued here or with `kalantar create_open311_key`; the secret is shown once.

    Keys are revoked, never deleted, so the audit entries of their reports keep a name.
    """

    form = Open311KeyForm
    list_display = ("name", "prefix", "created_at", "last_used_at", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name"]  # the prefix and the secret are drawn when it is saved
        return ["name", "prefix", "created_at", "last_used_at", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.raw_key = open311_keys.issue(obj, by=request.user)
            return
        with transaction.atomic():
            if "name" in form.changed_data:
                obj.save(update_fields=["name"])
                detail = {"fields": ["name"]}
                audit.record("admin.change", actor=request.user, obj=obj, detail=detail)
            if "is_active" in form.changed_data:
                open311_keys.set_active(obj, by=request.user, active=obj.is_active)

    def response_add(self, request, obj, post_url_continue=None):
        """The new key, once: it is stored only as a digest, so it cannot be shown again."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "raw_key": obj.raw_key,
            "title": _("Open311 key issued"),
        }
        response = TemplateResponse(request, "admin/complaints/open311key/issued.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        keys = list(queryset.filter(is_active=True))
        for key in keys:
            open311_keys.set_active(key, by=request.user, active=False)
        self.message_user(
            request,
            ngettext(
                "%(n)d key revoked: its application can no longer report.",
                "%(n)d keys revoked: their applications can no longer report.",
                len(keys),
            )
            % {"n": len(keys)},
            messages.SUCCESS,
        )
