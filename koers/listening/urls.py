"""URLs of the listening section (namespace "listening"); `index` is the navigation target."""

from __future__ import annotations

from django.urls import path

from koers.core import views as core_views

app_name = "listening"
urlpatterns = [
    # Replaced by the app's own index view once the section is built.
    path("", core_views.section, {"key": "listening"}, name="index"),
]
