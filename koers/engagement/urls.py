"""URLs under /w/<slug>/inbox/ (included with the namespace "engagement")."""

from __future__ import annotations

from django.urls import path

from koers.engagement import views

app_name = "engagement"
urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.settings, name="settings"),
    path("add/<int:mention_id>/", views.add, name="add"),
    path("<int:item_id>/", views.item, name="item"),
    path("<int:item_id>/assign/", views.assign, name="assign"),
    path("<int:item_id>/close/", views.close, name="close"),
    path("<int:item_id>/reopen/", views.reopen, name="reopen"),
    path("<int:item_id>/answered/", views.answered, name="answered"),
    path("<int:item_id>/note/", views.note, name="note"),
    path("<int:item_id>/reply/", views.reply, name="reply"),
    path(
        "<int:item_id>/moderate/<str:action>/",
        views.moderate,
        name="moderate",
    ),
    path("<int:item_id>/replies/<int:reply_id>/retry/", views.reply_retry, name="reply-retry"),
    path(
        "<int:item_id>/moderations/<int:moderation_id>/retry/",
        views.moderation_retry,
        name="moderation-retry",
    ),
]
