"""Contract tests: schemathesis generates requests from the OpenAPI document (valid and
invalid ones) and checks every answer: never a server error, status codes, headers and
bodies as the document says, unauthenticated requests refused, invalid input rejected.

Bounded: schemathesis' coverage phase (boundary and invalid values of every parameter, a
fixed set) plus ``EXAMPLES`` random cases per operation (24 operations).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from koers.api.api import api

EXAMPLES = 3

# The report file renders a PDF (seconds each); test_measurement.py covers it.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_params={})).exclude(
    path="/api/v1/reports/file"
)
# Requests go straight into Django's WSGI application, in the test's own database transaction.
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: a request's end must not close the test's own database
    connection (on PostgreSQL that would end the test's transaction and every later request)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def contract_token(db, settings, token_for, anna, acme, bolt_world):
    """Anna's owner token in Acme, with Acme's and Bolt's worlds stored (ids collide in
    small numbers, so generated ids hit real rows of both workspaces)."""
    from koers.api.tests.conftest import build_world

    settings.KOERS_API_RATE_LIMIT = 100_000
    build_world(acme, anna, "Acme")
    return token_for(anna, acme)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, contract_token, bolt_world):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {contract_token}", "Accept-Language": "nl"},
        # "Schema-valid input is accepted" can't hold for rules no schema states (a campaign
        # of this workspace, an end after the start, a current ETag): those answer 409/412/
        # 422/428 by design. Every other check runs, server errors and bodies included.
        excluded_checks=[positive_data_acceptance],
    )
