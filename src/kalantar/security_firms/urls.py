from django.urls import path  # noqa: F401

from kalantar.security_firms import field_urls

app_name = "security_firms"

urlpatterns: list = []
urlpatterns += field_urls.urlpatterns
