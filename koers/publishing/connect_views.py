"""Connecting OAuth networks, the same for every provider (see :mod:`koers.publishing.connect`).

    developer apps page → /w/<slug>/calendar/connect/<provider>/ (choose features)
      → the network's consent page → /connect/<provider>/callback/ (exchange, list accounts)
      → /connect/<provider>/choose/ (pick accounts) → channels, in one transaction

Between the callback and the choice the accounts (with their tokens) wait encrypted in the
person's session, for :data:`PENDING_SECONDS` at most; the page shows only names.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from koers.core import neterrors
from koers.core.access import get_workspace_for_member, workspace_view
from koers.core.crypto import DecryptionError, decrypt, encrypt
from koers.core.models import Role, Workspace
from koers.networks import catalog
from koers.networks.base import NetworkError
from koers.publishing import actions, media_urls, oauth
from koers.publishing.connect import Account, Flow, flow_for
from koers.publishing.forms import ChooseAccountsForm, FeaturesForm, NetworkAppForm
from koers.publishing.models import Network, NetworkApp, Provider

SESSION_KEY = "koers_connect"
PENDING_SECONDS = 900


def _fetches_media(provider: str) -> bool:
    """True when a network connected through ``provider`` fetches media by URL (Instagram,
    Threads), so koers' address must be public."""
    found = (catalog.capabilities(n) for n in catalog.networks())
    return any(c and c.provider == provider and c.needs_public_media_url for c in found)


def _flow_or_404(provider: str) -> Flow:
    flow = flow_for(provider)
    if flow is None or provider not in Provider.values:
        raise Http404
    return flow


def connectable(workspace: Workspace) -> list[tuple[str, str]]:
    """(provider, label) of the providers with a connect flow and a registered app."""
    registered = set(
        NetworkApp.objects.filter(workspace__in=[workspace.pk]).values_list("provider", flat=True)
    ) | set(NetworkApp.objects.filter(workspace__isnull=True).values_list("provider", flat=True))
    labels = {Provider.META: "Facebook"}
    return [
        (key, labels.get(key, str(label)))
        for key, label in Provider.choices
        if key in registered and flow_for(key) is not None
    ]


def setup_steps(provider: str) -> list[str]:
    """What to do in the provider's developer console, step by step (translated)."""
    redirect_uri = oauth.redirect_uri(provider)
    if provider == Provider.META:
        return [
            _("Open developers.facebook.com → My Apps → Create App; choose the type Business."),
            _(
                "Add the products (use cases) Facebook Login for Business, Instagram (API setup "
                "with Facebook Login), Threads API, Webhooks and, for the inbox, WhatsApp."
            ),
            _("Facebook Login for Business → Settings → Valid OAuth Redirect URIs: %(url)s")
            % {"url": redirect_uri},
            _("Threads API → Settings → Redirect Callback URLs: the same address, %(url)s")
            % {"url": redirect_uri},
            _(
                "App settings → Basic: copy the App ID and App Secret here; for Threads also the "
                "Threads App ID and Threads App Secret (Use cases → Threads API → Settings)."
            ),
            _(
                "Ask for Advanced Access (App Review) to the permissions koers lists when you "
                "connect; until then only people with a role in the app can connect."
            ),
        ]
    if provider == Provider.GOOGLE:
        return [
            _(
                "Open console.cloud.google.com, create a project, and under APIs & Services → "
                "Library enable the YouTube Data API v3."
            ),
            _(
                "APIs & Services → OAuth consent screen: user type External, add the scopes "
                "youtube.upload, youtube.force-ssl and youtube.readonly, and publish the app "
                "(in Testing status Google ends the connection after seven days)."
            ),
            _(
                "APIs & Services → Credentials → Create credentials → OAuth client ID, type Web "
                "application, authorised redirect URI: %(url)s"
            )
            % {"url": redirect_uri},
            _("Copy the client ID and client secret here."),
            _(
                "Until Google has audited the project (the YouTube API Services audit), every "
                "video uploaded through it stays private, whatever you choose in koers."
            ),
            _(
                "The project gets 10,000 quota units a day; an upload costs 1,600, so about six "
                "videos a day. Reading comments and statistics costs a few units per call. Ask "
                "Google for more quota in the console when that is not enough."
            ),
        ]
    return [
        _("Create an app in the network's developer portal."),
        _("Register this redirect address: %(url)s") % {"url": redirect_uri},
        _("Copy the app's client id and client secret here."),
    ]


