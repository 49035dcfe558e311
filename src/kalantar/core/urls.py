from django.urls import path

from kalantar.core import file_views, tile_views, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/retry/", views.task_retry, name="task_retry"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("map/tiles.pmtiles", tile_views.pmtiles, name="pmtiles"),
    path("files/<slug:kind>/<int:pk>/", file_views.attachment, name="attachment"),
]
