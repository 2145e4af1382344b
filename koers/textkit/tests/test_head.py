from __future__ import annotations

import numpy as np  # noqa: E402 - a pinned dependency (the embedding backend)
import pytest

from koers.textkit.head import Head, macro_f1, train_head, train_workspace_head
from koers.textkit.messages import InputError


def clusters(n_per_class: int = 40, d: int = 16, seed: int = 1) -> tuple[np.ndarray, list[str]]:
    """Three well-separated Gaussian clusters, one per sentiment label."""
    rng = np.random.default_rng(seed)
    centres = {"negative": -4.0, "neutral": 0.0, "positive": 4.0}
    xs: list[np.ndarray] = []
    labels: list[str] = []
    for label, centre in centres.items():
        xs.append(rng.normal(0.0, 0.5, size=(n_per_class, d)) + centre * np.eye(d)[0])
        labels += [label] * n_per_class
    return np.concatenate(xs), labels


def test_a_head_learns_separable_classes() -> None:
    x, labels = clusters()
    head = train_head(x, labels)
    predicted = [label for label, _ in head.predict(x)]
    assert macro_f1(labels, predicted) > 0.95
    assert head.classes == ("negative", "neutral", "positive")


def test_scores_are_positive_minus_negative_probability_in_range() -> None:
    x, labels = clusters()
    results = train_head(x, labels).predict(x)
    assert all(-1.0 <= score <= 1.0 for _, score in results)
    assert results[0][1] < 0 < results[-1][1]


def test_training_is_deterministic_for_a_seed() -> None:
    x, labels = clusters()
    assert train_head(x, labels, seed=3).to_bytes() == train_head(x, labels, seed=3).to_bytes()


def test_a_head_round_trips_through_bytes() -> None:
    x, labels = clusters()
    head = train_head(x, labels, meta={"source": "test"})
    again = Head.from_bytes(head.to_bytes())
    assert again.classes == head.classes
    assert again.meta["source"] == "test"
    assert np.allclose(again.probabilities(x), head.probabilities(x), atol=1e-6)


def test_garbage_bytes_are_a_clear_error() -> None:
    with pytest.raises(InputError, match="could not be read"):
        Head.from_bytes(b"not a head")


def test_a_workspace_head_reports_cross_validated_macro_f1() -> None:
    x, labels = clusters()
    noisy_default = train_head(*clusters(seed=9), steps=1)
    head, report = train_workspace_head(x, labels, min_count=20, folds=5, default=noisy_default)
    assert isinstance(head, Head)
    assert report.folds == 5 and len(report.macro_f1_per_fold) == 5
    assert report.n == 120 and report.counts == {"negative": 40, "neutral": 40, "positive": 40}
    assert report.macro_f1 > 0.9
    assert report.default_macro_f1 is not None
    assert report.better_than_default == (report.macro_f1 >= report.default_macro_f1 + 0.02)


def test_two_labels_are_enough_for_a_workspace_head() -> None:
    x, labels = clusters()
    keep = [i for i, label in enumerate(labels) if label != "neutral"]
    head, report = train_workspace_head(x[keep], [labels[i] for i in keep], min_count=20)
    assert head.classes == ("negative", "positive")
    assert report.macro_f1 > 0.9


def test_too_few_examples_of_a_label_name_the_label() -> None:
    x, labels = clusters()
    labels[:35] = ["neutral"] * 35  # five negatives left
    with pytest.raises(InputError, match="'negative' has 5, at least 20"):
        train_workspace_head(x, labels, min_count=20)


def test_one_label_is_not_enough() -> None:
    x, _ = clusters()
    with pytest.raises(InputError, match="two different labels"):
        train_workspace_head(x, ["positive"] * len(x), min_count=5)
