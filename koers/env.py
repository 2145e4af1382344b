"""Typed readers for configuration from the environment.

Every reader fails loudly with ``ImproperlyConfigured`` naming the variable and what was expected,
so that ``koers check`` and start-up can print one clear line instead of a traceback.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is too small; the minimum is {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_outbound_allowlist(name: str) -> list[str]:
    """Comma-separated host names and address ranges (CIDR) koers may fetch even when private."""
    from koers.networks.safety import OutboundPolicy

    entries = env_list(name, [])
    try:
        OutboundPolicy.parse(False, entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}.") from None
    return entries


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a known time zone; use a name like Europe/Amsterdam."
        ) from None
    return value


def env_data_dir(name: str, default: Path) -> Path:
    """The data folder; created private (0700): it holds the database and the keys."""
    path = Path(os.environ.get(name) or default).expanduser().resolve()
    try:
        if not path.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o700)  # mkdir's mode is cut by the umask; this is exact
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}: cannot create data directory {path}: {exc}") from None
    return path


def _create_once(path: Path, value: str) -> str:
    """Write ``value`` to ``path`` (mode 0600) unless it exists; return what the file holds.

    ``O_EXCL`` makes this safe when several processes start at once: the first one wins.
    """
    if path.exists():
        return path.read_text().strip()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def env_secret(name: str, data_dir: Path, filename: str) -> str:
    """Return the secret from the environment, or one generated once and kept in the data dir.

    The generated file is created with mode 0600 so the embedded mode needs no configuration
    and the secret survives restarts (sessions and encrypted tokens stay valid).
    """
    raw = os.environ.get(name, "").strip()
    if raw:
        if len(raw) < 32:
            raise ImproperlyConfigured(f"{name} is too short; use at least 32 random characters.")
        return raw
    return _create_once(data_dir / filename, secrets.token_urlsafe(48))


def env_secret_fernet(data_dir: Path, filename: str) -> str:
    """A Fernet key generated once and kept in the data dir (mode 0600), like ``env_secret``."""
    return _create_once(
        data_dir / filename, base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    )
