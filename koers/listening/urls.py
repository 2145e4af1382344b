"""URLs under /w/<slug>/listening/ (included with the namespace "listening")."""

from __future__ import annotations

from django.urls import path

from koers.listening import views

app_name = "listening"
urlpatterns = [
    path("", views.index, name="index"),
    path("topics/new/", views.topic_new, name="topic-new"),
    path("topics/test/", views.query_test, name="query-test"),
    path("topics/<int:topic_id>/", views.topic_detail, name="topic"),
    path("topics/<int:topic_id>/edit/", views.topic_edit, name="topic-edit"),
    path("topics/<int:topic_id>/delete/", views.topic_delete, name="topic-delete"),
    path("topics/<int:topic_id>/influencer/", views.influencer_add, name="influencer-add"),
    path("mentions/", views.mentions, name="mentions"),
    path("mentions/export.csv", views.mentions_export, {"fmt": "csv"}, name="export-csv"),
    path("mentions/export.jsonl", views.mentions_export, {"fmt": "jsonl"}, name="export-jsonl"),
    path("mentions/<int:mention_id>/sentiment/", views.mention_sentiment, name="sentiment"),
    path("sentiment/", views.sentiment_model, name="sentiment-model"),
    path("sentiment/settings/", views.sentiment_settings, name="sentiment-settings"),
    path("sentiment/train/", views.sentiment_train, name="sentiment-train"),
    path("sources/", views.sources, name="sources"),
    path("sources/import/", views.import_upload, name="import"),
    path("sources/import/columns/", views.import_map, name="import-map"),
    path("sources/new/", views.source_new, name="source-new"),
    path("sources/<int:source_id>/edit/", views.source_edit, name="source-edit"),
    path("sources/<int:source_id>/pause/", views.source_pause, name="source-pause"),
    path("sources/<int:source_id>/delete/", views.source_delete, name="source-delete"),
]
