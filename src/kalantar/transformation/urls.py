from django.urls import path

from kalantar.transformation import views

app_name = "transformation"
urlpatterns = [
    path("transformation/", views.progress, name="progress"),
    path("transformation/units/<str:code>/", views.progress, name="unit"),
    path("transformation/framework/", views.framework, name="framework"),
    path("transformation/framework/add/<str:kind>/", views.framework_add, name="framework_add"),
    path("transformation/framework/copy/", views.framework_copy, name="framework_copy"),
    path(
        "transformation/framework/<str:kind>/<int:pk>/<str:action>/",
        views.framework_change,
        name="framework_change",
    ),
    path("transformation/enrol/", views.enrol, name="enrol"),
    path("transformation/stations/<str:code>/", views.station, name="station"),
    path("transformation/stations/<str:code>/self/", views.self_assessment, name="self"),
    path("transformation/stations/<str:code>/survey/", views.survey_links, name="survey_links"),
    path("transformation/stations/<str:code>/assess/", views.assessment_start, name="assess_start"),
    path(
        "transformation/figures/<str:code>/<str:station_code>/<str:month>/",
        views.figure,
        name="figure",
    ),
    path("transformation/assessments/<int:pk>/", views.assessment, name="assessment"),
    path("transformation/assessments/<int:pk>/grade/", views.assessment_grade, name="grade"),
    path("transformation/assessments/<int:pk>/finding/", views.assessment_finding, name="finding"),
    path(
        "transformation/assessments/<int:pk>/complete/",
        views.assessment_complete,
        name="complete",
    ),
    path("transformation/findings/<int:pk>/follow-up/", views.finding_follow_up, name="follow_up"),
    path("programme-survey/<str:token>/", views.survey_answer, name="survey"),
]
