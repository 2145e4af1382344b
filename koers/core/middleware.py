from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths that must work before the first account exists.
# The API answers in JSON (401 without a token), never with a redirect to a page.
_OPEN_PREFIXES = ("/setup/", "/static/", "/healthz", "/i18n/", "/api/")


class SetupRequiredMiddleware:
    """Send anonymous visitors to the setup page while no account exists at all.

    A logged-in user proves an account exists, so only anonymous requests pay for the check
    (one indexed ``EXISTS`` query). Nothing is cached: the answer is never stale.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not request.user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not get_user_model().objects.exists()
        ):
            return redirect("setup")
        return self.get_response(request)
