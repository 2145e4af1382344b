"""URLs under /w/<slug>/settings/privacy/ (included with the namespace "privacy")."""

from __future__ import annotations

from django.urls import path

from koers.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.register, name="register"),
    path("person/", views.person, name="person"),
    path("person/export/", views.export, name="export"),
    path("person/erase/", views.erase, name="erase"),
]
