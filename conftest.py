"""The fixture cast shared by every test: anna (owner), bram (editor), carla (outsider),
dirk (contributor in Acme), vera (viewer in Acme)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from hypothesis import settings as hypothesis_settings

from koers.core import actions
from koers.core.models import Membership, Role, Workspace

# Channels on the local fake servers (publishing, the inbox): one definition for every app.
pytest_plugins = ["koers.publishing.tests.channels"]

PASSWORD = "koers-test-wachtwoord-42"  # noqa: S105 - a test account's password

# Property tests judge behaviour, never speed: no per-example deadline, so a loaded CI machine
# can't fail them.
hypothesis_settings.register_profile("koers", deadline=None)
hypothesis_settings.load_profile("koers")


def pytest_configure(config):
    """``KOERS_TEST_NOW=2026-10-24T23:58+00:00 make test`` runs the suite at that moment.

    The clock starts there and ticks on, in this process only (not in the servers, workers
    or browser a test starts). It finds tests that pass at noon but fail near midnight, at a
    month end or on the night the clocks change.
    """
    when = os.environ.get("KOERS_TEST_NOW")
    if when:
        time_machine.travel(datetime.fromisoformat(when), tick=True).start()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Callable[[Path], Path]:
    """``migrated_sqlite(path)`` puts a SQLite database with every migration applied at
    ``path``: ``koers migrate`` runs once per test process (a migrate of every app costs ~20 s
    of CPU), each test gets its own copy. For tests of commands that need a migrated install;
    tests of migrating itself run ``koers migrate``."""
    folder = tmp_path_factory.mktemp("migrated")
    template = folder / "template.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"KOERS_DATA_DIR": str(folder), "DATABASE_URL": f"sqlite:///{template}"}
    subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "koers", "migrate", "--verbosity", "0"],
        env=env,
        cwd=Path(__file__).resolve().parent,
        check=True,
        capture_output=True,
        timeout=300,
    )

    def copy(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
        path.chmod(0o600)
        return path

    return copy


@pytest.fixture
def anna(db):
    return get_user_model().objects.create_user("anna", "anna@example.nl", PASSWORD)


@pytest.fixture
def bram(db):
    return get_user_model().objects.create_user("bram", "bram@example.nl", PASSWORD)


@pytest.fixture
def carla(db):
    return get_user_model().objects.create_user("carla", "carla@example.be", PASSWORD)


@pytest.fixture
def acme(anna, bram) -> Workspace:
    """Anna's workspace; Bram is an editor in it."""
    workspace = actions.create_workspace(anna, name="Acme Fietsen", slug="acme")
    Membership.objects.create(workspace=workspace, user=bram, role=Role.EDITOR)
    return workspace


@pytest.fixture
def dirk(django_user_model, acme):
    """A contributor in Acme."""
    user = django_user_model.objects.create_user("dirk", "dirk@example.nl", "x-pass-123456")
    Membership.objects.create(workspace=acme, user=user, role=Role.CONTRIBUTOR)
    return user


@pytest.fixture
def vera(django_user_model, acme):
    """A viewer in Acme."""
    user = django_user_model.objects.create_user("vera", "vera@example.nl", "x-pass-123456")
    Membership.objects.create(workspace=acme, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def bolt(carla) -> Workspace:
    """Carla's own workspace; she is a stranger to Acme."""
    return actions.create_workspace(carla, name="Bolt Energie", slug="bolt")


@pytest.fixture
def client_for(client):
    """Log a user in on the test client: ``client_for(anna).get(...)``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _fake_servers_are_private(settings):
    # The fake network servers listen on 127.0.0.1, which the outbound guard refuses by
    # default; the guard's own tests set this back to False.
    settings.KOERS_ALLOW_PRIVATE_URLS = True


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth's login throttles and used TOTP codes live in the (per-process) cache: one test's
    # failed logins must not throttle the next test's.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Tests render templates without running collectstatic; the manifest storage would refuse.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
