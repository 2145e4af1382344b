"""Scale-out: several `koers worker` processes share one queue and run each task exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def worker_env(tmp_path):
    """A migrated throwaway database: PostgreSQL when the suite runs on it, else SQLite (WAL)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["KOERS_DATA_DIR"] = str(tmp_path)
    url = os.environ.get("DATABASE_URL", "")
    dropdb = None
    if url.startswith("postgres"):
        name = f"koers_worker_{uuid.uuid4().hex[:8]}"
        admin = urlparse(url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlparse(url)._replace(path=f"/{name}").geturl()

        def dropdb() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path}/koers.sqlite3"
    koers = [sys.executable, "-m", "koers"]
    subprocess.run([*koers, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    yield env
    if dropdb is not None:
        dropdb()


def probe(env, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "koers.core.tests.worker_probe", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_two_worker_processes_run_every_task_exactly_once(worker_env):
    assert probe(worker_env, "enqueue", "60")["pending"] == 60
    command = [sys.executable, "-m", "koers", "worker", "--interval", "0.05", "--no-scheduler"]
    workers = [
        subprocess.Popen(command, env=worker_env, cwd=ROOT, stdout=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 90
        state = probe(worker_env, "status")
        while state["pending"] and time.monotonic() < deadline:
            time.sleep(0.5)
            state = probe(worker_env, "status")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    assert state["runs"] == list(range(60))  # every task once: none lost, none twice
    assert state["successful"] == 60
