"""Which background work goes first: task queues and priorities, in one place.

django-tasks-db claims the ready task with the highest ``priority`` first (then the oldest), so
time-critical work (publishing, replies, alerts) carries ``URGENT`` and bulk work (link checks,
back-fills, training) ``BULK``. On top of that every worker process runs one extra thread that
serves only ``TIME_CRITICAL_QUEUES``: a slow link check can then never hold up a due post, even
when all general threads are busy.
"""

from __future__ import annotations

# The worker heartbeat task runs this often; /healthz allows three missed beats by default.
HEARTBEAT_SECONDS = 20

# django.tasks allows -100…100; 0 is the default.
HEARTBEAT = 100  # proves the queue moves; must not wait behind anything
URGENT = 50  # someone is waiting for it at a given minute: a due post, a reply, an alert
BULK = -50  # may wait: link and channel checks, back-fills, model training, clean-ups

# Queues the dedicated time-critical thread serves; every queue must be listed in settings.TASKS.
TIME_CRITICAL_QUEUES = ["publishing", "replies", "alerts", "heartbeat"]
ALL_QUEUES = ["default", "listening", "engagement", *TIME_CRITICAL_QUEUES]
