from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths that must work before the first account exists.
_OPEN_PREFIXES = ("/setup/", "/static/", "/healthz", "/i18n/")


class SetupRequiredMiddleware:
    """Send every visitor to the setup page until the first owner account exists.

    Once a user exists the answer is remembered for the life of the process, so the check costs
    one query per process, not per request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.has_users = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.has_users and not request.path.startswith(_OPEN_PREFIXES):
            self.has_users = get_user_model().objects.exists()
            if not self.has_users:
                return redirect("setup")
        return self.get_response(request)
