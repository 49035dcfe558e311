from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ("problems.view_problem", "problems.view_referral", "problems.view_agency")
_WORK = (
    *_VIEW,
    "problems.add_problem",
    "problems.change_problem",
    "problems.add_referral",
    "problems.change_referral",
)
_AGENCIES = ("problems.add_agency", "problems.change_agency", "problems.manage_agencies")


class ProblemsConfig(AppConfig):
    name = "kalantar.problems"
    label = "problems"
    verbose_name = _("Problem solving")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.problems.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.core import extensions as ext
        from kalantar.people.roles import grant

        ext.add_nav_item(
            ext.NavItem(
                _("Problems"),
                "problems:list",
                "diagram-3",
                "problems.view_problem",
                order=40,
                section="awareness",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Agencies"),
                "problems:responsiveness",
                "building",
                "problems.view_referral",
                order=41,
                section="awareness",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Public statistics"),
                "transparency:index",
                "bar-chart",
                None,
                order=49,
                section="awareness",
            )
        )
        grant("desk_officer", *_VIEW)
        grant("station_chief", *_WORK)
        grant("county_commander", *_WORK, *_AGENCIES)
        grant("province_commander", *_VIEW, *_AGENCIES)
        grant("analyst", *_VIEW, "problems.add_problem")
        grant("inspector", *_VIEW)
        grant("sysadmin", *_WORK, *_AGENCIES)
        ext.add_attachment_kind(ext.AttachmentKind("problem", _problem_attachment))
        ext.add_attachment_kind(ext.AttachmentKind("referral", _referral_attachment))
        ext.add_periodic_job(
            ext.PeriodicJob("referral_follow_up", _follow_up, 3600, label=_("Follow up referrals"))
        )
        ext.add_demo_loader(ext.DemoLoader("problems", _load_demo, order=80))


def _problem_attachment(user, pk: int):
    from kalantar.problems.selectors import problem_attachment_for

    return problem_attachment_for(user, pk)


def _referral_attachment(user, pk: int):
    from kalantar.problems.selectors import referral_attachment_for

    return referral_attachment_for(user, pk)


def _follow_up() -> str | None:
    from kalantar.problems.services import follow_up_referrals

    reminded, overdue, to_province = follow_up_referrals()
    if reminded or overdue or to_province:
        return (
            f"referrals: {reminded} reminded, {overdue} overdue (to county), "
            f"{to_province} escalated to province"
        )
    return None


def _load_demo(progress) -> None:
    from kalantar.problems.demo import load_demo

    load_demo(progress)
