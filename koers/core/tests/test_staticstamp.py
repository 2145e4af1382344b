"""`koers serve` collects the static files again only when their sources changed (a full
collect with WhiteNoise's compression takes 16 s of every start)."""

from __future__ import annotations

import os

import pytest

from koers.core.staticstamp import STAMP, collect_static


def test_static_files_are_collected_again_only_when_a_source_changed(tmp_path, settings):
    sources = tmp_path / "sources"
    sources.mkdir()
    source = sources / "koers-proef.css"
    source.write_text("body { color: teal; }")
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = tmp_path / "collected"
    collected = tmp_path / "collected" / "koers-proef.css"

    assert collect_static() is True
    assert collected.read_text() == "body { color: teal; }"
    assert (tmp_path / "collected" / STAMP).is_file()

    collected.unlink()  # a second start collects nothing: the file stays away
    assert collect_static() is False
    assert not collected.exists()

    source.write_text("body { color: navy; }")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    assert collect_static() is True
    assert collected.read_text() == "body { color: navy; }"

    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    }
    assert collect_static() is True  # another storage makes other files
    assert (tmp_path / "collected" / "staticfiles.json").is_file()
    assert collect_static() is False


def test_a_collect_that_fails_is_tried_again_next_time(tmp_path, settings, monkeypatch):
    from koers.core import staticstamp

    settings.STATIC_ROOT = tmp_path / "collected"
    assert collect_static() is True
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "nieuw.js").write_text("1")
    settings.STATICFILES_DIRS = [tmp_path / "sources"]

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(staticstamp, "call_command", broken)
        with pytest.raises(OSError, match="disk full"):
            collect_static()

    assert collect_static() is True
    assert (tmp_path / "collected" / "nieuw.js").read_text() == "1"
