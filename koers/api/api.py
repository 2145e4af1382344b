"""The REST API, version 1: ``/api/v1/`` with its OpenAPI 3.1 document at ``openapi.json`` and
a browsable page at ``docs`` (Swagger UI from django-ninja's own static files, served by
WhiteNoise: no CDN, works on a closed network).

Every operation needs a personal API token (``auth.TokenAuth``); every write goes through the
same action functions as the pages (and so the same role and policy checks and the audit log).
"""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI, Swagger

from koers.api import errors
from koers.api.auth import TokenAuth
from koers.api.endpoints import alerts, content, inbox, listening, measurement, workspaces

# Swagger UI sets inline styles; its scripts are still only koers' own files.
DOCS_CSP = settings.SECURE_CSP | {"style-src": ["'self'", "'unsafe-inline'"]}

api = NinjaAPI(
    title="koers API",
    version="1",
    description=(
        "Plan, publish, listen and measure from other tools. Authenticate with a personal "
        "API token (Settings → API tokens): `Authorization: Bearer koers_…`. Errors always have "
        'the shape `{"code", "message", "errors": {field: [...]}}`; messages follow '
        "`Accept-Language` (nl or en). Changes to an existing resource need `If-Match` with "
        "the `ETag` you last read (412 when someone changed it since, 428 when missing)."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_decorator=csp_override(DOCS_CSP),
)
errors.install(api)
api.add_router("/", workspaces.router)
api.add_router("/", content.router)
api.add_router("/", listening.router)
api.add_router("/", inbox.router)
api.add_router("/", alerts.router)
api.add_router("/", measurement.router)
