from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from koers.core import crypto


def test_credentials_round_trip_and_are_not_stored_in_clear():
    token = crypto.encrypt("geheim-token-123")
    assert "geheim" not in token
    assert crypto.decrypt(token) == "geheim-token-123"


def test_rotation_keeps_old_values_readable_and_moves_them_to_the_new_key(settings):
    old_key = settings.KOERS_ENCRYPTION_KEYS[0]
    stored = crypto.encrypt("app-password")
    new_key = Fernet.generate_key().decode()
    settings.KOERS_ENCRYPTION_KEYS = [new_key, old_key]
    assert crypto.decrypt(stored) == "app-password"
    rotated = crypto.rotate(stored)
    settings.KOERS_ENCRYPTION_KEYS = [new_key]
    assert crypto.decrypt(rotated) == "app-password"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored)
