from django.urls import path

from kalantar.security_firms import assessment_views, field_urls, views
from kalantar.security_firms.card import WELL_KNOWN_PATH

app_name = "security_firms"

urlpatterns = [
    path("guards/desk/", views.desk, name="desk"),
    path("guards/desk/bulk/", views.desk_bulk, name="desk_bulk"),
    path("guards/", views.guards, name="guards"),
    path("guards/apply/", views.apply, name="apply"),
    path("guards/<int:pk>/", views.guard_detail, name="guard"),
    path("guards/<int:pk>/act/", views.guard_act, name="guard_act"),
    path("guards/<int:pk>/card/", views.licence_card, name="card"),
    path("guards/<int:pk>/photo/", views.guard_photo, name="photo"),
    path("guards/on-duty/", views.on_duty, name="on_duty"),
    path("guards/on-duty/map.json", views.on_duty_map, name="on_duty_map"),
    path("guards/check/", views.check, name="check"),
    path("guards/check/photo/<str:number>/", views.check_photo, name="check_photo"),
    path(WELL_KNOWN_PATH.lstrip("/"), views.card_key, name="card_key"),
    path("guards/indicators/", assessment_views.indicators, name="indicators"),
    path("guards/institutions/", assessment_views.institutions, name="institutions"),
    path("guards/institutions/<int:pk>/", assessment_views.institution, name="institution"),
    path(
        "guards/institutions/<int:pk>/assess/",
        assessment_views.open_assessment,
        name="open_assessment",
    ),
    path(
        "guards/institutions/<int:pk>/sanction/",
        assessment_views.impose_sanction,
        name="impose_sanction",
    ),
    path("guards/sanctions/<int:pk>/lift/", assessment_views.lift_sanction, name="lift_sanction"),
    path("guards/assessments/<int:pk>/", assessment_views.assessment, name="assessment"),
]
urlpatterns += field_urls.urlpatterns
