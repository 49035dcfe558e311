from django.urls import path

from kalantar.feedback import views

app_name = "feedback"
urlpatterns = [
    path("feedback/desk/", views.desk, name="desk"),
    path("feedback/messages/<int:pk>/", views.message, name="message"),
    path("feedback/messages/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("feedback/messages/<int:pk>/close/", views.close, name="close"),
    path("feedback/messages/<int:pk>/callback/", views.callback, name="callback"),
    path("feedback/dashboard/", views.dashboard, name="dashboard"),
    path("feedback/report-card/", views.report_card, name="report_card"),
    path("feedback/neighbourhoods/", views.neighbourhoods, name="neighbourhoods"),
    path("feedback/neighbourhoods/<int:pk>/", views.neighbourhood, name="neighbourhood"),
    path("safety/<str:token>/", views.safety, name="safety"),
    path("197/", views.public_form, name="public"),
    path("survey/<str:token>/", views.survey, name="survey"),
]
