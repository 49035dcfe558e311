from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kalantar.org import geo_cache
from kalantar.org.models import Jurisdiction, Unit


@receiver([post_save, post_delete], sender=Jurisdiction)
@receiver([post_save, post_delete], sender=Unit)
def _jurisdictions_changed(**kwargs) -> None:
    # Dropped now for this transaction's own look-ups, and again at the commit: another
    # request may rebuild the index in between from the areas before the change.
    geo_cache.invalidate()
    transaction.on_commit(geo_cache.invalidate)
