from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from kalantar.api import api
from kalantar.core import views as core_views
from kalantar.portal import views as portal_views

admin.site.site_header = admin.site.site_title = _("Kalantar administration")
admin.site.index_title = _("Administration")

urlpatterns = [
    # Citizens get their landing page at the root, staff their home page.
    path("", portal_views.front_door, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # The citizens' pages come first: they are the busiest, and every pattern tried before
    # the one that matches costs each request (their prefixes are theirs alone).
    path("", include("kalantar.portal.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("kalantar.people.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("open311/v2/", include("kalantar.complaints.open311.urls")),
    path("", include("kalantar.org.urls")),
    path("", include("kalantar.complaints.urls")),
    path("", include("kalantar.incidents.urls")),
    path("", include("kalantar.alarms.urls")),
    path("", include("kalantar.analytics.urls")),
    path("", include("kalantar.evidence.urls")),
    path("", include("kalantar.security_firms.urls")),
    path("", include("kalantar.problems.urls")),
    path("", include("kalantar.inspection.urls")),
    path("", include("kalantar.transformation.urls")),
    path("", include("kalantar.community.urls")),
    path("", include("kalantar.feedback.urls")),
    path("", include("kalantar.portal.transparency_urls")),
    path("", include("kalantar.core.urls")),
]
