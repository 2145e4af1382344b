"""Train the default embedding head (``heads/sentiment-e5-small.npz``); reproducible, seeded.

    python -m koers.textkit.train_head [--eval-dir var/eval] [--seed 0] [--out PATH]

Data: only licence-clean data, VADER's four human-rated sets (MIT; tweets, movie reviews,
Amazon reviews, NYT editorials) from the vaderSentiment source package, downloaded into
``--eval-dir`` by :func:`koers.textkit.datasets.fetch`. Mean ratings become three classes
(±0.5 band, :data:`koers.textkit.datasets.NEUTRAL_RATING_BAND`). One item in five (by a hash
of its id) is held out of training; the report shows the head on the held-out tweets and
the English→Dutch transfer (no Dutch is used in training) on the bol.com reviews and on our
own Dutch posts in ``tests/data/sentiment_nl.tsv``.

Embeddings are cached under ``<eval-dir>/embeddings`` (a first run embeds ~27,000 texts,
several minutes on two cores; later runs take seconds). The head is trained full-batch with
a fixed seed, so the same data gives the same weights.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from koers.textkit import datasets
from koers.textkit.embedding import MODEL_NAME, embed_cached, require_numpy
from koers.textkit.evaluate import metrics
from koers.textkit.head import DEFAULT_HEAD_PATH, Head, train_head

DUTCH_POSTS = Path(__file__).parent / "tests" / "data" / "sentiment_nl.tsv"
L2_GRID = (1e-3, 1e-2, 1e-1)


def load_vader(eval_dir: Path) -> dict[str, tuple[list[str], list[str], list[bool], Any]]:
    """Per VADER set: texts, 3-class labels, held-out flags and embeddings."""
    out = {}
    for name in datasets.VADER_SETS:
        rows = datasets.vader_set(eval_dir, name)
        texts = [text for _, text, _ in rows]
        labels = [datasets.rating_label(rating) for _, _, rating in rows]
        held = [datasets.is_held_out(item_id) for item_id, _, _ in rows]
        out[name] = (texts, labels, held, embed_cached(texts, eval_dir / "embeddings", name))
    return out


def choose_l2(x: Any, labels: list[str], seed: int) -> float:
    """Pick L2 from :data:`L2_GRID` by macro-F1 on a seeded 20 % validation split."""
    np_ = require_numpy()
    rng = np_.random.default_rng(seed)
    order = rng.permutation(len(labels))
    cut = len(order) // 5
    valid, train = order[:cut], order[cut:]
    best, best_score = L2_GRID[0], -1.0
    for l2 in L2_GRID:
        head = train_head(x[train], [labels[i] for i in train], l2=l2, seed=seed)
        gold = [labels[i] for i in valid]
        score = metrics(gold, [lab for lab, _ in head.predict(x[valid])], 1.0)["macro_f1"]
        if score > best_score:
            best, best_score = l2, score
    return best


def head_metrics(head: Head, x: Any, gold: list[str]) -> dict[str, Any]:
    """accuracy / macro-F1 / macro-recall of ``head`` on embeddings ``x``."""
    result = metrics(gold, [label for label, _ in head.predict(x)], 1.0)
    return {k: result[k] for k in ("n", "accuracy", "macro_f1", "macro_recall")}


def train(eval_dir: Path, out: Path, seed: int, stdout: TextIO) -> Head:
    """Fetch data, train on the non-held-out items, save the head, print a JSON report."""
    np_ = require_numpy()
    datasets.fetch(eval_dir)
    sets = load_vader(eval_dir)
    xs: list[Any] = []  # embedding arrays, as load_vader returns them
    ys: list[str] = []
    for texts, labels, held, x in sets.values():
        keep = [i for i in range(len(texts)) if not held[i]]
        xs.append(x[keep])
        ys.extend(labels[i] for i in keep)
    x_train = np_.concatenate(xs)
    l2 = choose_l2(x_train, ys, seed)
    head = train_head(
        x_train, ys, l2=l2, seed=seed,
        meta={"model": MODEL_NAME, "data": "VADER rated sets (MIT), held-out fifth excluded",
              "neutral_rating_band": datasets.NEUTRAL_RATING_BAND},
    )  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(head.to_bytes())

    report: dict[str, Any] = {"l2": l2, "trained_on": len(ys), "held_out": {}}
    for name, (_texts, labels, held, x) in sets.items():
        idx = [i for i in range(len(labels)) if held[i]]
        report["held_out"][name] = head_metrics(head, x[idx], [labels[i] for i in idx])
    bol = datasets.bol_reviews(eval_dir)
    x_bol = embed_cached([t for t, _ in bol], eval_dir / "embeddings", "bol")
    report["dutch_bol_com"] = head_metrics(head, x_bol, [label for _, label in bol])
    with DUTCH_POSTS.open(encoding="utf-8", newline="") as handle:
        posts = list(csv.DictReader(handle, delimiter="\t"))
    x_posts = embed_cached([p["text"] for p in posts], eval_dir / "embeddings", "posts-nl")
    report["dutch_posts"] = head_metrics(head, x_posts, [p["label"] for p in posts])
    stdout.write(json.dumps(report, indent=2) + "\n")
    return head


def main(argv: list[str], stdout: TextIO = sys.stdout) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m koers.textkit.train_head")
    parser.add_argument("--eval-dir", type=Path, default=Path("var/eval"))
    parser.add_argument("--out", type=Path, default=DEFAULT_HEAD_PATH)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    train(args.eval_dir, args.out, args.seed, stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
