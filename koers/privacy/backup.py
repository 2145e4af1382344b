"""One archive with everything koers keeps: the database, the media files and a manifest.

``koers backup FILE`` may run while koers runs: SQLite is copied with its online backup API
(``sqlite3.Connection.backup``, a consistent snapshot while others write), PostgreSQL with
``pg_dump`` (one transaction snapshot) in its custom format, which ``pg_restore`` loads into an
empty database. Media files are copied after the database: a file uploaded during the backup may
be missing from it, never a file the database snapshot points at that was there before.

The archive is a gzip'd tar::

    manifest.json              format, koers version, created time, database vendor,
                               applied migrations per app, media file count, keys included?
    database/koers.sqlite3     (SQLite) or database/koers.pgdump (PostgreSQL, custom format)
    media/...                  every file under MEDIA_ROOT
    keys/secret_key            only with --include-keys: the secret key and the encryption
    keys/encryption_keys       keys (newest first, one per line) that decrypt stored credentials

``koers restore FILE`` loads an archive into an empty database and an empty media folder,
refuses an archive with migrations this code doesn't know (a newer koers made it) and migrates
an older one forward.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from koers import __version__

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/koers.sqlite3"
PG_MEMBER = "database/koers.pgdump"
MEDIA_PREFIX = "media/"
SECRET_MEMBER = "keys/secret_key"  # noqa: S105 - a member name in the archive, not a secret
KEYS_MEMBER = "keys/encryption_keys"
KEY_WARNING = (
    "warning: this archive holds the secret key and the encryption keys; anyone who has it can "
    "read every stored credential. Keep it apart from ordinary backups, encrypted and locked away."
)


class BackupError(Exception):
    """A problem the person running the command can fix; ``code`` is for --json output."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Result:
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Backup
# ---------------------------------------------------------------------------------------------
def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> list[Path]:
    root = _media_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _applied(conn: sqlite3.Connection | None = None) -> dict[str, list[str]]:
    """Applied migrations per app: from a SQLite snapshot, or the live database."""
    if conn is not None:
        rows = conn.execute("SELECT app, name FROM django_migrations").fetchall()
    else:
        rows = list(MigrationRecorder.Migration.objects.values_list("app", "name"))
    applied: dict[str, list[str]] = {}
    for app, name in sorted(rows):
        applied.setdefault(app, []).append(name)
    return applied


def _sqlite_snapshot(target: Path) -> dict[str, list[str]]:
    source_path = settings.DATABASES["default"]["NAME"]
    source = sqlite3.connect(str(source_path), timeout=20)
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)  # the online backup API: consistent while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return _applied(copy)
    finally:
        copy.close()
        source.close()


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            "tool.missing",
            f"{name} was not found; install the PostgreSQL client tools (postgresql-client, "
            "the server's major version or newer).",
        )
    return found


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603 - fixed tool, arguments from settings
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(
            f"{what}.failed", f"{what} failed: {lines[0] if lines else done.returncode}"
        )


def _pg_snapshot(target: Path) -> dict[str, list[str]]:
    applied = _applied()
    name = str(settings.DATABASES["default"]["NAME"])
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            "--dbname",
            name,
        ],
        "pg_dump",
    )
    return applied


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def create(path: Path, *, include_keys: bool = False) -> Result:
    """Write the archive to ``path`` (via a temporary file: never half an archive)."""
    path = path.expanduser().resolve()
    if path.exists():
        raise BackupError("file.exists", f"{path} exists already; choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError("file.folder", f"folder {path.parent} does not exist.")
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError("database.vendor", f"cannot back up a {vendor} database.")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".koers-backup-") as work:
        snapshot = Path(work) / "database"
        if vendor == "sqlite":
            applied, member = _sqlite_snapshot(snapshot), SQLITE_MEMBER
        else:
            applied, member = _pg_snapshot(snapshot), PG_MEMBER
        media = _media_files()
        manifest = {
            "format": FORMAT,
            "koers_version": __version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database_vendor": vendor,
            "migrations": applied,
            "media_files": len(media),
            "includes_keys": include_keys,
        }
        partial = Path(work) / "archive"
        with tarfile.open(partial, "w:gz") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            tar.add(snapshot, arcname=member, recursive=False)
            root = _media_root()
            for file in media:
                tar.add(file, arcname=MEDIA_PREFIX + file.relative_to(root).as_posix())
            if include_keys:
                _add_bytes(tar, SECRET_MEMBER, settings.SECRET_KEY.encode())
                keys = "\n".join(settings.KOERS_ENCRYPTION_KEYS) + "\n"
                _add_bytes(tar, KEYS_MEMBER, keys.encode())
        partial.chmod(0o600)
        os.replace(partial, path)
    notes = [KEY_WARNING] if include_keys else []
    return Result(manifest, notes)


