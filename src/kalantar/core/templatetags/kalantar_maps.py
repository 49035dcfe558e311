"""The maps' shared tools: base layer settings and the place search box, one partial for all."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from kalantar.core.tile_views import pmtiles_path

register = template.Library()


@register.inclusion_tag("core/_map_tools.html", takes_context=True)
def map_tools(
    context: template.Context, map_id: str, places_url: str, public: bool = False
) -> dict[str, Any]:
    """The search box and base-layer settings of the map whose element id is `map_id`.

    `places_url` answers the labels (no query) and the search (`?q=`): the staff API, or
    the citizens' one that names units only (`public`: the box then promises no addresses).
    """
    return {
        "map_id": map_id,
        "places_url": places_url,
        "public": public,
        "tiles_url": settings.MAP_TILES_URL,
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "pmtiles_url": reverse("core:pmtiles") if pmtiles_path() else "",
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE", ""),
    }
