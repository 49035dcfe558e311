"""The site's pages plus one that fails, to see how a server error is logged."""

from django.urls import path

from kalantar.urls import urlpatterns as site


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken), *site]
