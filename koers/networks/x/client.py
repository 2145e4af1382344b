"""The authorised API client shared by the publisher and the sources."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from koers.networks.base import (
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client
from koers.networks.x.auth import (
    XAuth,
)
from koers.networks.x.errors import (
    _body,
    classify,
)

# ---------------------------------------------------------------------------------------------
# The API client shared by the publisher and the sources
# ---------------------------------------------------------------------------------------------
from koers.networks.x.wire import (
    NETWORK,
)


class XClient:
    """Authorised requests to X with the error contract of :mod:`koers.networks.base`."""

    def __init__(
        self,
        auth: XAuth,
        *,
        timeout: float = 20.0,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.auth = auth
        self.api_url = auth.api_url
        self._host = httpx.URL(self.api_url).host
        self._http = http or http_client(
            timeout=httpx.Timeout(timeout), headers={"User-Agent": "koers"}
        )
        self._clock = clock
        #: The last ``x-rate-limit-*`` values seen per path: (limit, remaining, reset).
        self.rate_limits: dict[str, tuple[int, int, int]] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        feature: str = "publish",
        write: bool = False,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, str] | None = None,
        files: dict[str, Any] | None = None,
        _again: bool = True,
    ) -> Any:
        """The answer's JSON. ``write``: a timeout after sending is an unknown outcome."""
        headers = {"Authorization": f"Bearer {self.auth.access_token()}"}
        try:
            response = self._http.request(
                method,
                self.api_url + path,
                params=params,
                json=json,
                data=data,
                files=files,
                headers=headers,
            )
        except BlockedAddressError:
            raise OutboundBlockedError(self._host, network=NETWORK) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise RetryableError(f"Could not reach X at {self._host}.", network=NETWORK) from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as error:
            if write:
                raise UnknownOutcomeError(
                    f"No answer from X after sending ({type(error).__name__}).", network=NETWORK
                ) from None
            raise RetryableError(
                f"No answer from X ({type(error).__name__}).", network=NETWORK
            ) from None
        except httpx.HTTPError as error:
            raise RetryableError(f"X failed ({type(error).__name__}).", network=NETWORK) from None
        self._note_rate_limit(path, response.headers)
        if response.status_code == 401 and _again:
            # The token died early (revoked elsewhere, clock skew): one refresh, one retry.
            self.auth.refresh()
            return self.request(
                method,
                path,
                feature=feature,
                write=write,
                params=params,
                json=json,
                data=data,
                files=files,
                _again=False,
            )
        problem = classify(response, feature=feature, now=self._clock())
        if problem is not None:
            raise problem
        return _body(response) if response.content else {}

    def _note_rate_limit(self, path: str, headers: httpx.Headers) -> None:
        with contextlib.suppress(KeyError, ValueError):  # an answer without the headers
            self.rate_limits[path] = (
                int(headers["x-rate-limit-limit"]),
                int(headers["x-rate-limit-remaining"]),
                int(headers["x-rate-limit-reset"]),
            )

    def me(self) -> dict[str, Any]:
        body = self.request(
            "GET", "/2/users/me", params={"user.fields": "public_metrics,username,name"}
        )
        return dict(body.get("data") or {})

    def pages(
        self, path: str, params: dict[str, Any], *, feature: str, max_pages: int
    ) -> Iterable[tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]]:
        """(posts, users by id, meta) per page, following ``meta.next_token``."""
        token: str | None = None
        for _page in range(max_pages):
            query = dict(params) | ({"pagination_token": token} if token else {})
            body = self.request("GET", path, params=query, feature=feature)
            users = {u["id"]: u for u in (body.get("includes") or {}).get("users", [])}
            meta = body.get("meta") or {}
            yield list(body.get("data") or []), users, meta
            token = meta.get("next_token")
            if not token:
                return
