"""A local OpenID Connect provider for tests and demos: discovery, authorize, token, userinfo, jwks.

``FakeOIDCProvider(profile="entra")`` imitates Microsoft Entra ID: the issuer carries a tenant
id (``/<tenant>/v2.0``), the userinfo answer has no ``email`` and the id token names the person
by ``preferred_username`` (the user principal name). ``profile="generic"`` answers like Keycloak
and most others: ``email`` and ``email_verified`` in both. The authorize endpoint approves at
once for the person set in ``person`` (no login form), so a browser or a test client just
follows the redirects. ID tokens are signed with a fresh RSA key (RS256) published at ``jwks``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ENTRA_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


@dataclass
class Person:
    sub: str = "00000000-0000-0000-0000-000000000001"
    email: str = "piet@gemeente.example"
    name: str = "Piet Jansen"


@dataclass
class FakeOIDCProvider:
    profile: str = "generic"
    client_id: str = "koers-test"
    client_secret: str = "koers-test-secret"  # noqa: S105 - a fake provider's fixed secret
    person: Person = field(default_factory=Person)
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._codes: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer((self.host, 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self) -> FakeOIDCProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def issuer(self) -> str:
        if self.profile == "entra":
            return f"{self.base_url}/{ENTRA_TENANT}/v2.0"
        return f"{self.base_url}/realms/koers"

    def app_settings(self, provider_id: str = "sso", name: str = "Single sign-on") -> dict:
        """One entry for ``SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]``."""
        return {
            "provider_id": provider_id,
            "name": name,
            "client_id": self.client_id,
            "secret": self.client_secret,
            "settings": {"server_url": self.issuer, "oauth_pkce_enabled": True},
        }

    # -- protocol ----------------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise" if self.profile == "entra" else "public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
        }

    def authorize(self, query: dict[str, str]) -> str:
        """Approve at once; the redirect back to the client with a code."""
        if query.get("client_id") != self.client_id:
            raise ValueError("unknown client")
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"]}
        back = {"code": code, "state": query.get("state", "")}
        return f"{query['redirect_uri']}?{urlencode(back)}"

    def token(self, form: dict[str, str], basic_client: str | None) -> dict[str, Any]:
        client = basic_client or form.get("client_id")
        grant = self._codes.pop(form.get("code", ""), None)
        if client != self.client_id or grant is None:
            raise ValueError("invalid_grant")
        access = secrets.token_urlsafe(24)
        self._tokens[access] = {}
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": self.person.sub,
            "aud": self.client_id,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "name": self.person.name,
        }
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        if self.profile == "entra":
            claims |= {"preferred_username": self.person.email, "tid": ENTRA_TENANT, "ver": "2.0"}
        else:
            claims |= {"email": self.person.email, "email_verified": True}
        id_token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": "k1"})
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": id_token,
            "scope": "openid profile email",
        }

    def userinfo(self, access_token: str) -> dict[str, Any]:
        if access_token not in self._tokens:
            raise PermissionError
        given, _, family = self.person.name.partition(" ")
        info: dict[str, Any] = {
            "sub": self.person.sub,
            "name": self.person.name,
            "given_name": given,
            "family_name": family,
        }
        if self.profile != "entra":
            info |= {
                "email": self.person.email,
                "email_verified": True,
                "preferred_username": self.person.email.split("@")[0],
            }
        return info

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk |= {"kid": "k1", "use": "sig", "alg": "RS256"}
        return {"keys": [jwk]}


def _handler_for(provider: FakeOIDCProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            return

        def _path(self) -> tuple[str, dict[str, str]]:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            issuer_path = urlsplit(provider.issuer).path
            path = parts.path[len(issuer_path) :] if parts.path.startswith(issuer_path) else ""
            provider.requests.append(path or parts.path)
            return path, query

        def _json(self, body: dict[str, Any], status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path, query = self._path()
            if path == "/.well-known/openid-configuration":
                self._json(provider.discovery())
            elif path == "/jwks":
                self._json(provider.jwks())
            elif path == "/authorize":
                try:
                    location = provider.authorize(query)
                except (KeyError, ValueError):
                    self._json({"error": "invalid_request"}, 400)
                    return
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
                try:
                    self._json(provider.userinfo(token))
                except PermissionError:
                    self._json({"error": "invalid_token"}, 401)
            else:
                self._json({"error": "not_found"}, 404)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            path, _query = self._path()
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if path != "/token":
                self._json({"error": "not_found"}, 404)
                return
            basic = None
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                import base64

                basic = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
            try:
                self._json(provider.token(form, basic))
            except ValueError:
                self._json({"error": "invalid_grant"}, 400)

    return Handler
