"""The web worker processes ``koers serve`` starts (granian): they live and die with it.

A web worker that outlives a killed ``koers serve`` keeps the port and answers ``/healthz`` with
nobody running tasks, and the next start fails with "port already in use". So each worker asks
the kernel to kill it when its parent dies (Linux ``PR_SET_PDEATHSIG``) and, where that does not
exist, watches its parent itself.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

PARENT_ENV = "KOERS_SERVE_PID"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL_SECONDS = 1.0


def application() -> Callable[..., Any]:
    """Granian factory: called once in each web worker, before it serves its first request."""
    die_with_parent()
    from koers.wsgi import application as wsgi_application

    return wsgi_application


def die_with_parent() -> None:
    """End this process as soon as the ``koers serve`` process that started it is gone."""
    parent = int(os.environ.get(PARENT_ENV) or 0)
    if not parent:
        return
    if sys.platform.startswith("linux"):
        # SIGKILL, not SIGTERM: the parent crashed, nothing coordinates a graceful stop any more,
        # and open database transactions roll back on their own. The port must be free at once.
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(
        target=_watch_parent, args=(parent,), name="koers-parent-watch", daemon=True
    ).start()


def _watch_parent(parent: int) -> None:
    """Fallback where the kernel can't do it: an orphan is adopted by another process."""
    stop = threading.Event()
    while not stop.wait(PARENT_POLL_SECONDS):
        if os.getppid() != parent:
            os._exit(1)
