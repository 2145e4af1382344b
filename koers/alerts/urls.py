"""URLs under /w/<slug>/alerts/ (included with the namespace "alerts")."""

from __future__ import annotations

from django.urls import path

from koers.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:event_id>/", views.event_detail, name="event"),
    path("<int:event_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_new, name="rule-new"),
    path("rules/<int:rule_id>/edit/", views.rule_edit, name="rule-edit"),
    path("rules/<int:rule_id>/enabled/", views.rule_enabled, name="rule-enabled"),
    path("rules/<int:rule_id>/delete/", views.rule_delete, name="rule-delete"),
]
