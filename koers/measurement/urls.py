"""URLs of the measurement section (namespace "measurement"); `index` is the navigation target."""

from __future__ import annotations

from django.urls import path

from koers.core import views as core_views

app_name = "measurement"
urlpatterns = [
    # Replaced by the app's own index view once the section is built.
    path("", core_views.section, {"key": "measurement"}, name="index"),
]
