"""Receiving uploads in bounded memory, and refusing ones that are too large before reading them.

How an upload arrives (settings ``FILE_UPLOAD_HANDLERS``): :class:`UploadLimitHandler` looks at
the request's announced length first. A request longer than ``KOERS_MAX_UPLOAD_MB`` (plus room
for the form's other fields) keeps its form fields, but each file in it is received as a
:class:`RefusedUpload`: its bytes are counted and dropped as they stream past, never held in
memory or written to disk, and the form's size check refuses it with its own clear message.
Requests within the limit go on to Django's handlers: files up to
``FILE_UPLOAD_MAX_MEMORY_SIZE`` stay in memory, larger ones stream to a temporary file.

Every form with a file field checks ``upload.size`` against its own limit
(:class:`LimitedFileField` or a ``clean_<field>`` of its own) before reading a byte; the
limits are listed in README.md ("Configuration"). ``KOERS_MAX_UPLOAD_MB`` is at least 20:
above every fixed form limit plus the other fields a form can carry, so a dropped file is
always over its form's own limit too. Readers then go through the file in chunks or lines,
never ``.read()`` whole.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MB = 1024 * 1024
#: Room for the other fields of a form (names, choices, the CSRF token) beside its file.
FORM_FIELDS_ALLOWANCE = MB


def max_upload_bytes() -> int:
    """The largest file any form accepts (the listening import's limit)."""
    return int(settings.KOERS_MAX_UPLOAD_MB) * MB


class RefusedUpload(UploadedFile):
    """Stands in for a file of a request that was too large: no content, the size it had."""

    def __init__(self, name: str, size: int, content_type: str | None) -> None:
        super().__init__(BytesIO(), name=name, content_type=content_type, size=size)


class UploadLimitHandler(FileUploadHandler):
    """First upload handler: drops the files of a request longer than the configured limit
    unread (see the module docstring); otherwise steps aside for the next handlers."""

    too_large = False

    def handle_raw_input(  # noqa: PLR0913 - Django's signature
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 - Django's name
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        self.too_large = content_length > max_upload_bytes() + FORM_FIELDS_ALLOWANCE

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.too_large:
            raise StopFutureHandlers  # later handlers neither buffer nor spool this file

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        # None ends the chain: the chunk is dropped (only counted, by the parser).
        return None if self.too_large else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.too_large:
            return None  # the next handler holds the file
        return RefusedUpload(self.file_name or "upload", file_size, self.content_type)


def size_error(limit_bytes: int) -> forms.ValidationError:
    return forms.ValidationError(
        _("The file is larger than %(limit)s; choose a smaller one.")
        % {"limit": filesizeformat(limit_bytes)},
        code="file_too_large",
    )


class LimitedFileField(forms.FileField):
    """A file field that refuses files over ``max_bytes`` by their size, before anything reads
    them (``max_bytes=None``: the configured ``KOERS_MAX_UPLOAD_MB``)."""

    def __init__(self, *args: Any, max_bytes: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    @property
    def limit(self) -> int:
        if self.max_bytes is None:
            return max_upload_bytes()
        return min(self.max_bytes, max_upload_bytes())

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if isinstance(value, RefusedUpload) or getattr(value, "size", 0) > self.limit:
            raise size_error(self.limit)
