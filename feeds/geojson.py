"""Facilities as an RFC 7946 FeatureCollection, for CAD and GIS premise-information layers."""

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse

from agencies.models import Facility

GEOJSON_MEDIA_TYPE = "application/geo+json"


def _geometry(facility: Facility) -> dict[str, Any] | None:
    """A Point in WGS 84 as [longitude, latitude]; null (RFC 7946 §3.2: an unlocated feature) without both."""
    if facility.latitude is None or facility.longitude is None:
        return None
    return {"type": "Point", "coordinates": [float(facility.longitude), float(facility.latitude)]}


def facility_feature(facility: Facility, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One building as a Feature; `current_plans` holds only plans the reader may see (feeds.selectors)."""
    plans = getattr(facility, "current_plans", [])
    return {
        "type": "Feature",
        "id": facility.pk,
        "geometry": _geometry(facility),
        "properties": {
            "id": facility.pk,
            "name": facility.name,
            "kind": facility.kind,
            "owner_agency": {"id": facility.owner_agency_id, "name": facility.owner_agency.name},
            "address": facility.address,
            "url": absolute(reverse("agencies:facility-detail", args=[facility.pk])),
            "current_plans": [
                {
                    "id": plan.pk,
                    "title": plan.title,
                    "version": plan.current_version.number,
                    "published_at": plan.current_version.published_at.isoformat()
                    if plan.current_version.published_at
                    else None,
                    "url": absolute(reverse("plans:detail", args=[plan.pk])),
                }
                for plan in plans
                if plan.current_version is not None
            ],
        },
    }


def feature_collection(facilities: Iterable[Facility], absolute: Callable[[str], str]) -> dict[str, Any]:
    """Every building the reader may see; those without coordinates carry a null geometry rather than vanish."""
    return {"type": "FeatureCollection", "features": [facility_feature(f, absolute) for f in facilities]}
