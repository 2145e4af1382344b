from __future__ import annotations

from allauth.account import views as account_views
from django.urls import include, path

from koers.accounts import views as account_security
from koers.api import views as api_views
from koers.api.api import api
from koers.core import views
from koers.engagement import meta as meta_inbox
from koers.publishing import connect_views
from koers.publishing import views as publishing_views

urlpatterns = [
    path("", views.home, name="home"),
    path("setup/", views.setup, name="setup"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # allauth's login and logout under koers' own short addresses (the names every page uses);
    # the rest of allauth (password reset, two-factor, sessions, SSO) lives under accounts/.
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    # Before allauth's own route for it: the SSO login step with koers' error page (see the view).
    path("accounts/oidc/<str:provider_id>/login/", account_security.sso_login),
    path("accounts/", include("allauth.urls")),
    path("new/", views.workspace_new, name="workspace-new"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
    # OAuth networks send people back here (the address registered in their developer apps),
    # and Instagram/Threads fetch media from signed addresses: neither carries a workspace.
    path(
        "connect/<str:provider>/callback/",
        connect_views.connect_callback,
        name="connect-callback",
    ),
    path("connect/<str:provider>/choose/", connect_views.connect_choose, name="connect-choose"),
    path("m/<str:token>/", publishing_views.media_signed, name="media-signed"),
    path("hooks/meta/", meta_inbox.webhook, name="meta-webhook"),
    path("w/<slug:slug>/", views.workspace_home, name="workspace-home"),
    path("w/<slug:slug>/settings/", views.workspace_settings, name="workspace-settings"),
    path("w/<slug:slug>/settings/members/", views.members, name="members"),
    path("w/<slug:slug>/settings/members/invite/", views.member_invite, name="member-invite"),
    path(
        "w/<slug:slug>/settings/members/<int:member_id>/role/",
        views.member_role,
        name="member-role",
    ),
    path(
        "w/<slug:slug>/settings/members/<int:member_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path(
        "w/<slug:slug>/settings/members/<int:member_id>/unlock/",
        views.member_unlock,
        name="member-unlock",
    ),
    path(
        "w/<slug:slug>/settings/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("w/<slug:slug>/settings/audit/", views.audit_log, name="audit-log"),
    path("w/<slug:slug>/settings/audit.csv", views.audit_export, name="audit-export"),
]

# One include per app; each app's urls.py names its section start page "index".
urlpatterns += [
    path("w/<slug:slug>/strategy/", include("koers.strategy.urls")),
    path("w/<slug:slug>/calendar/", include("koers.publishing.urls")),
    path("w/<slug:slug>/listening/", include("koers.listening.urls")),
    path("w/<slug:slug>/inbox/", include("koers.engagement.urls")),
    path("w/<slug:slug>/alerts/", include("koers.alerts.urls")),
    path("w/<slug:slug>/measure/", include("koers.measurement.urls")),
    path("w/<slug:slug>/settings/privacy/", include("koers.privacy.urls")),
    path("w/<slug:slug>/settings/notifications/", include("koers.notify.urls")),
]

# The REST API (koers/api) and its token page in the workspace settings.
urlpatterns += [
    path("api/v1/", api.urls),
    path("w/<slug:slug>/settings/api/", api_views.tokens, name="api-tokens"),
    path(
        "w/<slug:slug>/settings/api/<int:token_id>/revoke/",
        api_views.token_revoke,
        name="api-token-revoke",
    ),
]
