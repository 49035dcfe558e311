"""Open311 GeoReport v2, mounted at /open311/v2/; the suffix (.json or .xml) picks the format."""

from django.urls import re_path

from kalantar.complaints.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[-\w]+){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.request_list, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/.]+){FMT}", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/.]+){FMT}", views.token_detail, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
