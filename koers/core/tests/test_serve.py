"""`koers serve` is one command: web server, task worker and scheduler, healthy within seconds."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
KOERS = [sys.executable, "-m", "koers"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def serve_env(tmp_path, migrated_sqlite) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    database = migrated_sqlite(tmp_path / "k.sqlite3")
    env |= {"KOERS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{database}"}
    return env


def start_serve(env: dict[str, str], port: int, *extra: str) -> subprocess.Popen:
    """Start ``koers serve``; its output goes to a file (a pipe would stay open in leftovers)."""
    log = Path(env["KOERS_DATA_DIR"]) / f"serve-{port}-{time.monotonic_ns()}.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*KOERS, "serve", "--port", str(port), "--web-workers", "1", *extra],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server.log = log  # type: ignore[attr-defined]
    return server


def wait_for_health(base: str, want_ok: bool = True, seconds: float = 180) -> dict | None:
    """The last /healthz answer (JSON), waiting until it is ok (or just answers)."""
    health, deadline = None, time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, body = get(f"{base}/healthz")
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
            continue
        health = json.loads(body)
        if status == 200 or not want_ok:
            break
        time.sleep(0.5)
    return health


def children_of(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stop(server: subprocess.Popen) -> str:
    """Stop with Ctrl+C (kill after 30 s) and return everything it printed."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
    return server.log.read_text()  # type: ignore[attr-defined]


def test_serve_answers_pages_and_reports_worker_and_scheduler_healthy(serve_env):
    port = free_port()
    server = start_serve(serve_env | {"KOERS_LANGUAGE": "en"}, port)
    base = f"http://127.0.0.1:{port}"
    try:
        health = wait_for_health(base)
        assert health is not None and health["ok"] is True, health
        assert health["worker"]["ok"] and health["scheduler"]["ok"]
        status, body = get(f"{base}/setup/")
        assert status == 200
        assert b"koers" in body
    finally:
        output = stop(server)
    assert f"koers is starting at http://localhost:{port}/" in output
    assert "create the owner account" in output
    # KOERS_BASE_URL is left at its default, http://127.0.0.1:8000, which is not where we listen.
    assert f"KOERS_BASE_URL is http://127.0.0.1:8000 but koers listens on port {port}" in output


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree in /proc")
def test_web_workers_die_with_a_killed_serve_and_a_restart_on_the_same_port_works(serve_env):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_serve(serve_env, port)
    try:
        assert wait_for_health(base, want_ok=False) is not None
        web_workers = children_of(server.pid)
        assert web_workers, "koers serve started no web worker process"
        server.kill()  # kill -9: no chance to clean up
        server.wait(timeout=30)
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in web_workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        survivors = [pid for pid in web_workers if alive(pid)]
        assert survivors == [], "web workers outlived their killed parent"
    finally:
        for pid in web_workers if server.returncode is not None else ():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if server.returncode is None:
            server.kill()
            server.wait(timeout=30)

    second = start_serve(serve_env, port)
    try:
        health = wait_for_health(base, want_ok=False)
        assert health is not None and "database" in health
        assert second.poll() is None  # it is the one answering, not a leftover
    finally:
        output = stop(second)
    assert "already in use" not in output
