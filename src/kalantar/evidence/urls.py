from django.urls import path

from kalantar.evidence import redaction_views, signing, views

app_name = "evidence"
urlpatterns = [
    path("evidence/", views.item_list, name="items"),
    path("evidence/desk/", views.desk, name="desk"),
    path("evidence/desk/act/", views.desk_act, name="desk_act"),
    path("evidence/items/<int:pk>/", views.item_detail, name="item"),
    path("evidence/items/<int:pk>/change/", views.item_change, name="item_change"),
    path("evidence/items/<int:pk>/download/", views.item_download, name="item_download"),
    path("evidence/uploads/", views.uploads, name="uploads"),
    path("evidence/uploads/<str:upload_id>", views.upload, name="upload"),
    path("evidence/retention/", views.retention_page, name="retention"),
    path("evidence/retention/holds/", views.hold_place, name="hold_place"),
    path("evidence/retention/holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("evidence/retention/deletions/<int:pk>/", views.deletion_act, name="deletion_act"),
    path("evidence/alerts/", views.quarantines, name="quarantines"),
    path(signing.WELL_KNOWN_PATH.lstrip("/"), views.evidence_key, name="evidence_key"),
    path(
        "evidence/items/<int:pk>/links/<int:link_pk>/",
        views.link_decide,
        name="link_decide",
    ),
    path("evidence/items/<int:pk>/custody.pdf", views.item_custody_pdf, name="item_custody_pdf"),
    path("evidence/items/<int:pk>/play/", views.item_play, name="item_play"),
    path("evidence/items/<int:pk>/stream/", views.item_stream, name="item_stream"),
    path("evidence/items/<int:pk>/share/", views.item_share, name="item_share"),
    path("evidence/shares/<int:pk>/revoke/", views.share_revoke, name="share_revoke"),
    path("evidence/shared/<str:token>/", views.shared, name="shared"),
    path("evidence/shared/<str:token>/file/", views.shared_file, name="shared_file"),
    path("evidence/items/<int:pk>/redact/", redaction_views.item_redact, name="item_redact"),
    path("evidence/items/<int:pk>/frame/", redaction_views.item_frame, name="item_frame"),
    path(
        "evidence/incidents/<str:number>/export/",
        redaction_views.incident_export,
        name="incident_export",
    ),
    path(
        "evidence/complaints/<str:code>/export/",
        redaction_views.complaint_export,
        name="complaint_export",
    ),
]
