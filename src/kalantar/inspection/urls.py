from django.urls import path

from kalantar.inspection import views

app_name = "inspection"
urlpatterns = [
    path("inspection/", views.desk, name="desk"),
    path("inspection/cases/new/", views.open_case, name="open"),
    path("inspection/cases/<int:pk>/", views.case, name="case"),
    path("inspection/cases/<int:pk>/step/", views.case_step, name="step"),
    path("inspection/cases/<int:pk>/interview/", views.case_interview, name="interview"),
    path("inspection/cases/<int:pk>/document/", views.case_document, name="document"),
    path("inspection/cases/<int:pk>/footage/", views.case_footage, name="footage"),
    path("inspection/reviews/", views.reviews, name="reviews"),
    path("inspection/reviews/<int:pk>/", views.review, name="review"),
]
