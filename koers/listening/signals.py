"""Signals other apps listen to (they depend on listening, never the other way round)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent (sender=Mention) inside the transaction of a sentiment correction, with ``mention``
#: and its new ``sentiment``: copies of the sentiment elsewhere (the inbox's order) follow.
sentiment_corrected = Signal()
