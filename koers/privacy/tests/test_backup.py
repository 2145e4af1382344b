"""``koers backup`` and ``koers restore`` as a person runs them: real processes, a real data
folder under tmp_path, on the database the suite runs on (SQLite, or PostgreSQL with fresh
databases beside the test database)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

TIMEOUT = 240
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


class Install:
    """One koers installation: a data folder and (on PostgreSQL) its own database."""

    def __init__(
        self, data_dir: Path, database: str | None, migrated: Callable[[Install], None]
    ) -> None:
        self.data_dir = data_dir
        self.database = database
        self._migrated = migrated

    def migrate(self) -> None:
        """Every migration applied, as ``koers migrate`` leaves it (a copy of a database
        migrated once per test process: a migrate of every app costs ~20 s of CPU)."""
        self._migrated(self)

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("KOERS_SECRET_KEY", "KOERS_ENCRYPTION_KEYS", "DATABASE_URL")
        }
        env["KOERS_DATA_DIR"] = str(self.data_dir)
        if self.database:
            db = settings.DATABASES["default"]
            auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            env["DATABASE_URL"] = f"postgres://{auth}@{host}/{self.database}"
        return env

    def koers(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "koers", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )

    def ok(self, *args: str) -> str:
        done = self.koers(*args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def row_counts(self) -> dict[str, int]:
        if self.database:
            import psycopg

            with psycopg.connect(**_pg_params(self.database)) as conn:
                tables = [
                    r[0]
                    for r in conn.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    )
                ]
                return {
                    t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608 - names from the catalogue
                    for t in tables
                }
        conn = sqlite3.connect(self.data_dir / "koers.sqlite3")
        try:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608 - names from the catalogue
        finally:
            conn.close()

    def media(self) -> dict[str, bytes]:
        root = self.data_dir / "media"
        return (
            {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
            if root.is_dir()
            else {}
        )


def _pg_params(database: str) -> dict:
    db = settings.DATABASES["default"]
    return {
        "dbname": database,
        "user": db["USER"],
        "password": db.get("PASSWORD") or None,
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "autocommit": True,
    }


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Iterator[str | None]:
    """On PostgreSQL a database migrated once per test process, the template of each
    migrated install (``CREATE DATABASE … TEMPLATE``); on SQLite ``None``."""
    if not ON_POSTGRES:
        yield None
        return
    import contextlib

    import psycopg

    name = f"{settings.DATABASES['default']['NAME']}_migrated_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(**_pg_params("postgres")) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        Install(tmp_path_factory.mktemp("template"), name, lambda _install: None).ok(
            "migrate", "-v0"
        )
        yield name
    finally:
        with psycopg.connect(**_pg_params("postgres")) as conn, contextlib.suppress(psycopg.Error):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def install(tmp_path, migrated_sqlite, migrated_template) -> Iterator:
    """``install("name")``: a new, empty installation under tmp_path."""
    import contextlib

    made: list[str] = []

    def migrated(target: Install) -> None:
        if target.database is None:
            migrated_sqlite(target.data_dir / "koers.sqlite3")
            return
        import psycopg

        with psycopg.connect(**_pg_params("postgres")) as conn:
            conn.execute(f'DROP DATABASE "{target.database}"')
            conn.execute(f'CREATE DATABASE "{target.database}" TEMPLATE "{migrated_template}"')

    def new(name: str) -> Install:
        database = None
        if ON_POSTGRES:
            import psycopg

            database = f"{settings.DATABASES['default']['NAME']}_{name}_{uuid.uuid4().hex[:6]}"
            with psycopg.connect(**_pg_params("postgres")) as conn:
                conn.execute(f'CREATE DATABASE "{database}"')
            made.append(database)
        return Install(tmp_path / name, database, migrated)

    yield new
    if made:
        import psycopg

        with psycopg.connect(**_pg_params("postgres")) as conn:
            for database in made:
                with contextlib.suppress(psycopg.Error):
                    conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _add_media(source: Install) -> None:
    for name, data in (
        ("publishing/2026/11/poster.png", b"\x89PNG fake"),
        ("publishing/2026/12/flyer met spatie.pdf", b"%PDF-1.4 fake"),
    ):
        path = source.data_dir / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_a_backup_of_the_demo_restores_every_row_and_media_file(install, tmp_path):
    source = install("source")
    source.migrate()
    source.ok("demo")
    _add_media(source)
    archive = tmp_path / "koers.tar.gz"
    on_disk = [p for p in (source.data_dir / "media").rglob("*") if p.is_file()]

    written = json.loads(source.ok("backup", str(archive), "--json"))

    assert len(on_disk) > 2  # the demo's own media (the carousel's photos) and the two above
    assert written["media_files"] == len(on_disk)
    assert written["includes_keys"] is False
    assert written["database_vendor"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert "0001_retention_and_requests" in written["migrations"]["privacy"]
    with tarfile.open(archive) as tar:
        assert not [n for n in tar.getnames() if n.startswith("keys/")]
    target = install("target")
    target.ok("restore", str(archive))
    counts = source.row_counts()
    assert counts["listening_mention"] > 100 and counts["strategy_objective"] > 0
    assert target.row_counts() == counts
    assert target.media() == source.media()


def test_restore_refuses_a_database_that_is_not_empty(install, tmp_path):
    source = install("source")
    source.migrate()
    archive = tmp_path / "b.tar.gz"
    source.ok("backup", str(archive))
    before = source.row_counts()

    done = source.koers("restore", str(archive))

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"koers: the database is not empty ({len(before)} tables); restore only into an empty "
        "database or a new data folder."
    ]
    assert source.row_counts() == before


def test_restore_refuses_a_media_folder_that_is_not_empty(install, tmp_path):
    source = install("source")
    source.migrate()
    archive = tmp_path / "b.tar.gz"
    source.ok("backup", str(archive))
    target = install("target")
    (target.data_dir / "media").mkdir(parents=True)
    (target.data_dir / "media" / "old.txt").write_text("x")

    done = target.koers("restore", str(archive), "--json")

    assert done.returncode == 2
    assert json.loads(done.stdout)["problems"][0]["code"] == "target.not_empty"
    assert "Traceback" not in done.stderr


def _rewrite_manifest(archive: Path, out: Path, change) -> None:
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else b""
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_restore_refuses_an_archive_from_a_newer_koers(install, tmp_path):
    source = install("source")
    source.migrate()
    source.ok("backup", str(tmp_path / "now.tar.gz"))
    future = tmp_path / "future.tar.gz"
    _rewrite_manifest(
        tmp_path / "now.tar.gz", future, lambda m: m["migrations"]["core"].append("0099_future")
    )
    target = install("target")

    done = target.koers("restore", str(future))

    assert done.returncode == 2
    assert "newer koers" in done.stderr and "core.0099_future" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not target.row_counts().get("core_workspace")


def test_restore_migrates_an_older_archive_forward(install, tmp_path):
    source = install("source")
    source.migrate()
    source.ok("migrate", "privacy", "zero", "-v0")  # as made by a koers without the privacy app
    archive = tmp_path / "old.tar.gz"
    manifest = json.loads(source.ok("backup", str(archive), "--json"))
    assert "privacy" not in manifest["migrations"]
    target = install("target")

    restored = json.loads(target.ok("restore", str(archive), "--json"))

    assert restored["migrated"] == ["privacy.0001_retention_and_requests"]
    assert "privacy_retentionsettings" in target.row_counts()


def test_keys_are_in_the_archive_only_when_asked_for_with_a_warning(install, tmp_path):
    source = install("source")
    source.migrate()
    archive = tmp_path / "with-keys.tar.gz"

    done = source.koers("backup", str(archive), "--include-keys")

    assert done.returncode == 0
    assert done.stderr.startswith("warning: this archive holds the secret key")
    target = install("target")
    target.ok("restore", str(archive))
    for name in ("secret_key", "encryption_key"):
        assert (target.data_dir / name).read_text() == (source.data_dir / name).read_text()
        assert (target.data_dir / name).stat().st_mode & 0o077 == 0


def test_errors_are_one_clear_line_with_exit_code_2(install, tmp_path):
    target = install("target")
    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("hello")

    missing = target.koers("restore", str(tmp_path / "nope.tar.gz"))
    wrong = target.koers("restore", str(not_an_archive), "--json")
    nowhere = target.koers("backup", str(tmp_path / "no" / "such" / "folder.tar.gz"))

    assert missing.returncode == wrong.returncode == nowhere.returncode == 2
    assert missing.stderr.strip() == f"koers: {tmp_path / 'nope.tar.gz'} does not exist."
    assert json.loads(wrong.stdout)["problems"][0]["code"] == "archive.invalid"
    assert nowhere.stderr.strip().splitlines() == [
        f"koers: folder {tmp_path / 'no' / 'such'} does not exist."
    ]
