from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_CASES = ("inspection.view_case", "inspection.change_case", "inspection.add_case")
_REVIEWS = ("inspection.view_review", "inspection.change_review")


class InspectionConfig(AppConfig):
    name = "kalantar.inspection"
    label = "inspection"
    verbose_name = _("Inspection")

    def ready(self) -> None:
        from kalantar.core import extensions as ext
        from kalantar.core.audit import register_actions
        from kalantar.inspection import receivers  # noqa: F401  (conduct complaints → cases)
        from kalantar.inspection.audit_actions import ACTIONS
        from kalantar.people.roles import grant

        register_actions(*ACTIONS)
        grant("inspector", *_CASES, *_REVIEWS, "inspection.view_indicator")
        # A chief takes part in the supportive review of their own officers; never a case.
        grant("station_chief", *_REVIEWS)
        grant("sysadmin", "inspection.view_indicator", "inspection.change_indicator")
        ext.add_nav_item(
            ext.NavItem(
                _("Case desk"),
                "inspection:desk",
                "shield-shaded",
                _CASES[0],
                order=40,
                section="operations",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Supportive reviews"),
                "inspection:reviews",
                "person-heart",
                _REVIEWS[0],
                order=41,
                section="operations",
            )
        )
        ext.add_home_card(ext.HomeCard("inspection", "inspection/_home_card.html", _card, 25))
        ext.add_attachment_kind(ext.AttachmentKind("inspection", _document_for))
        ext.add_periodic_job(
            ext.PeriodicJob(
                "early_intervention",
                _early_intervention,
                86400,
                label=_("Compute early-intervention indicators"),
            )
        )
        ext.add_demo_loader(ext.DemoLoader("inspection", _load_demo, order=80))


def _card(user) -> dict | None:
    """Open and overdue cases for the inspection office; open reviews for it and the chiefs."""
    from django.utils import timezone

    from kalantar.inspection.selectors import cases_for, reviews_for

    card = {}
    if user.has_perm("inspection.view_case"):
        cases = cases_for(user).open()
        card["cases"] = cases.count()
        card["overdue"] = cases.filter(step_due__lt=timezone.now()).count()
    if user.has_perm("inspection.view_review"):
        card["reviews"] = reviews_for(user, open_only=True).count()
    return card if any(card.values()) else None


def _document_for(user, pk: int):
    from kalantar.inspection.selectors import document_for

    return document_for(user, pk)


def _early_intervention() -> str | None:
    from kalantar.inspection.indicators import open_reviews

    flagged, opened = open_reviews()
    return f"early intervention: {flagged} flagged, {opened} reviews opened" if opened else None


def _load_demo(progress) -> None:
    from kalantar.inspection.demo import load

    load(progress)
