"""URLs under /w/<slug>/calendar/ (namespace "publishing"); `index` is the nav target."""

from __future__ import annotations

from django.urls import path

from koers.publishing import connect_views, views

app_name = "publishing"
urlpatterns = [
    path("", views.index, name="index"),
    path("waiting/", views.waiting, name="waiting"),
    path("items/new/", views.item_edit, name="item-new"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/hashtags/", views.item_hashtags, name="item-hashtags"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:item_id>/submit/", views.item_submit, name="item-submit"),
    path("items/<int:item_id>/approve/", views.item_approve, name="item-approve"),
    path("items/<int:item_id>/reject/", views.item_reject, name="item-reject"),
    path("items/<int:item_id>/schedule/", views.item_schedule, name="item-schedule"),
    path("items/<int:item_id>/unschedule/", views.item_unschedule, name="item-unschedule"),
    path("items/<int:item_id>/retry/", views.item_retry, name="item-retry"),
    path("items/<int:item_id>/delete/", views.item_delete, name="item-delete"),
    path("items/<int:item_id>/move/", views.item_move, name="item-move"),
    path("items/<int:item_id>/media/", views.media_add, name="media-add"),
    path("media/<int:media_id>/", views.media_file, name="media-file"),
    path("media/<int:media_id>/remove/", views.media_remove, name="media-remove"),
    path("channels/", views.channels, name="channels"),
    path("channels/new/<str:network>/", views.channel_connect, name="channel-connect"),
    path("channels/<int:channel_id>/check/", views.channel_check, name="channel-check"),
    path("channels/<int:channel_id>/reconnect/", views.channel_reconnect, name="channel-reconnect"),
    path("channels/<int:channel_id>/remove/", views.channel_remove, name="channel-remove"),
    path("apps/", connect_views.network_apps, name="network-apps"),
    path("connect/<str:provider>/", connect_views.connect_start, name="connect-start"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("settings/", views.policy_settings, name="settings"),
    path("settings/feed/rotate/", views.feed_rotate, name="feed-rotate"),
    path("settings/feed/revoke/", views.feed_revoke, name="feed-revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("import/", views.csv_import, name="import"),
    path("export.csv", views.csv_export, name="export"),
]
