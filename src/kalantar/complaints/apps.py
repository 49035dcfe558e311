from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "kalantar.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from kalantar.complaints.audit_actions import ACTIONS
        from kalantar.core.audit import register_actions

        register_actions(*ACTIONS)
        from kalantar.core import extensions as ext
        from kalantar.people.roles import ROLES, grant, permissions_of

        # Everyone who handles complaints sees who filed them; analysts, who study patterns,
        # see pseudonyms instead (identity.py).
        for role in ROLES:
            if role.code != "analyst" and "complaints.view_complaint" in permissions_of(role.code):
                grant(role.code, "complaints.view_complainant_identity")
        # System administrators issue and revoke the Open311 applications' keys.
        grant("sysadmin", *(f"complaints.{p}_open311key" for p in ("view", "add", "change")))

        ext.add_nav_item(
            ext.NavItem(
                _("Work queue"),
                "complaints:queue",
                "inboxes",
                "complaints.view_complaint",
                order=10,
                section="complaints",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("New complaint"),
                "complaints:new",
                "file-earmark-plus",
                "complaints.add_complaint",
                order=11,
                section="complaints",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Station dashboard"),
                "complaints:dashboard",
                "clipboard-data",
                "complaints.view_complaint",
                order=12,
                section="complaints",
            )
        )
        ext.add_attachment_kind(ext.AttachmentKind("complaint", _attachment_for))
        ext.add_address_source(ext.AddressSource("complaints", _recorded_addresses))
        ext.add_home_card(
            ext.HomeCard("complaints", "complaints/_home_card.html", _complaints_card, order=20)
        )
        ext.add_periodic_job(
            ext.PeriodicJob(
                "escalate_overdue", _escalate_overdue, 60, label=_("Escalate overdue complaints")
            )
        )
        ext.add_demo_loader(ext.DemoLoader("complaints", _load_demo, order=40))


def _load_demo(progress) -> None:
    from kalantar.complaints.demo import load

    load(progress)


def _attachment_for(user, pk: int):
    from kalantar.complaints.selectors import attachment_for

    return attachment_for(user, pk)


def _recorded_addresses(user, words: list[str], limit: int) -> list[tuple[str, float, float]]:
    from kalantar.complaints.selectors import recorded_addresses

    return recorded_addresses(user, words, limit)


def _escalate_overdue() -> str | None:
    from kalantar.complaints.services import escalate_overdue

    to_chief, to_county = escalate_overdue()
    if to_chief or to_county:
        return f"escalated {to_chief} complaints to chiefs, {to_county} to county commands"
    return None


def _complaints_card(user) -> dict | None:
    """Open and overdue complaints the user may see."""
    if not user.has_perm("complaints.view_complaint"):
        return None
    from kalantar.complaints.selectors import complaints_for

    complaints = complaints_for(user)
    return {"open": complaints.open().count(), "overdue": complaints.overdue().count()}
