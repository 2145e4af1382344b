"""One JSON shape for every error of the API, with its message in the language asked for.

``{"code": "not_found", "message": "…", "errors": {"field": ["…"]}}`` — ``code`` is stable
(clients branch on it), ``message`` follows ``Accept-Language`` (nl or en; Django's locale
middleware chooses), ``errors`` lists problems per input field (``__all__``: the whole input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class Error(Schema):
    """The body of every error response."""

    code: str
    message: str
    errors: dict[str, list[str]] = {}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = errors or {}
        self.headers = headers or {}


# The statuses every operation may answer with besides its own success (for the schema).
COMMON = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
UPDATE = {**COMMON, 409: Error, 412: Error, 428: Error}
# Operations that change an existing resource document the header they need.
IF_MATCH = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": False,
            "description": "The ETag you last read (428 without it, 412 when it is stale).",
            "schema": {"type": "string"},
        }
    ]
}


def _field(loc: tuple | list) -> str:
    # ("body", "payload", "title") → "title"; ("query", "limit") → "limit"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts) or NON_FIELD_ERRORS


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind.startswith(("date", "time", "datetime")):
        return _("Enter a valid date or time.")
    if kind == "enum" or kind == "literal_error":
        return _("Choose one of the allowed values.")
    if kind in ("string_too_long",):
        return _("This text is too long.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("This number is out of range.")
    return _("Enter a valid value.")


def _from_django(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in DjangoValidationError(errs).messages]
                for field, errs in error.error_dict.items()}  # fmt: skip
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


def form_errors(form: Any) -> ApiError:
    """A Django form's errors as the API's 422."""
    errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    return ApiError(422, "invalid", _("The input is not valid."), errors)


def rejected(error: DjangoValidationError) -> ApiError:
    """A rule of an action said no (state, policy check): 409 with its reasons."""
    errors = _from_django(error)
    message = " ".join(m for messages in errors.values() for m in messages)
    return ApiError(409, "rejected", message or _("This can't be done now."), errors)


def install(api: NinjaAPI) -> None:
    """Turn every failure the API can meet into the one shape (never a 500 for bad input)."""

    def respond(request: HttpRequest, error: ApiError) -> HttpResponse:
        body = {"code": error.code, "message": error.message, "errors": error.errors}
        response = api.create_response(request, body, status=error.status)
        for name, value in error.headers.items():
            response[name] = value
        return response

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc)

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for item in exc.errors:
            errors.setdefault(_field(item.get("loc", ())), []).append(_pydantic_message(item))
        return respond(request, ApiError(422, "invalid", _("The input is not valid."), errors))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Send a valid API token: Authorization: Bearer <token>.")
        error = ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": "Bearer"})
        return respond(request, error)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja: the body is not valid JSON
            error = ApiError(400, "bad_json", _("The request body is not valid JSON."))
        else:
            error = ApiError(exc.status_code, "error", str(exc))
        return respond(request, error)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, ApiError(404, "not_found", _("Not found in this workspace.")))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("Your role may not do this here.")
        return respond(request, ApiError(403, "forbidden", message))

    @api.exception_handler(DjangoValidationError)
    def rule(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, rejected(exc))
