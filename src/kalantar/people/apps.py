from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kalantar.people"
    label = "people"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from kalantar.core import extensions as ext
        from kalantar.core.audit import register_actions
        from kalantar.people.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.people.roles import sync_roles_after_migrate

        # Every app's post_migrate: permissions of apps after this one exist only later.
        post_migrate.connect(sync_roles_after_migrate)
        ext.add_periodic_job(ext.PeriodicJob("disable_dormant_accounts", _disable_dormant, 3600))
        ext.add_demo_loader(ext.DemoLoader("users", _load_demo, order=10))


def _disable_dormant() -> str | None:
    from kalantar.people.services import disable_dormant_accounts

    disabled = disable_dormant_accounts()
    if disabled:
        return f"disabled {len(disabled)} dormant accounts: {', '.join(disabled)}"
    return None


def _load_demo(progress) -> None:
    from kalantar.people.demo import add_demo_users, enrol_demo_users

    progress(f"{add_demo_users()} demo users")
    progress(f"two-factor login for {enrol_demo_users()} privileged demo users")
