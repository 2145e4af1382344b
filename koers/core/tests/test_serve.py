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

ROOT = Path(__file__).resolve().parents[3]


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


def test_serve_answers_pages_and_reports_worker_and_scheduler_healthy(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"KOERS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/k.sqlite3"}
    koers = [sys.executable, "-m", "koers"]
    subprocess.run([*koers, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    port = free_port()
    server = subprocess.Popen(
        [*koers, "serve", "--port", str(port), "--web-workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        health, deadline = None, time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                status, body = get(f"{base}/healthz")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
                continue
            health = json.loads(body)
            if status == 200:
                break
            time.sleep(0.5)
        assert health is not None and health["ok"] is True, health
        assert health["worker"]["ok"] and health["scheduler"]["ok"]
        status, body = get(f"{base}/setup/")
        assert status == 200
        assert b"koers" in body
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert f"koers is starting at http://localhost:{port}/" in output
    assert "create the owner account" in output
