from django.urls import path

from kalantar.org import views

app_name = "org"
urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/import/", views.jurisdiction_import, name="jurisdiction_import"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
]
