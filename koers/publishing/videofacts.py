"""How long an uploaded video lasts, read from the file itself (no Django, no ffprobe).

MP4 and QuickTime files are a tree of boxes (ISO/IEC 14496-12): ``moov`` holds ``mvhd``, whose
``timescale`` (units a second) and ``duration`` give the length. ``moov`` may come before or
after the media data (``mdat``): the walk seeks past boxes instead of reading them.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

#: Boxes read at most on one level: a damaged file never loops for long.
MAX_BOXES = 10_000


def _boxes(handle: BinaryIO, start: int, end: int | None) -> list[tuple[bytes, int, int]]:
    """(type, content start, content end) of each box between ``start`` and ``end``."""
    found: list[tuple[bytes, int, int]] = []
    position = start
    for _box in range(MAX_BOXES):
        if end is not None and position + 8 > end:
            break
        handle.seek(position)
        header = handle.read(8)
        if len(header) < 8:
            break
        size, kind = struct.unpack(">I4s", header)
        content = position + 8
        if size == 1:  # a 64-bit size follows the type
            large = handle.read(8)
            if len(large) < 8:
                break
            size = struct.unpack(">Q", large)[0]
            content += 8
        elif size == 0:  # to the end of the file (or of the parent)
            handle.seek(0, 2)
            size = (end if end is not None else handle.tell()) - position
        if size < content - position:
            break
        found.append((kind, content, position + size))
        position += size
    return found


def video_seconds(handle: BinaryIO) -> float | None:
    """The length of an MP4/QuickTime video in seconds; ``None`` when the file has no readable
    ``moov/mvhd`` (WebM, damaged or cut-off files)."""
    for kind, start, end in _boxes(handle, 0, None):
        if kind != b"moov":
            continue
        for inner, content, inner_end in _boxes(handle, start, end):
            if inner != b"mvhd":
                continue
            handle.seek(content)
            body = handle.read(min(inner_end - content, 32))
            if len(body) < 20:
                return None
            if body[0] == 1:
                if len(body) < 32:
                    return None
                timescale, duration = struct.unpack(">IQ", body[20:32])
            else:
                timescale, duration = struct.unpack(">II", body[12:20])
            return duration / timescale if timescale else None
    return None