# ---------------------------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------------------------
def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member is not None else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("archive.invalid", "this file is not a koers backup (no manifest).")
    return manifest


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this code knows, including those a squashed migration replaced."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(tuple(r) for r in migration.replaces)
    return known


def unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    known = known_migrations()
    return sorted(
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    )


def _check_target(vendor: str) -> None:
    if connection.vendor != vendor:
        raise BackupError(
            "database.vendor",
            f"this backup is of a {vendor} database, but DATABASE_URL points at "
            f"{connection.vendor}; restore into the same kind of database.",
        )
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            "target.not_empty",
            f"the database is not empty ({len(tables)} tables); restore only into an empty "
            "database or a new data folder.",
        )
    root = _media_root()
    if root.is_dir() and any(root.iterdir()):
        raise BackupError(
            "target.not_empty",
            f"the media folder {root} is not empty; restore only into a new data folder.",
        )


def _restore_sqlite(tar: tarfile.TarFile, work: Path) -> None:
    tar.extract(SQLITE_MEMBER, work, filter="data")
    target = Path(settings.DATABASES["default"]["NAME"])
    connections.close_all()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(work / SQLITE_MEMBER, target)


def _restore_pg(tar: tarfile.TarFile, work: Path) -> None:
    tar.extract(PG_MEMBER, work, filter="data")
    connections.close_all()
    name = str(settings.DATABASES["default"]["NAME"])
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            name,
            str(work / PG_MEMBER),
        ],
        "pg_restore",
    )


def _restore_media(tar: tarfile.TarFile) -> int:
    members = [m for m in tar.getmembers() if m.name.startswith(MEDIA_PREFIX) and m.isfile()]
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    for member in members:
        member.name = member.name[len(MEDIA_PREFIX) :]
    # The "data" filter refuses absolute paths, ".." and links that leave the folder.
    tar.extractall(root, members=members, filter="data")
    return len(members)


def _write_private(path: Path, text: str) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _restore_keys(tar: tarfile.TarFile) -> list[str]:
    """Put the archive's keys where koers reads them when the environment doesn't set them."""
    data_dir = Path(settings.DATA_DIR)
    notes = []
    secret = tar.extractfile(SECRET_MEMBER)
    keys_file = tar.extractfile(KEYS_MEMBER)
    if secret is not None:
        _write_private(data_dir / "secret_key", secret.read().decode().strip())
        if os.environ.get("KOERS_SECRET_KEY"):
            notes.append("KOERS_SECRET_KEY is set and wins over the restored secret key file.")
    if keys_file is not None:
        keys = [k for k in keys_file.read().decode().split() if k]
        if os.environ.get("KOERS_ENCRYPTION_KEYS") or len(keys) > 1:
            restored = data_dir / "encryption_keys.restored"
            _write_private(restored, ",".join(keys) + "\n")
            notes.append(
                f"set KOERS_ENCRYPTION_KEYS to the contents of {restored} (the archive holds "
                "more than one key, or the environment sets the keys)."
            )
        if keys:
            _write_private(data_dir / "encryption_key", keys[0])
    return notes


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except tarfile.TarError:
        raise BackupError("archive.invalid", f"{path} is not a koers backup archive.") from None


def restore(path: Path) -> Result:
    path = path.expanduser().resolve()
    if not path.is_file():
        raise BackupError("file.missing", f"{path} does not exist.")
    with _open(path) as tar, tempfile.TemporaryDirectory(prefix=".koers-restore-") as work:
        manifest = read_manifest(tar)
        newer = unknown_migrations(manifest)
        if newer:
            raise BackupError(
                "archive.newer",
                f"this backup was made by a newer koers ({manifest.get('koers_version')}): "
                f"{len(newer)} migrations unknown here, e.g. {newer[0]}; upgrade koers first.",
            )
        vendor = manifest.get("database_vendor", "")
        _check_target(vendor)
        if vendor == "sqlite":
            _restore_sqlite(tar, Path(work))
        else:
            _restore_pg(tar, Path(work))
        media = _restore_media(tar)
        notes = _restore_keys(tar) if manifest.get("includes_keys") else []
    if media != manifest.get("media_files"):
        notes.append(
            f"the manifest lists {manifest.get('media_files')} media files, found {media}."
        )
    archived = {(a, n) for a, names in manifest.get("migrations", {}).items() for n in names}
    missing = sorted(
        f"{a}.{n}" for a, n in MigrationLoader(None).disk_migrations if (a, n) not in archived
    )
    if missing:
        call_command("migrate", interactive=False, verbosity=0)
    return Result(manifest, notes, missing)
