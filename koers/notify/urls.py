"""URLs under /w/<slug>/settings/notifications/ (included with the namespace "notify")."""

from __future__ import annotations

from django.urls import path

from koers.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.destinations, name="destinations"),
    path("<int:destination_id>/edit/", views.destination_edit, name="destination-edit"),
    path("<int:destination_id>/delete/", views.destination_delete, name="destination-delete"),
    path("<int:destination_id>/test/", views.destination_test, name="destination-test"),
    path("mine/", views.mine, name="mine"),
]
