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
        from kalantar.people.access import connect_signals

        connect_signals()  # each user's kept access goes stale with any change to it
        from kalantar.people.roles import sync_roles_after_migrate

        # Every app's post_migrate: permissions of apps after this one exist only later.
        post_migrate.connect(sync_roles_after_migrate)
        ext.add_periodic_job(
            ext.PeriodicJob(
                "disable_dormant_accounts",
                _disable_dormant,
                3600,
                label=_("Disable dormant accounts"),
            )
        )
        ext.add_demo_loader(ext.DemoLoader("users", _load_demo, order=10))
        ext.add_nav_item(
            ext.NavItem(
                _("Officers"),
                "people:officers",
                "person-badge",
                "people.view_user",
                order=72,
                section="organisation",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("My service record"),
                "people:my_record",
                "person-vcard",
                order=73,
                section="organisation",
            )
        )
        ext.add_home_card(
            ext.HomeCard("overdue_training", "people/_training_card.html", _training_card, 20)
        )


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


def _training_card(user) -> dict | None:
    """The chief's overdue training: the officers of their units past a plan's due date."""
    from django.utils import timezone

    from kalantar.people.selectors import officers_for, overdue_training

    if not user.has_perm("people.view_user") or user.unit is None or not user.unit.is_station:
        return None
    overdue = overdue_training(officers_for(user), today=timezone.localdate())
    if not overdue:
        return None
    return {"count": len(overdue), "lines": overdue[:8]}
