from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityFirmsConfig(AppConfig):
    name = "kalantar.security_firms"
    label = "security_firms"
    verbose_name = _("Security institutions")

    def ready(self) -> None:
        from kalantar.security_firms import field_setup

        field_setup.register()
