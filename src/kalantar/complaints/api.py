from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from kalantar.complaints import selectors, services, workflow
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Complaint
from kalantar.core.api import Page, responses

router = Router(tags=["complaints"])


class ComplaintOut(Schema):
    tracking_code: str
    channel: str
    category: str
    unit: str
    status: str
    summary: str
    filed_at: datetime
    incident_at: datetime
    first_action_due: datetime
    closure_due: datetime
    assigned_to: str | None
    overdue: bool
    # Who filed it, as a stable pseudonym: enough to see repeat complainants, no identity.
    complainant_pseudonym: str

    # Resolvers let pagination slice the queryset instead of converting every row.
    @staticmethod
    def resolve_category(c: Complaint) -> str:
        return c.category.code

    @staticmethod
    def resolve_unit(c: Complaint) -> str:
        return c.unit.code

    @staticmethod
    def resolve_assigned_to(c: Complaint) -> str | None:
        return c.assigned_to.username if c.assigned_to_id else None

    @staticmethod
    def resolve_complainant_pseudonym(c: Complaint) -> str:
        return c.complainant_pseudonym_id

    @staticmethod
    def resolve_overdue(c: Complaint) -> bool:
        return c.is_overdue()


class ComplaintIn(Schema):
    category: str
    # The channel follows the credential: a staff session or token files at the desk (Open311
    # applications file through /open311/). Kept in the schema only to refuse another value.
    channel: str = Complaint.Channel.DESK
    incident_at: datetime
    summary: str
    narrative: str
    lat: float | None = None
    lon: float | None = None
    location_text: str = ""
    complainant_name: str = ""
    national_code: str = ""
    mobile: str = ""
    complainant_address: str = ""
    is_anonymous: bool = False
    accused_officer: str = ""
    station: str | None = None
    override_reason: str = ""


class StatusIn(Schema):
    status: str
    note: str = ""
    reason: str = ""


class QueueQuery(Schema):
    status: str = workflow.ALL_OPEN
    category: str = ""
    officer: str = ""
    overdue: bool = False
    q: str = ""
    unit: str = ""


def _require(request: HttpRequest, perm: str) -> None:
    if not request.auth.has_perm(perm):
        raise HttpError(403, _("Your role does not allow this."))


@router.get(
    "/complaints", response=responses(list[ComplaintOut], 403), summary="Complaints in your scope"
)
@paginate(Page)
def list_complaints(request: HttpRequest, filters: Query[QueueQuery]):
    _require(request, "complaints.view_complaint")
    try:
        return selectors.queue(request.auth, selectors.QueueFilters(**filters.dict()))
    except selectors.IdentitySearchRefused as refused:
        raise HttpError(403, str(refused)) from refused


@router.get(
    "/complaints/{code}", response=responses(ComplaintOut, 403, 404), summary="One complaint"
)
def get_complaint(request: HttpRequest, code: str):
    _require(request, "complaints.view_complaint")
    complaint = selectors.detail(request.auth, code)
    if complaint is None:
        raise HttpError(404, _("No such complaint in your units."))
    return complaint


@router.post(
    "/complaints",
    response=responses(ComplaintOut, 400, 403, status=201),
    summary="File a complaint",
)
def create_complaint(request: HttpRequest, payload: ComplaintIn):
    _require(request, "complaints.add_complaint")
    if payload.channel != Complaint.Channel.DESK:
        raise HttpError(
            422,
            _(
                "The channel follows your credential: complaints filed with a staff session or "
                "token are desk complaints."
            ),
        )
    category = selectors.active_category(payload.category)
    if category is None:
        raise HttpError(422, _("Unknown category."))
    station = None
    if payload.station:
        station = selectors.desk_station(request.auth, payload.station)
        if station is None:
            raise HttpError(422, _("Unknown station."))
    fields = payload.dict(exclude={"category", "station", "channel"})
    complaint = services.file_complaint(
        by=request.auth,
        channel=Complaint.Channel.DESK,
        draft=ComplaintDraft(category=category, station=station, **fields),
    )
    return Status(201, complaint)


@router.post(
    "/complaints/{code}/status",
    response=responses(ComplaintOut, 400, 403, 404),
    summary="Change the status",
)
def change_status(request: HttpRequest, code: str, payload: StatusIn):
    _require(request, "complaints.change_complaint")
    complaint = selectors.detail(request.auth, code)
    if complaint is None:
        raise HttpError(404, _("No such complaint in your units."))
    complaint = services.change_status(
        by=request.auth,
        complaint=complaint,
        to_status=payload.status,
        note=payload.note,
        reason=payload.reason,
    )
    return selectors.detail(request.auth, code)
