from django.urls import path

from kalantar.people import views

app_name = "people"
urlpatterns = [
    path("account/verify/", views.verify, name="verify"),
    path("account/enrol/", views.enrol, name="enrol"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/two-factor/", views.security, name="security"),
    path("account/two-factor/renew/", views.renew_recovery_codes, name="renew_recovery_codes"),
    path("people/officers/", views.officer_list, name="officers"),
    path("people/officers/me/", views.my_record, name="my_record"),
    path("people/officers/<int:pk>/", views.officer_record, name="officer"),
]
