from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ("feedback.view_feedbackmessage",)
_OPERATE = (
    *_VIEW,
    "feedback.add_feedbackmessage",
    "feedback.change_feedbackmessage",
    "feedback.view_conduct",
)


class FeedbackConfig(AppConfig):
    name = "kalantar.feedback"
    label = "feedback"
    verbose_name = _("The 197 line")

    def ready(self) -> None:
        from kalantar.complaints.signals import complaint_closed
        from kalantar.core import extensions as ext
        from kalantar.core.audit import register_actions
        from kalantar.feedback import services
        from kalantar.feedback.audit_actions import ACTIONS
        from kalantar.incidents.signals import incident_closed
        from kalantar.people.roles import grant

        register_actions(*ACTIONS)
        complaint_closed.connect(
            services.survey_for_closed_complaint, dispatch_uid="feedback.survey_on_close"
        )
        incident_closed.connect(
            services.survey_for_closed_incident, dispatch_uid="feedback.survey_on_incident"
        )
        grant("feedback_operator", *_OPERATE)
        grant("inspector", *_OPERATE)
        grant("sysadmin", *_OPERATE)
        for role in ("station_chief", "county_commander", "province_commander", "analyst"):
            grant(role, *_VIEW)
        ext.add_nav_item(
            ext.NavItem(
                _("197 desk"),
                "feedback:desk",
                "telephone-inbound",
                "feedback.add_feedbackmessage",
                order=40,
                section="operations",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("197 dashboard"),
                "feedback:dashboard",
                "bar-chart",
                "feedback.view_feedbackmessage",
                order=41,
                section="operations",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Station report card"),
                "feedback:report_card",
                "clipboard-data",
                "feedback.view_feedbackmessage",
                order=42,
                section="operations",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Feeling of security"),
                "feedback:neighbourhoods",
                "shield-check",
                "feedback.view_feedbackmessage",
                order=43,
                section="operations",
            )
        )
        ext.add_demo_loader(ext.DemoLoader("feedback", _load_demo, order=80))
        ext.add_problem_lead_source(ext.ProblemLeadSource("perception_gap", _gap_leads))


def _gap_leads(user) -> list:
    """Perception gaps feed the problem-solving list of those who may see the surveys."""
    from kalantar.feedback import selectors

    if not user.has_perm("feedback.view_feedbackmessage"):
        return []
    return selectors.perception_gap_leads(user)


def _load_demo(progress) -> None:
    from kalantar.feedback.demo import load

    load(progress)
