from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.core import audit
from kalantar.core.admin_mixins import JalaliAdminMixin, ScopedAdminMixin
from kalantar.core.persian import active_digits, format_number
from kalantar.people import services
from kalantar.people.forms import DisableAccountsForm
from kalantar.people.models import ApiToken, User

# Authenticators are managed through the users' own pages and the actions below (which
# audit every change), not edited row by row: the rows hold the secret keys.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, JalaliAdminMixin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "unit", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (gettext_lazy("Unit"), {"fields": ("unit",)}),
    )
    autocomplete_fields = ("unit",)
    # Set by log-ins, not by hand: an edited last log-in would hide a dormant account.
    readonly_fields = ("last_login", "date_joined")
    actions = ("disable_accounts", "enable_accounts", "reset_second_factor")

    def save_model(self, request, obj, form, change):
        # Disabling or enabling through the form goes through the same services as the
        # actions: a disabled account's sessions and tokens end with it.
        toggled = change and "is_active" in form.changed_data
        if toggled:
            obj.is_active = not obj.is_active
        super().save_model(request, obj, form, change)
        if not toggled:
            return
        if form.cleaned_data["is_active"]:
            services.enable_account(by=request.user, user=obj)
        else:
            services.disable_account(by=request.user, user=obj, reason="admin form")

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit.record(
                    "people.user.password_change",
                    actor=request.user,
                    object_type="people.user",
                    object_id=id,
                )
        return response

    @admin.action(description=gettext_lazy("Disable selected accounts (leavers)"))
    def disable_accounts(self, request, queryset):
        form = DisableAccountsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for user in queryset:
                try:
                    services.disable_account(
                        by=request.user, user=user, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    self.message_user(request, f"{user}: {exc.messages[0]}", messages.ERROR)
                else:
                    done += 1
            self.message_user(
                request,
                _("%(count)s accounts disabled; their sessions and API tokens ended.")
                % {"count": format_number(done, digits=active_digits())},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/people/user/disable_accounts.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Disable accounts"),
                "opts": self.model._meta,
                "form": form,
                "users": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=gettext_lazy("Enable selected accounts"))
    def enable_accounts(self, request, queryset):
        for user in queryset.filter(is_active=False):
            services.enable_account(by=request.user, user=user)
        self.message_user(request, _("The selected accounts can log in again."), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Reset two-factor login (lost phone)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            services.reset_second_factor(by=request.user, user=user)
        self.message_user(
            request,
            _("Two-factor login was reset: these users set it up again at their next log-in."),
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = (
        "user",
        "prefix",
        "digest",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )

    def has_add_permission(self, request):
        # Tokens are created with `kalantar create_token`, which shows the secret once.
        return False
