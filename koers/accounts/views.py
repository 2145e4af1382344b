from __future__ import annotations

import requests
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.openid_connect import views as openid_connect
from django.http import HttpRequest, HttpResponse


def sso_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's OpenID Connect login step, with koers' error page when the provider is unreachable.

    allauth fetches the provider's discovery document here and lets a network error through (a
    server error); its callback step already answers such errors with the error page. A refusal by
    koers' outbound guard reaches this view as a ``requests.ConnectionError``.
    """
    try:
        return openid_connect.login(request, provider_id)
    except requests.RequestException as exc:
        provider = openid_connect.OpenIDConnectOAuth2Adapter(request, provider_id).get_provider()
        return render_authentication_error(request, provider, exception=exc)
