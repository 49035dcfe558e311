from django.urls import path

from kalantar.complaints import views

app_name = "complaints"
urlpatterns = [
    path("complaints/", views.queue, name="queue"),
    path("complaints/new/", views.desk_new, name="new"),
    path("complaints/dashboard/", views.dashboard, name="dashboard"),
    path("complaints/assign/", views.assign, name="assign"),
    path("complaints/complainant/", views.complainant_lookup, name="complainant_lookup"),
    path("complaints/validate/<str:field>/", views.validate_field, name="validate_field"),
    path("complaints/<str:code>/", views.detail, name="detail"),
    path("complaints/<str:code>/receipt/", views.receipt, name="receipt"),
    path("complaints/<str:code>/status/", views.change_status, name="change_status"),
]
