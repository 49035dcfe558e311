"""Open311 GeoReport v2, mounted at /open311/v2/; the suffix (.json or .xml) picks the format."""

from django.urls import re_path

from kalantar.complaints import open311

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(rf"^discovery{FMT}", open311.discovery, name="discovery"),
    re_path(rf"^services{FMT}", open311.service_list, name="services"),
    re_path(rf"^services/(?P<code>[-\w]+){FMT}", open311.service_definition, name="service"),
    re_path(rf"^requests{FMT}", open311.request_list, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/.]+){FMT}", open311.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/.]+){FMT}", open311.token_detail, name="token"),
    re_path(r"^(?P<path>.*)$", open311.not_found),
]
