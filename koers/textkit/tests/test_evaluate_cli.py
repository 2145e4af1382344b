from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from koers.textkit.cli import main
from koers.textkit.evaluate import decode, metrics


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_metrics_count_per_class_and_macro_over_gold_labels() -> None:
    gold = ["positive", "positive", "negative", "negative"]
    predicted = ["positive", "neutral", "negative", "positive"]
    result = metrics(gold, predicted, seconds=2.0)
    assert result["n"] == 4
    assert result["accuracy"] == 0.5
    assert result["per_class"]["positive"] == {
        "precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2
    }  # fmt: skip
    assert result["per_class"]["neutral"]["support"] == 0
    assert result["macro_recall"] == 0.5  # over positive and negative only
    assert result["confusion"]["positive"] == {"negative": 0, "neutral": 1, "positive": 1}
    assert result["texts_per_second"] == 2.0


def test_eval_sentiment_prints_the_metrics_as_json(tmp_path: Path) -> None:
    content = "text,label\nWat mooi!,pos\nWat slecht,neg\nHet is dinsdag,neu\n"
    path = write(tmp_path, "s.csv", content)
    code, out, _ = run("eval", "sentiment", str(path), "--lang", "nl", "--json")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {
        "n", "accuracy", "macro_f1", "macro_recall", "per_class", "confusion", "texts_per_second"
    }  # fmt: skip
    assert (result["n"], result["accuracy"]) == (3, 1.0)


def test_eval_sentiment_reads_tsv_and_jsonl_with_other_columns(tmp_path: Path) -> None:
    tsv = write(tmp_path, "s.tsv", "body\tscore\nI love it\t1\nI hate it\t-1\n")
    code, out, _ = run(
        "eval", "sentiment", str(tsv), "--text-column", "body", "--label-column", "score",
        "--lang", "en", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["accuracy"] == 1.0
    jsonl = write(tmp_path, "s.jsonl", '{"text": "Super!", "label": "positive"}\n\n')
    code, out, _ = run("eval", "sentiment", str(jsonl), "--lang", "nl", "--json")
    assert code == 0 and json.loads(out)["n"] == 1


def test_a_label_map_allows_other_schemes(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "text,label\nGreat!,2\nAwful.,0\nIt is Tuesday.,1\n")
    label_map = '{"0": "negative", "1": "neutral", "2": "positive"}'
    code, out, _ = run(
        "eval", "sentiment", str(path), "--lang", "en", "--label-map", label_map, "--json"
    )
    assert code == 0
    assert json.loads(out)["accuracy"] == 1.0


def test_an_unknown_label_names_the_label_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "text,label\nGreat!,1\nAwful.,0\nMeh,2\n")
    code, out, err = run("eval", "sentiment", str(path))
    assert (code, out) == (2, "")
    assert "Unknown label '2' on line 4" in err


def test_a_label_map_that_misses_a_label_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "text,label\nGreat!,4\nAwful.,stars\n")
    code, _, err = run("eval", "sentiment", str(path), "--label-map", '{"4": "positive"}')
    assert code == 2
    assert "Unknown label 'stars' on line 3" in err


def test_a_label_map_to_an_unknown_class_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "text,label\nGreat!,4\n")
    code, _, err = run("eval", "sentiment", str(path), "--label-map", '{"4": "happy"}')
    assert code == 2
    assert "'4' maps to unknown label 'happy'" in err
    code, _, err = run("eval", "sentiment", str(path), "--label-map", "{not json")
    assert code == 2 and "--label-map must be a JSON object" in err


def test_windows_1252_and_utf8_bom_files_are_read(tmp_path: Path) -> None:
    cp1252 = write(tmp_path, "a.csv", "text,label\nCafé geweldig,positive\n".encode("cp1252"))
    bom = write(tmp_path, "b.csv", "\ufefftext,label\nCafé geweldig,positive\n".encode())
    assert decode(cp1252).splitlines()[1] == "Café geweldig,positive"
    for path in (cp1252, bom):
        code, out, err = run("eval", "sentiment", str(path), "--lang", "nl", "--json")
        assert code == 0, err
        assert json.loads(out)["n"] == 1


def test_an_undecodable_file_is_a_clear_error(tmp_path: Path) -> None:
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8 start bytes.
    path = write(tmp_path, "bad.csv", b"text,label\n\x81\x8d\x81,positive\n")
    code, _, err = run("eval", "sentiment", str(path))
    assert code == 2
    assert "not UTF-8, UTF-8 with BOM or Windows-1252" in err


def test_a_missing_file_or_column_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("eval", "sentiment", str(tmp_path / "nope.csv"))
    assert code == 2 and "File not found" in err
    path = write(tmp_path, "s.csv", "message,label\nhoi,neutral\n")
    code, _, err = run("eval", "sentiment", str(path))
    assert code == 2
    assert "Column 'text' not found" in err and "message, label" in err


def test_a_bad_jsonl_line_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "s.jsonl", '{"text": "a", "label": "pos"}\n[1, 2]\n')
    code, _, err = run("eval", "sentiment", str(path))
    assert code == 2 and "Line 2" in err


def test_eval_language_scores_a_detector(tmp_path: Path) -> None:
    path = write(
        tmp_path, "l.csv",
        "text,lang\nWat een prachtige dag vandaag,nl\nWhat a beautiful day today,EN\n"
        "Grazie mille per tutto,it\n",
    )  # fmt: skip
    code, out, _ = run("eval", "language", str(path), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["accuracy"] == 1.0
    assert set(result["per_class"]) == {"nl", "en", "unknown"}


def test_an_unknown_language_label_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "text,lang\nhallo,nl\nhello,english\n")
    code, _, err = run("eval", "language", str(path))
    assert code == 2 and "Unknown label 'english' on line 3" in err


def test_the_sentiment_command_prints_one_result(tmp_path: Path) -> None:
    code, out, _ = run("sentiment", "Wat een superleuke dag 😍", "--lang", "nl")
    assert code == 0
    assert json.loads(out) == {
        "lang": "nl", "label": "positive", "score": pytest.approx(json.loads(out)["score"]),
        "backend": "lexicon",
    }  # fmt: skip
    assert json.loads(out)["score"] > 0.5


def test_bad_arguments_exit_2_without_raising() -> None:
    code, _, err = run("eval", "nonsense")
    assert code == 2 and "invalid choice" in err
    code, _, err = run("sentiment", "x", "--backend", "nope")
    assert code == 2 and "Unknown sentiment backend" in err
