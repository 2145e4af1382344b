"""The SQLite database and its -wal/-shm files are readable by koers' own user only (0600).

SQLite creates them with mode 0644 and gives the -wal and -shm files the database file's mode, so
a fresh install left its data (sessions, encrypted tokens, personal data in mentions) readable by
every user on the machine. The data folder itself is created 0700 (``koers.env.env_data_dir``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

PRIVATE_FILE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def make_private(path: Path) -> None:
    """Take away every permission of group and others from ``path`` if it exists."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        return
    except PermissionError:  # a file of another user (a read-only copy): not ours to change
        return


def keep_sqlite_private(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: right after SQLite opened (and maybe created) its files."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    database = Path(str(connection.settings_dict["NAME"]))
    for suffix in SQLITE_SUFFIXES:
        make_private(database.with_name(database.name + suffix))
