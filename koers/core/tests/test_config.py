from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from koers.env import (
    env_bool,
    env_data_dir,
    env_int,
    env_outbound_allowlist,
    env_secret,
    env_secret_fernet,
    env_time_zone,
)

ROOT = Path(__file__).resolve().parents[3]


def run_koers(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "koers", *args],
        cwd=ROOT,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,  # a migrate of every app takes ~20 s of CPU; a busy 2-core machine triples it
    )


@pytest.mark.parametrize("raw", ["yes", "TRUE", "1", "on"])
def test_env_bool_accepts_true_words(monkeypatch, raw):
    monkeypatch.setenv("KOERS_X", raw)
    assert env_bool("KOERS_X", False) is True


def test_env_bool_rejects_other_words_naming_the_variable(monkeypatch):
    monkeypatch.setenv("KOERS_DEBUG", "misschien")
    with pytest.raises(ImproperlyConfigured, match="KOERS_DEBUG='misschien'"):
        env_bool("KOERS_DEBUG", False)


def test_env_int_rejects_text_and_too_small_values(monkeypatch):
    monkeypatch.setenv("KOERS_N", "tien")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("KOERS_N", 1)
    monkeypatch.setenv("KOERS_N", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum is 1"):
        env_int("KOERS_N", 1, minimum=1)


def test_unknown_time_zone_is_refused(monkeypatch):
    monkeypatch.setenv("KOERS_TIME_ZONE", "Europe/Amsterdm")
    with pytest.raises(ImproperlyConfigured, match="not a known time zone"):
        env_time_zone("KOERS_TIME_ZONE", "UTC")


def test_the_outbound_allowlist_takes_hosts_and_ranges_and_names_a_wrong_entry(monkeypatch):
    monkeypatch.setenv("KOERS_OUTBOUND_ALLOWLIST", "intranet.example.nl, 10.0.0.0/8")
    assert env_outbound_allowlist("KOERS_OUTBOUND_ALLOWLIST") == [
        "intranet.example.nl",
        "10.0.0.0/8",
    ]
    monkeypatch.setenv("KOERS_OUTBOUND_ALLOWLIST", "10.0.0.0/8, http://intranet/")
    with pytest.raises(ImproperlyConfigured, match="KOERS_OUTBOUND_ALLOWLIST.*http://intranet/"):
        env_outbound_allowlist("KOERS_OUTBOUND_ALLOWLIST")


def test_koers_check_refuses_a_wrong_private_urls_switch(tmp_path):
    env = {"KOERS_DATA_DIR": str(tmp_path), "KOERS_ALLOW_PRIVATE_URLS": "soms"}
    result = run_koers("check", env=env)
    assert result.returncode == 2
    assert "KOERS_ALLOW_PRIVATE_URLS='soms' is not a boolean" in result.stderr


def test_koers_check_warns_when_private_urls_are_allowed(settings):
    from koers.core.checks import check_configuration

    settings.KOERS_ALLOW_PRIVATE_URLS = False
    assert "config.private_urls" not in {p.code for p in check_configuration()}
    settings.KOERS_ALLOW_PRIVATE_URLS = True
    [warning] = [p for p in check_configuration() if p.code == "config.private_urls"]
    assert warning.level == "warning" and "KOERS_OUTBOUND_ALLOWLIST" in warning.message


def test_secret_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("KOERS_SECRET_KEY", raising=False)
    first = env_secret("KOERS_SECRET_KEY", tmp_path, "secret_key")
    assert first == env_secret("KOERS_SECRET_KEY", tmp_path, "secret_key")
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_short_secret_from_environment_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("KOERS_SECRET_KEY", "kort")
    with pytest.raises(ImproperlyConfigured, match="too short"):
        env_secret("KOERS_SECRET_KEY", tmp_path, "secret_key")


def test_koers_check_reports_an_unreachable_database_clearly(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_koers(
        "check",
        env={
            "KOERS_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"postgres://koers@127.0.0.1:{port}/koers",
            "KOERS_LANGUAGE": "en",  # koers check speaks Dutch by default
        },
    )
    assert result.returncode == 1
    assert (
        f"Cannot connect to the database (PostgreSQL koers@127.0.0.1:{port}/koers)" in result.stdout
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_koers_check_json_reports_a_malformed_database_url(tmp_path):
    result = run_koers(
        "check", "--json", env={"KOERS_DATA_DIR": str(tmp_path), "DATABASE_URL": "mysqll://x"}
    )
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"][0]["code"] == "config.invalid"
    assert "DATABASE_URL" in report["problems"][0]["message"]
    assert "Traceback" not in result.stderr


def test_wrong_env_value_gives_one_line_not_a_traceback(tmp_path):
    result = run_koers("migrate", env={"KOERS_DATA_DIR": str(tmp_path), "KOERS_DEBUG": "wellicht"})
    assert result.returncode == 2
    assert "KOERS_DEBUG='wellicht' is not a boolean" in result.stderr
    assert "Traceback" not in result.stderr


def test_fresh_sqlite_install_migrates_and_checks_clean_in_wal_mode(tmp_path):
    clean_env = {"KOERS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/k.sqlite3"}
    assert run_koers("migrate", "--verbosity", "0", env=clean_env).returncode == 0
    result = run_koers("check", "--json", env=clean_env)
    report = json.loads(result.stdout)
    assert report["ok"] is True, report
    import sqlite3

    mode = sqlite3.connect(tmp_path / "k.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_version_flag_prints_the_version():
    result = run_koers("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("koers 0.")


def test_createuser_reads_the_password_from_stdin_and_prints_json(tmp_path, migrated_sqlite):
    migrated_sqlite(tmp_path / "k.sqlite3")
    env = {"KOERS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/k.sqlite3"}
    result = run_koers(
        "createuser",
        "eva",
        "--password-stdin",
        "--workspace",
        "wijk",
        "--json",
        env=env,
        stdin="een-heel-lang-wachtwoord\n",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ok": True,
        "username": "eva",
        "workspace": "wijk",
        "role": "owner",
    }
    again = run_koers("createuser", "eva", "--password-stdin", env=env, stdin="x\n")
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_second_serve_on_a_taken_port_says_so(tmp_path, migrated_sqlite):
    migrated_sqlite(tmp_path / "k.sqlite3")
    env = {"KOERS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/k.sqlite3"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_koers("serve", "--port", str(port), env=env)
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def usual_umask():
    """The umask most systems start with (022), which leaves new files readable by everyone."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_data_folder_and_its_key_files_are_private(tmp_path, monkeypatch, usual_umask):
    monkeypatch.setenv("KOERS_DATA_DIR", str(tmp_path / "nieuw" / "var"))
    data_dir = env_data_dir("KOERS_DATA_DIR", tmp_path / "unused")
    env_secret_fernet(data_dir, "encryption_key")
    monkeypatch.delenv("KOERS_SECRET_KEY", raising=False)
    env_secret("KOERS_SECRET_KEY", data_dir, "secret_key")
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "encryption_key").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_sqlite_database_and_its_wal_and_shm_files_are_private(
    tmp_path, usual_umask, django_db_blocker
):
    from django.db.utils import ConnectionHandler

    from koers.settings import _database

    database = tmp_path / "koers.sqlite3"
    handler = ConnectionHandler({"default": _database(f"sqlite:///{database}")})
    connection = handler["default"]
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:  # WAL mode: the -wal and -shm files appear now
            cursor.execute("CREATE TABLE t (x INTEGER)")
            cursor.execute("INSERT INTO t VALUES (1)")
        files = sorted(p.name for p in tmp_path.iterdir())
        assert files == ["koers.sqlite3", "koers.sqlite3-shm", "koers.sqlite3-wal"]
        modes = {name: (tmp_path / name).stat().st_mode & 0o777 for name in files}
        assert modes == dict.fromkeys(files, 0o600)
        handler.close_all()


def test_an_existing_world_readable_sqlite_database_is_made_private_on_connect(
    tmp_path, django_db_blocker
):
    from django.db.utils import ConnectionHandler

    from koers.settings import _database

    database = tmp_path / "koers.sqlite3"
    database.touch()
    database.chmod(0o644)
    handler = ConnectionHandler({"default": _database(f"sqlite:///{database}")})
    with django_db_blocker.unblock():
        handler["default"].ensure_connection()
        assert database.stat().st_mode & 0o777 == 0o600
        handler.close_all()


def test_koers_check_calls_a_broken_key_base_url_and_empty_allowed_hosts_errors(
    tmp_path, migrated_sqlite
):
    migrated_sqlite(tmp_path / "k.sqlite3")
    env = {
        "KOERS_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/k.sqlite3",
        "KOERS_LANGUAGE": "en",
    }
    broken = env | {
        "KOERS_ENCRYPTION_KEYS": "geen-fernet-sleutel-maar-wel-lang-genoeg",
        "KOERS_BASE_URL": "not a url",
        "KOERS_ALLOWED_HOSTS": "",
    }
    result = run_koers("check", "--json", env=broken)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    errors = {p["code"]: p["message"] for p in report["problems"] if p["level"] == "error"}
    assert set(errors) == {
        "config.encryption_key_invalid",
        "config.base_url_invalid",
        "config.allowed_hosts_empty",
    }
    assert (
        "Key 1 in KOERS_ENCRYPTION_KEYS is not a Fernet key"
        in errors["config.encryption_key_invalid"]
    )
    assert "geen-fernet-sleutel" not in result.stdout  # a key is a secret, even a broken one
    assert "KOERS_BASE_URL='not a url'" in errors["config.base_url_invalid"]


def test_allowed_hosts_star_is_a_warning_in_dutch_by_default(settings):
    from django.utils import translation

    from koers.core.checks import check_allowed_hosts

    settings.ALLOWED_HOSTS = ["*"]
    with translation.override("nl"):
        [problem] = check_allowed_hosts()
    assert (problem.level, problem.code) == ("warning", "config.allowed_hosts_any")
    assert "KOERS_ALLOWED_HOSTS" in problem.message and "elke hostnaam" in problem.message
    settings.ALLOWED_HOSTS = ["koers.example.nl"]
    assert check_allowed_hosts() == []


@pytest.mark.django_db
def test_a_valid_key_that_opens_no_stored_credential_is_an_error(settings, acme):
    from cryptography.fernet import Fernet

    from koers.core.checks import check_stored_secrets
    from koers.publishing.models import Channel

    for n in range(3):
        channel = Channel(workspace=acme, network="webhook", name=f"kanaal {n}")
        channel.endpoint = "https://hooks.example.nl/k"
        channel.set_secret(f"geheim-{n}")
        channel.save()
    assert check_stored_secrets() == []
    # A restore without its key file: a new key is generated, valid but the wrong one.
    settings.KOERS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    [problem] = check_stored_secrets()
    assert (problem.level, problem.code) == ("error", "config.encryption_key_wrong")
    assert "restored without its key" in problem.message or "zonder zijn sleutel" in problem.message


@pytest.mark.parametrize(
    ("base_url", "listen_port", "warned"),
    [
        ("http://127.0.0.1:8000", 8101, True),  # the incident: alert links pointed at :8000
        ("http://localhost:8101", 8101, False),
        ("https://koers.example.nl", 8000, False),  # behind a proxy on 443
        ("http://koers.example.nl:8080", 8000, True),  # a named port that is not ours
        ("http://localhost", 8000, True),  # port 80 implied, on this machine
    ],
)
def test_serve_warns_when_the_base_url_port_is_not_the_port_it_listens_on(
    settings, base_url, listen_port, warned
):
    from koers.core.checks import base_url_port_mismatch

    settings.BASE_URL = base_url
    message = base_url_port_mismatch("127.0.0.1", listen_port)
    assert (message is not None) is warned
    if warned:
        assert str(listen_port) in message and "KOERS_BASE_URL" in message
