"""What Open311 reads: provinces, categories and the complaints its readers may see."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from kalantar.complaints import workflow
from kalantar.complaints.models import Category, Complaint, ComplaintEvent, Open311Key
from kalantar.complaints.open311.errors import Open311Error
from kalantar.complaints.open311.parsing import MAX_REQUESTS, RequestFilter
from kalantar.core.replicas import reads_from_replica
from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Unit


def province(code: str) -> Unit | None:
    """The province a `jurisdiction_id` names (None when none is given); 404 when unknown."""
    if not code:
        return None
    found = Unit.objects.filter(code=code.upper(), kind=Unit.Kind.PROVINCE, is_active=True).first()
    if found is None:
        raise Open311Error(
            404,
            _("jurisdiction_id “%(id)s” was not found; use the code of a province.") % {"id": code},
        )
    return found


def is_outside(province: Unit | None, lat: float, lon: float) -> bool:
    """Whether the place lies in a station's jurisdiction outside `province`."""
    if province is None:
        return False
    station = locate_unit(lon, lat)
    return station is not None and not station.path.startswith(province.path)


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("sort_order", "code")


def category(code: str) -> Category:
    """The active category of a `service_code`: 400 when none is given, 404 when unknown."""
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    found = Category.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise Open311Error(404, _("service_code “%(code)s” was not found.") % {"code": code})
    return found


def _never_in_open311() -> Q:
    """Complaints about officers: routed to inspection, or naming an officer, whatever their
    category. Not even the application that filed one reads them here."""
    return (
        Q(category__route=Category.Route.INSPECTION)
        | Q(unit__kind=Unit.Kind.INSPECTION)
        | ~Q(accused_officer="")
    )


def public_requests(
    province: Unit | None = None, key: Open311Key | None = None
) -> QuerySet[Complaint]:
    """Complaints as Open311 readers see them, newest first: those of publishable categories,
    and with `key` also those that key filed."""
    readable = Q(category__publishable=True)
    if key is not None:
        readable |= Q(open311_key=key)
    # Only citizen-visible events count: for a closed request the last one is its closing.
    last_public = (
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"), public=True)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    rows = (
        Complaint.objects.select_related("category", "unit")
        .filter(readable)
        .exclude(_never_in_open311())
        .annotate(public_updated_at=Subquery(last_public))
        .order_by("-filed_at")
    )
    if province is not None:
        rows = rows.filter(unit__path__startswith=province.path)
    return rows


@reads_from_replica()
def request_list(province: Unit | None, wanted: RequestFilter) -> list[Complaint]:
    """The public requests a list call asks for, at most MAX_REQUESTS."""
    rows = public_requests(province)
    if wanted.ids:
        rows = rows.filter(open311_id__in=wanted.ids)
    else:
        if wanted.codes:
            rows = rows.filter(category__code__in=wanted.codes)
        if wanted.open is not None:
            open_ = Q(status__in=workflow.OPEN_STATUSES)
            rows = rows.filter(open_ if wanted.open else ~open_)
        rows = rows.filter(filed_at__gte=wanted.start)
        if wanted.end is not None:
            rows = rows.filter(filed_at__lte=wanted.end)
    return list(rows[:MAX_REQUESTS])


@reads_from_replica()
def one_request(request_id: str, *, province: Unit | None, key: Open311Key | None) -> Complaint:
    """One request its reader may see (with `key`, also one that key filed); 404 otherwise."""
    rows = public_requests(province, key=key)
    complaint = rows.filter(open311_id=request_id.lower()).first()
    if complaint is None:
        raise Open311Error(404, _("Service request %(id)s was not found.") % {"id": request_id})
    return complaint
