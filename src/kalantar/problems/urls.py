from django.urls import path

from kalantar.problems import views

app_name = "problems"
urlpatterns = [
    path("problems/", views.problem_list, name="list"),
    path("problems/new/", views.new, name="new"),
    path("problems/agencies/", views.agencies, name="agencies"),
    path("problems/agencies/new/", views.agency_new, name="agency_new"),
    path("problems/responsiveness/", views.responsiveness, name="responsiveness"),
    path("problems/referrals/<str:reference>/", views.referral, name="referral"),
    path("problems/referrals/<str:reference>/letter/", views.letter, name="letter"),
    path("problems/referrals/<str:reference>/close/", views.close_referral, name="close_referral"),
    path("problems/<str:number>/", views.detail, name="detail"),
    path("problems/<str:number>/analysis/", views.analysis, name="analysis"),
    path("problems/<str:number>/response/", views.response_period, name="response_period"),
    path("problems/<str:number>/actions/", views.add_action, name="add_action"),
    path("problems/<str:number>/actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("problems/<str:number>/refer/", views.refer, name="refer"),
    path("problems/<str:number>/assess/", views.assess, name="assess"),
    path("problems/<str:number>/close/", views.close, name="close"),
    # Public: printed as a QR on the letter, and the agency's answer link.
    path("referral/answer/<str:token>/", views.answer, name="answer"),
    path("referral/answer/<str:token>/files/<int:pk>/", views.answer_file, name="answer_file"),
    # By a random token: the sequential reference alone opens nothing.
    path("referral/status/<str:token>/", views.public_status, name="public_status"),
]
