from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from koers.accounts import sso, two_factor

# The account pages (two-factor set-up, logout, password), static files and the language switch
# stay reachable while a member still has to set up two-factor authentication.
_ALLOWED_PREFIXES = ("/accounts/", "/logout/", "/static/", "/i18n/", "/healthz")


class TwoFactorRequiredMiddleware:
    """Lead members of a workspace that requires two-factor authentication to set it up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and two_factor.still_required(request)
        ):
            messages.warning(
                request,
                _(
                    "A workspace you belong to requires two-factor authentication. "
                    "Set up an authenticator app or a security key to continue."
                ),
            )
            return redirect("mfa_index")
        return self.get_response(request)


class SingleSignOnFormActionMiddleware:
    """Add the identity providers' origins to the ``form-action`` of koers' CSP.

    Without them Chromium blocks the redirect that answers the "Log in with …" button (see
    :func:`koers.accounts.sso.provider_origins`) and the person stays on the login page. Listed
    after Django's CSP middleware, so it runs first on the way out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origins = sso.provider_origins()
        if origins and settings.SECURE_CSP and not hasattr(response, "_csp_config"):
            config = dict(settings.SECURE_CSP)
            config["form-action"] = [*config.get("form-action", ["'self'"]), *origins]
            response._csp_config = config  # type: ignore[attr-defined] - Django's CSP override
        return response
