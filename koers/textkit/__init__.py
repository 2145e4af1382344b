"""textkit: language detection and sentiment for social posts. Pure Python, no Django.

Public API (see each module for its contract):

* :func:`analyse` (texts, lang_hint=None, backend="lexicon") → list of :class:`Result`
  (lang, label, score, backend); backends "lexicon" and "embedding".
* :func:`detect_languages` / :func:`detect_language`: a language code ("nl", "ru", any of the
  176 the default detector knows) or "unknown".
* :func:`train_workspace_head` (texts or embeddings, labels, min_count=…) → (:class:`Head`,
  :class:`CvReport`); ``Head.to_bytes()`` / ``Head.from_bytes()`` to store it.
* Errors: :class:`TextkitError` (bilingual, ``.translated("nl")``), its subclasses
  :class:`BackendUnavailable` (optional package or file missing) and :class:`InputError`.
* Command line: ``python -m koers.textkit.cli`` (:func:`koers.textkit.cli.main`).
"""

from __future__ import annotations

from koers.textkit.head import CvReport, Head, train_workspace_head
from koers.textkit.language import LANGUAGES, UNKNOWN, detect_language, detect_languages
from koers.textkit.messages import BackendUnavailable, InputError, TextkitError
from koers.textkit.sentiment import LABELS, Result, analyse, backend_names

__all__ = [
    "LABELS",
    "LANGUAGES",
    "UNKNOWN",
    "BackendUnavailable",
    "CvReport",
    "Head",
    "InputError",
    "Result",
    "TextkitError",
    "analyse",
    "backend_names",
    "detect_language",
    "detect_languages",
    "train_workspace_head",
]
