from django.urls import path

from kalantar.community import views

app_name = "community"
urlpatterns = [
    path("community/volunteers/", views.volunteers, name="volunteers"),
    path("community/volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("community/volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("community/volunteers/<int:pk>/check/", views.check_request, name="check_request"),
    path("community/volunteers/<int:pk>/answer/", views.check_answer, name="check_answer"),
    path("community/volunteers/<int:pk>/assign/", views.assign, name="assign"),
    path("community/volunteers/<int:pk>/hours/", views.hours_add, name="hours_add"),
    path("community/volunteers/<int:pk>/recognise/", views.recognise, name="recognise"),
    path("community/groups/", views.groups, name="groups"),
    path("community/groups/<int:pk>/", views.group_detail, name="group"),
    path("community/neighbourhoods/new/", views.neighbourhood_new, name="neighbourhood_new"),
    path("community/hours/", views.hours_ledger, name="hours"),
    path("community/hours/<int:pk>/decide/", views.hours_decide, name="hours_decide"),
    path("community/training/", views.sessions, name="sessions"),
    path("community/training/<int:pk>/", views.session_detail, name="session"),
    path("community/alerts/", views.alerts, name="alerts"),
    path("community/alerts/new/", views.alert_new, name="alert_new"),
    path("community/alerts/preview/", views.alert_preview, name="alert_preview"),
    path("community/reports/", views.reports, name="reports"),
    path("community/reports/<int:pk>/", views.report_detail, name="report"),
    path("community/me/", views.me, name="me"),
    path("community/me/hours/", views.me_hours, name="me_hours"),
    path("community/me/report/", views.me_report, name="me_report"),
    # Public: residents and shopkeepers.
    path("alerts/subscribe/", views.subscribe, name="subscribe"),
    path("alerts/stop/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("safety-report/", views.public_report, name="public_report"),
]
