"""Settings for the test suite: ``koers.settings`` plus what keeps the suite fast and contained.

* The data folder (generated keys, SQLite database, media) is a temporary folder, never the
  checkout's ``var/``; it is removed when the test process that made it ends. Servers and
  commands a test starts inherit it unless the test gives them a folder of their own.
* Passwords are hashed with a fast hasher: the production PBKDF2 costs ~0.3 s per account and
  the cast creates several accounts per test. No test depends on the hasher's strength.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

if not os.environ.get("KOERS_DATA_DIR"):
    _data_dir = tempfile.mkdtemp(prefix="koers-test-")
    os.environ["KOERS_DATA_DIR"] = _data_dir
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)

from koers.settings import *  # noqa: E402, F403 - this module is the settings plus overrides

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