# ---------------------------------------------------------------------------------------------
# Developer apps
# ---------------------------------------------------------------------------------------------
def _app_form(request: HttpRequest, workspace: Workspace, provider: str) -> NetworkAppForm:
    app = NetworkApp.for_workspace(workspace, provider)
    initial = {}
    if app is not None:
        initial = {
            "client_id": app.client_id,
            "threads_client_id": app.extra.get("threads_client_id", ""),
            "installation": app.workspace_id is None,
        }
    bound = request.method == "POST" and request.POST.get("provider") == provider
    return NetworkAppForm(
        request.POST if bound else None,
        initial=initial,
        prefix=provider,
        provider=provider,
        has_secret=app is not None,
        may_install=bool(getattr(request.user, "is_superuser", False)),
    )


@workspace_view(need=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def network_apps(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Each provider's developer app: its id and secret, and how to register it."""
    forms = {provider: _app_form(request, workspace, provider) for provider in Provider.values}
    provider = request.POST.get("provider", "")
    if request.method == "POST" and provider in forms and forms[provider].is_valid():
        data = forms[provider].cleaned_data
        try:
            actions.save_network_app(
                workspace,
                request.user,
                provider=provider,
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                installation=bool(data.get("installation")),
                extra_secrets={
                    k: data[s]
                    for k, s in (
                        ("verify_token", "verify_token"),
                        ("threads_secret", "threads_secret"),
                    )
                    if s in data
                },
                extra_values=(
                    {"threads_client_id": data["threads_client_id"]}
                    if "threads_client_id" in data
                    else {}
                ),
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The developer app is saved."))
            return redirect("publishing:network-apps", slug=workspace.slug)
    rows = [
        {
            "provider": key,
            "label": label,
            "form": forms[key],
            "app": NetworkApp.for_workspace(workspace, key),
            "redirect_uri": oauth.redirect_uri(key),
            "steps": setup_steps(key),
            "can_connect": flow_for(key) is not None,
        }
        for key, label in Provider.choices
    ]
    context = {"workspace": workspace, "active": "calendar", "rows": rows}
    return render(request, "publishing/network_apps.html", context)


# ---------------------------------------------------------------------------------------------
# Connecting
# ---------------------------------------------------------------------------------------------
@workspace_view(need=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def connect_start(request: HttpRequest, workspace: Workspace, provider: str) -> HttpResponse:
    """Choose what koers may do (each feature with its scopes), then off to the consent page."""
    flow = _flow_or_404(provider)
    app = NetworkApp.for_workspace(workspace, provider)
    if app is None:
        messages.error(request, _("Register the developer app for this network first."))
        return redirect("publishing:network-apps", slug=workspace.slug)
    form = FeaturesForm(request.POST or None, features=flow.features)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["features"])
        asked = flow.authorize(app, chosen)
        url = oauth.start(
            request,
            provider=provider,
            workspace_id=workspace.pk,
            authorize_url=asked.url,
            client_id=asked.client_id or app.client_id,
            scopes=asked.scopes,
            pkce=asked.pkce,
            scope_separator=asked.scope_separator,
            params=asked.params,
            extra={"features": ",".join(sorted(chosen))},
        )
        return redirect(url)
    context = {
        "workspace": workspace,
        "active": "calendar",
        "form": form,
        "provider": provider,
        "label": Provider(provider).label,
        "features": flow.features,
        # Only networks that fetch media from koers care about its public address.
        "base_url_problem": media_urls.fetch_problem() if _fetches_media(provider) else "",
    }
    response = render(request, "publishing/connect_start.html", context)  # also after errors
    _allow_dialogs(response, flow, app)
    return response


def _allow_dialogs(response: HttpResponse, flow: Flow, app: NetworkApp) -> None:
    """The form's answer redirects to the provider's consent page: browsers check each hop
    of a form's redirects against the CSP's ``form-action``, so name the dialogs' origins."""
    if not settings.SECURE_CSP:
        return
    origins = set()
    for feature in flow.features:
        parts = urlsplit(flow.authorize(app, {feature.key}).url)
        origins.add(f"{parts.scheme}://{parts.netloc}")
    config = dict(getattr(response, "_csp_config", None) or settings.SECURE_CSP)
    config["form-action"] = [*config.get("form-action", ["'self'"]), *sorted(origins)]
    response._csp_config = config  # type: ignore[attr-defined] - Django's CSP override


def _account_to_dict(account: Account) -> dict[str, object]:
    return {
        "network": account.network,
        "remote_id": account.remote_id,
        "name": account.name,
        "handle": account.handle,
        "endpoint": account.endpoint,
        "access_token": account.access_token,
        "refresh_token": account.refresh_token,
        "expires_at": account.expires_at.isoformat() if account.expires_at else None,
        "extra": account.extra,
    }


def _account_from_dict(data: dict) -> Account:
    expires = data.get("expires_at")
    return Account(**{**data, "expires_at": datetime.fromisoformat(expires) if expires else None})


def _keep_pending(request: HttpRequest, provider: str, workspace: Workspace, found: list) -> None:
    payload = json.dumps([_account_to_dict(a) for a in found])
    request.session[SESSION_KEY] = {
        "provider": provider,
        "workspace": workspace.pk,
        "at": time.time(),
        "accounts": encrypt(payload),
    }


def _pending(request: HttpRequest, provider: str) -> tuple[int, list[Account]] | None:
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("provider") != provider:
        return None
    if time.time() - float(kept.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return None
    try:
        raw = json.loads(decrypt(kept["accounts"]))
    except (DecryptionError, ValueError, KeyError):
        return None
    return int(kept["workspace"]), [_account_from_dict(entry) for entry in raw]


def _workspace_by_id(request: HttpRequest, workspace_id: int) -> Workspace:
    slug = Workspace.objects.filter(pk=workspace_id).values_list("slug", flat=True).first()
    if slug is None:
        raise Http404
    return get_workspace_for_member(request, slug, Role.ADMIN)


@login_required
@require_GET
def connect_callback(request: HttpRequest, provider: str) -> HttpResponse:
    """The network sends the person back here: exchange the code, list the accounts."""
    flow = _flow_or_404(provider)
    try:
        callback = oauth.finish(request, provider)
    except oauth.OAuthError as error:
        messages.error(request, str(error))
        return redirect("home")
    workspace = _workspace_by_id(request, callback.workspace_id)
    channels_page = reverse("publishing:channels", kwargs={"slug": workspace.slug})
    app = NetworkApp.for_workspace(workspace, provider)
    if app is None:
        messages.error(request, _("Register the developer app for this network first."))
        return redirect(channels_page)
    try:
        grant = flow.exchange(app, callback)
        found = flow.accounts(app, grant)
    except NetworkError as error:
        messages.error(
            request,
            _("Connecting did not work: %(reason)s")
            % {"reason": neterrors.translate(error.message)},
        )
        return redirect(channels_page)
    if not found:
        messages.error(
            request,
            _("The network gave koers no accounts to add. Did you choose any Pages or accounts?"),
        )
        return redirect(channels_page)
    _keep_pending(request, provider, workspace, found)
    return redirect("connect-choose", provider=provider)


@login_required
@require_http_methods(["GET", "POST"])
def connect_choose(request: HttpRequest, provider: str) -> HttpResponse:
    """Pick the accounts to add; the chosen ones become channels together, or none does."""
    _flow_or_404(provider)
    pending = _pending(request, provider)
    if pending is None:
        messages.error(request, _("This connection has expired. Start connecting again."))
        return redirect("home")
    workspace = _workspace_by_id(request, pending[0])
    found = pending[1]
    labels = [
        f"{Network(a.network).label}: {a.name}"
        + (f" (@{a.handle})" if a.handle and a.name != f"@{a.handle}" else "")
        for a in found
    ]
    form = ChooseAccountsForm(request.POST or None, labels=labels)
    if request.method == "POST" and form.is_valid():
        chosen = [found[index] for index in form.cleaned_data["accounts"]]
        channels = actions.connect_oauth_channels(workspace, request.user, chosen)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("Added: %(names)s") % {"names": ", ".join(c.name for c in channels)},
        )
        return redirect("publishing:channels", slug=workspace.slug)
    context = {
        "workspace": workspace,
        "active": "calendar",
        "form": form,
        "label": Provider(provider).label,
    }
    return render(request, "publishing/connect_choose.html", context)
