from django.urls import path

from kalantar.incidents import views

app_name = "incidents"
urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/new/", views.incident_new, name="new"),
    path("incidents/import/", views.import_page, name="import"),
    path("incidents/board/", views.board, name="board"),
    path("incidents/dispatches/<int:pk>/on-scene/", views.on_scene, name="on_scene"),
    path("incidents/dispatches/<int:pk>/clear/", views.clear, name="clear"),
    path("incidents/units/<int:pk>/status/", views.unit_status, name="unit_status"),
    path("incidents/<str:number>/", views.incident_detail, name="detail"),
    path("incidents/<str:number>/dispatch/", views.dispatch, name="dispatch"),
    path("incidents/<str:number>/close/", views.close, name="close"),
]
