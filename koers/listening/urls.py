"""URLs under /w/<slug>/listening/ (included with the namespace "listening"); `index` is the nav target."""

from __future__ import annotations

from django.urls import path

from koers.core import views as core_views

app_name = "listening"
urlpatterns = [
    # Replaced by the app's own index view once the section is built.
    path("", core_views.section, {"key": "listening"}, name="index"),
]
