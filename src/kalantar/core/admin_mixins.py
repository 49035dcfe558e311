"""Admin behaviour shared by every model: Jalali dates, data scoping and audited writes."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kalantar.core import audit
from kalantar.core.forms import JalaliDateField, JalaliDateInput, JalaliDateTimeField
from kalantar.core.jalali import display_date, display_datetime


class JalaliAdminMixin:
    """Date fields are edited and listed in the Jalali calendar."""

    formfield_overrides = {
        models.DateField: {"form_class": JalaliDateField, "widget": JalaliDateInput},
        models.DateTimeField: {"form_class": JalaliDateTimeField},
    }

    def get_list_display(self, request):
        return [self._jalali_column(name) for name in super().get_list_display(request)]

    def _jalali_column(self, name):
        if not isinstance(name, str):
            return name
        try:
            field = self.model._meta.get_field(name)
        except Exception:
            return name
        if not isinstance(field, models.DateField):
            return name
        render = display_datetime if isinstance(field, models.DateTimeField) else display_date

        def column(obj):
            return render(getattr(obj, name))

        column.short_description = field.verbose_name
        column.admin_order_field = name
        return column


class ScopedAdminMixin:
    """Staff who are not superusers see only their units' rows, as everywhere else."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or not hasattr(queryset, "visible_to"):
            return queryset
        return queryset.visible_to(request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            "admin.change" if change else "admin.add",
            actor=request.user,
            obj=obj,
            detail={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        label, pk = obj._meta.label_lower, obj.pk
        super().delete_model(request, obj)
        audit.record("admin.delete", actor=request.user, object_type=label, object_id=pk)


class StoredFileInline(admin.TabularInline):
    """A record's attached files in the admin: read-only, each opened through the same
    scoped, audited page as everywhere else (never a storage URL)."""

    extra = 0
    can_delete = False
    fields = ("open_link", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("file"))
    def open_link(self, obj) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            obj.original_name,
        )
