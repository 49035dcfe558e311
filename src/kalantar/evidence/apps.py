from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ("evidence.view_camera", "evidence.view_evidenceitem", "evidence.view_station_evidence")
_DESK = (*_VIEW, "evidence.change_camera", "evidence.add_evidenceitem")
_CHIEF = (
    *_DESK,
    "evidence.add_camera",
    "evidence.change_evidenceitem",
    "evidence.delete_evidenceitem",
)


class EvidenceConfig(AppConfig):
    name = "kalantar.evidence"
    label = "evidence"
    verbose_name = _("Camera evidence")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.evidence.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.core import extensions as ext
        from kalantar.core import jobs
        from kalantar.evidence import background

        jobs.register(background.REDACTION_JOB)
        jobs.register(background.EXPORT_JOB)
        from kalantar.people.roles import grant

        ext.add_nav_item(
            ext.NavItem(
                _("Evidence"),
                "evidence:items",
                "camera-video",
                "evidence.view_evidenceitem",
                order=30,
                section="operations",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Camera desk"),
                "evidence:desk",
                "upc-scan",
                "evidence.view_camera",
                order=31,
                section="operations",
            )
        )
        grant("desk_officer", *_DESK)
        grant("station_chief", *_CHIEF)
        grant("county_commander", *_VIEW)
        grant("province_commander", *_VIEW)
        grant("inspector", *_VIEW, "evidence.view_quarantine")
        grant("province_commander", "evidence.view_quarantine")
        grant("sysadmin", *_CHIEF)
        # Their own recordings only (ItemQuerySet.visible_to); they neither edit nor delete.
        grant("patrol_officer", "evidence.view_evidenceitem")
        ext.add_nav_item(
            ext.NavItem(
                _("Evidence alerts"),
                "evidence:quarantines",
                "shield-exclamation",
                "evidence.view_quarantine",
                order=32,
                section="operations",
            )
        )
        ext.add_periodic_job(
            ext.PeriodicJob(
                "evidence_fixity", _fixity, FIXITY_EVERY_SECONDS, label=_("Evidence fixity check")
            )
        )
        ext.add_periodic_job(
            ext.PeriodicJob("evidence_retention", _retention, 86400, label=_("Evidence retention"))
        )
        ext.add_periodic_job(
            ext.PeriodicJob(
                "evidence_deletion_summary",
                _weekly_summary,
                7 * 86400,
                label=_("Weekly evidence deletion summary"),
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Retention and deletions"),
                "evidence:retention",
                "trash3",
                "evidence.delete_evidenceitem",
                order=33,
                section="operations",
            )
        )
        ext.add_home_card(
            ext.HomeCard("evidence_deletions", "evidence/_home_card.html", _deletions_card, 30)
        )
        ext.add_demo_loader(ext.DemoLoader("evidence", _load_demo, order=70))
        for kind in ("incidents.incident", "complaints.complaint"):
            ext.add_record_panel(
                ext.RecordPanel(f"evidence:{kind}", kind, "evidence/_case_panel.html", _case_panel)
            )


FIXITY_EVERY_SECONDS = 3600


def _fixity() -> str | None:
    """One share of the store, so every original is read back within the fixity period."""
    from django.conf import settings

    from kalantar.evidence import fixity, services
    from kalantar.evidence.models import Original

    limit = fixity.share(
        Original.objects.count(),
        every_seconds=FIXITY_EVERY_SECONDS,
        period_days=settings.EVIDENCE_FIXITY_DAYS,
    )
    checked, failed = services.run_fixity(limit=limit)
    if failed:
        return f"fixity: {checked} originals checked, {failed} failed and quarantined"
    return None


def _retention() -> str | None:
    """Nightly: queue the items whose retention ended; delete the approved ones due."""
    from kalantar.evidence import services

    queued, done = services.queue_expired(), services.carry_out_due()
    if queued or done:
        return f"retention: {queued} items queued for deletion, {done} deleted"
    return None


def _weekly_summary() -> str | None:
    """Weekly: tell each station's chief what will be deleted in the coming week."""
    from kalantar.evidence import services

    told = services.weekly_summary()
    return f"retention: {told} stations told of the coming week's deletions" if told else None


NOTICE_SHOWN_DAYS = 8  # a weekly notice stays on the home page until the next one


def _deletions_card(user) -> dict | None:
    """The latest weekly notice of coming deletions, for the chief who approves them."""
    from django.utils import timezone

    from kalantar.evidence import selectors

    if not user.has_perm("evidence.delete_evidenceitem"):
        return None
    notice = selectors.latest_notice(user)
    if notice is None or notice.made_at < timezone.now() - timedelta(days=NOTICE_SHOWN_DAYS):
        return None
    return {"notice": notice}


def _load_demo(progress) -> None:
    from kalantar.evidence.demo import load

    load(progress)


def _case_panel(user, record) -> dict | None:
    from kalantar.evidence.redaction_views import case_panel

    return case_panel(user, record)
