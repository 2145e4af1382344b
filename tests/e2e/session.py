"""Logging in through the login page, as a person does; one helper for every browser test."""

from __future__ import annotations

import re

from conftest import PASSWORD


def log_in(page, username: str = "anna", password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label(re.compile(r"^Wachtwoord:?$")).fill(password)
    # Exact: the page also has "Inloggen met een passkey…" and single sign-on buttons.
    page.get_by_role("button", name="Inloggen", exact=True).click()


def jpeg_file(path, width: int, height: int) -> str:
    """A plain JPEG of that size at ``path`` (for an upload field); its path as text."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 200)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)
