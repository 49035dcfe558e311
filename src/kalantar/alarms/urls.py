from django.urls import path

from kalantar.alarms import views

app_name = "alarms"
urlpatterns = [
    path("alarms/", views.console, name="console"),
    path("alarms/queue/", views.queue_rows, name="queue_rows"),
    path("alarms/stream/", views.stream, name="stream"),
    path("alarms/subscribers/", views.subscriber_list, name="subscribers"),
    path("alarms/subscribers/<int:pk>/", views.subscriber_detail, name="subscriber"),
    path("alarms/parked/", views.parked_list, name="parked"),
    path("alarms/parked/<int:seq>/replay/", views.parked_replay, name="parked_replay"),
    path("alarms/parked/<int:seq>/drop/", views.parked_drop, name="parked_drop"),
    path("alarms/<int:pk>/", views.detail, name="detail"),
    path("alarms/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alarms/<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("alarms/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("alarms/<int:pk>/action/", views.log_action, name="action"),
]
