from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kalantar.org import geo_cache
from kalantar.org.models import Jurisdiction, Unit


@receiver([post_save, post_delete], sender=Jurisdiction)
@receiver([post_save, post_delete], sender=Unit)
def _jurisdictions_changed(**kwargs) -> None:
    geo_cache.invalidate()
