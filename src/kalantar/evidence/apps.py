from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ("evidence.view_camera", "evidence.view_evidenceitem", "evidence.view_station_evidence")
_DESK = (*_VIEW, "evidence.change_camera", "evidence.add_evidenceitem")
_CHIEF = (*_DESK, "evidence.add_camera", "evidence.change_evidenceitem")


class EvidenceConfig(AppConfig):
    name = "kalantar.evidence"
    label = "evidence"
    verbose_name = _("Camera evidence")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.evidence.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.core import extensions as ext
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
        grant("inspector", *_VIEW)
        grant("sysadmin", *_CHIEF)
        # Their own recordings only (ItemQuerySet.visible_to); they neither edit nor delete.
        grant("patrol_officer", "evidence.view_evidenceitem")
