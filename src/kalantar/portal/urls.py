from django.urls import path

from kalantar.complaints.receipts import RECEIPT_PATH, WELL_KNOWN_PATH
from kalantar.portal import views

app_name = "portal"
urlpatterns = [
    path("complaint/", views.file_complaint, name="file"),
    path("complaint/confirm/", views.confirm, name="confirm"),
    path("complaint/receipt/<str:code>/", views.receipt, name="receipt"),
    path("complaint/jurisdictions/", views.jurisdictions_geojson, name="jurisdictions_geojson"),
    path("complaint/locate/", views.locate, name="locate"),
    path("complaint/places/", views.places, name="places"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
    path("help/", views.help_page, name="help"),
    path("receipt/", views.check_receipt, name="check_receipt"),
    # Printed on paper as QR codes: these two paths never change.
    path(f"{RECEIPT_PATH.strip('/')}/<str:code>", views.verify_receipt, name="verify_receipt"),
    path(WELL_KNOWN_PATH.lstrip("/"), views.receipt_key, name="receipt_key"),
]
