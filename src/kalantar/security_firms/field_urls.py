"""Addresses of guard tours, guards' reports and reviews (included by the app's urls)."""

from django.urls import path

from kalantar.security_firms import field_views as views

urlpatterns = [
    path("guards/phone/", views.phone, name="phone"),
    path("guards/phone/report/", views.phone_report, name="phone_report"),
    path("guards/phone/<str:token>/", views.phone_link, name="phone_link"),
    path("guards/scan/", views.scan, name="scan"),
    path("guards/checkpoints/<int:pk>/screen/", views.checkpoint_screen, name="checkpoint_screen"),
    path("guards/sites/<int:pk>/tours/", views.site_tours, name="site_tours"),
    path("guards/sites/<int:pk>/setup/", views.site_setup, name="site_setup"),
    path("guards/institution/guards/<int:pk>/phone/", views.issue_phone_link, name="issue_phone"),
    path("guards/reports/", views.station_reports, name="station_reports"),
    path("guards/reports/<int:pk>/", views.report_detail, name="report"),
    path("guards/institution/reports/", views.institution_reports, name="institution_reports"),
    path("guards/reviews/", views.review_list, name="reviews"),
    path("guards/reviews/<int:pk>/", views.review_detail, name="review"),
    path("guards/guards/<int:pk>/history/", views.guard_history, name="guard_history"),
]
