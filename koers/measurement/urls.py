"""URLs under /w/<slug>/measure/ (included with the namespace "measurement")."""

from __future__ import annotations

from django.urls import path

from koers.measurement import views

app_name = "measurement"
urlpatterns = [
    path("", views.index, name="index"),
    path("kpis/", views.kpi_catalogue, name="catalogue"),
    path("posts/", views.posts, name="posts"),
    path("mentions/", views.mentions, name="mentions"),
    path("objectives/", views.objectives, name="objectives"),
    path("evaluate/", views.evaluate, name="evaluate"),
    path("evaluate/<int:objective_id>/", views.evaluate_objective, name="evaluate-objective"),
    path("inputs/", views.inputs, name="inputs"),
    path("inputs/add/", views.input_add, name="input-add"),
    path("inputs/import/", views.input_import, name="input-import"),
    path("inputs/<int:entry_id>/delete/", views.input_delete, name="input-delete"),
    path("report/", views.report_view, name="report"),
    path("report/schedules/", views.schedule_add, name="schedule-add"),
    path(
        "report/schedules/<int:schedule_id>/delete/",
        views.schedule_delete,
        name="schedule-delete",
    ),
]
