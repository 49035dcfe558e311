from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kalantar.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.portal.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        _connect_public_counts()


def _connect_public_counts() -> None:
    """The public statistics' rollup (portal.rollup) follows every incident written."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_init, post_save

    from kalantar.core import extensions as ext
    from kalantar.incidents.signals import incidents_imported
    from kalantar.portal import rollup

    incident = apps.get_model("incidents", "Incident")
    post_init.connect(rollup.remember_key, sender=incident, dispatch_uid="portal-rollup-init")
    post_save.connect(rollup.on_save, sender=incident, dispatch_uid="portal-rollup-save")
    post_delete.connect(rollup.on_delete, sender=incident, dispatch_uid="portal-rollup-delete")
    incidents_imported.connect(rollup.on_incidents_imported, dispatch_uid="portal-rollup-import")
    ext.add_periodic_job(ext.PeriodicJob("public_counts", rollup.refresh_recent, 900))
    ext.add_demo_loader(ext.DemoLoader("public_counts", _rebuild_public_counts, order=95))


def _rebuild_public_counts(progress) -> None:
    from kalantar.portal import rollup

    progress(f"{rollup.refresh()} rows of closed-incident counts for the public statistics")
