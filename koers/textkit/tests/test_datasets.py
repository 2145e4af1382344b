from __future__ import annotations

from pathlib import Path

from koers.textkit import datasets


def test_mean_ratings_become_three_classes_with_a_half_point_band() -> None:
    assert [datasets.rating_label(r) for r in (2.1, 0.51, 0.5, -0.5, -0.51)] == [
        "positive", "positive", "neutral", "neutral", "negative"
    ]  # fmt: skip


def test_the_held_out_split_is_stable_and_about_a_fifth() -> None:
    ids = [f"tweets:{i}" for i in range(5000)]
    held = [datasets.is_held_out(i) for i in ids]
    assert held == [datasets.is_held_out(i) for i in ids]
    assert 0.17 < sum(held) / len(held) < 0.23


def test_vader_ground_truth_lines_are_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "vaderSentiment-3.3.2" / "additional_resources" / "hutto_ICWSM_2014"
    folder.mkdir(parents=True)
    (folder / "tweets_GroundTruth.txt").write_bytes(
        b"1\t2.7\tSo lucky.\r\n2\t-1.5\tUgh\tagain\r\n\r\n"
    )
    assert datasets.vader_set(tmp_path, "tweets") == [
        ("tweets:1", "So lucky.", 2.7), ("tweets:2", "Ugh\tagain", -1.5)
    ]  # fmt: skip


def test_bol_reviews_are_parsed_and_unescaped(tmp_path: Path) -> None:
    path = datasets.bol_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('"1","Marley &amp; me, ""top"""\n"-1","Saai.\nNiet kopen."\n', "utf-8")
    assert datasets.bol_reviews(tmp_path) == [
        ('Marley & me, "top"', "positive"), ("Saai.\nNiet kopen.", "negative")
    ]  # fmt: skip
