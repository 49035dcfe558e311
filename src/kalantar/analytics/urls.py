from django.urls import path

from kalantar.analytics import views

app_name = "analytics"
urlpatterns = [
    path("analytics/morning/", views.morning, name="morning"),
    path("analytics/compstat/", views.compstat_page, name="compstat"),
    path(
        "analytics/compstat/export.<str:fmt>",
        views.compstat_export,
        name="compstat_export",
    ),
    path("analytics/hotspots/", views.hotspot_page, name="hotspots"),
    path("analytics/hotspots/data/", views.hotspot_data, name="hotspot_data"),
    path("analytics/surges/", views.surge_list, name="surges"),
    path("analytics/surges/<int:pk>/close/", views.surge_close, name="surge_close"),
]
