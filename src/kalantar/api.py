"""The JSON API under /api/ (OpenAPI at /api/docs). Every endpoint needs a login or token."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from kalantar.alarms.api import router as alarms_router
from kalantar.analytics.api import router as analytics_router
from kalantar.complaints.api import router as complaints_router
from kalantar.core.api import refusal_detail
from kalantar.feedback.api import router as feedback_router
from kalantar.org.api import router as org_router
from kalantar.people.auth import API_AUTH
from kalantar.portal.api import router as portal_router
from kalantar.problems.api import router as problems_router
from kalantar.security_firms.api import router as security_firms_router

api = NinjaAPI(
    title="Kalantar API",
    version="1",
    description="Operations platform for police stations and outposts.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", org_router)
api.add_router("/", complaints_router)
api.add_router("/", analytics_router)
api.add_router("/", alarms_router)
api.add_router("/", problems_router)
api.add_router("/", security_firms_router)
api.add_router("/", portal_router)
api.add_router("/", feedback_router)


@api.exception_handler(ValidationError)
def service_refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Every service's refusal reaches API clients the same way: 422 and the messages by
    field, never a Python representation."""
    return api.create_response(request, {"detail": refusal_detail(error)}, status=422)
