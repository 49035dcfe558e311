"""django-axes under a name the admin can show in Persian (axes gives its app none).

A module of its own: a second AppConfig in core/apps.py would stop Django from picking
CoreConfig for the core app automatically."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AxesConfig):
    verbose_name = _("Login protection")
