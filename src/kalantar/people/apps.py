from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kalantar.people"
    label = "people"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.people.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.people.roles import sync_roles_after_migrate

        # Every app's post_migrate: permissions of apps after this one exist only later.
        post_migrate.connect(sync_roles_after_migrate)
