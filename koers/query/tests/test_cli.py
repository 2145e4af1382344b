"""The command line, called in-process with StringIO streams."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from koers.query.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def posts_file(tmp_path: Path) -> Path:
    path = tmp_path / "posts.jsonl"
    lines = [
        {"id": 1, "text": "Koffie bij het Café", "lang": "nl"},
        {"id": "b", "text": "tea time", "lang": "en"},
        {"id": 3, "text": "#cafe open", "lang": "en"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    return path


def test_check_prints_the_normalized_query_and_exits_0() -> None:
    code, out, _ = run("check", "Café (koffie OR thee)")
    assert code == 0
    assert json.loads(out) == {"ok": True, "normalized": "cafe AND (koffie OR thee)"}


def test_check_reports_code_position_and_english_message_with_exit_2() -> None:
    code, out, _ = run("check", "koffie AND")
    assert code == 2
    result = json.loads(out)
    assert result["ok"] is False
    assert result["code"] == "missing_operand"
    assert result["position"] == 7
    assert "AND" in result["error"] and "character 8" in result["error"]


def test_check_speaks_dutch_when_asked() -> None:
    code, out, _ = run("check", "(koffie", "--lang", "nl")
    assert code == 2
    result = json.loads(out)
    assert result["code"] == "unbalanced_parenthesis"
    assert result["error"].startswith("Haakjes kloppen niet bij teken 1")


def test_check_rejects_an_unknown_message_language() -> None:
    with pytest.raises(SystemExit) as caught:
        run("check", "koffie", "--lang", "de")
    assert caught.value.code == 2


def test_match_prints_matching_ids_one_per_line_in_file_order(posts_file: Path) -> None:
    code, out, err = run("match", "cafe", str(posts_file))
    assert (code, out, err) == (0, "1\n3\n", "")


def test_match_prints_a_json_array_with_the_json_option(posts_file: Path) -> None:
    code, out, _ = run("match", "cafe OR tea", str(posts_file), "--json")
    assert code == 0
    assert json.loads(out) == [1, "b", 3]


def test_match_uses_post_metadata_for_fields(posts_file: Path) -> None:
    code, out, _ = run("match", "cafe lang:en", str(posts_file))
    assert (code, out) == (0, "3\n")


def test_match_without_any_matching_post_exits_1(posts_file: Path) -> None:
    assert run("match", "water", str(posts_file)) == (1, "", "")
    assert run("match", "water", str(posts_file), "--json") == (1, "[]\n", "")


def test_match_names_the_line_of_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "cafe"}\n\n{"id": 2, "text": \n', encoding="utf-8")
    code, out, err = run("match", "cafe", str(path), "--json")
    assert code == 2
    assert out == ""
    assert f"{path}, line 3: invalid JSON" in err


def test_match_names_the_line_of_a_post_without_text(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "cafe"}\n{"id": 2}\n[1, 2]\n', encoding="utf-8")
    code, _, err = run("match", "cafe", str(path), "--lang", "nl")
    assert code == 2
    assert f'{path}, regel 2: het bericht heeft geen "text"' in err


def test_match_rejects_a_line_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("[1, 2]\n", encoding="utf-8")
    code, _, err = run("match", "cafe", str(path))
    assert code == 2
    assert "line 1: expected one JSON object per line" in err


def test_match_reports_a_missing_file() -> None:
    code, _, err = run("match", "cafe", "/nonexistent/posts.jsonl")
    assert code == 2
    assert "Cannot read /nonexistent/posts.jsonl" in err


def test_match_reports_an_invalid_query_on_stderr() -> None:
    code, out, err = run("match", "NOT cafe", "--text", "cafe")
    assert (code, out) == (2, "")
    assert "whole stream" in err


def test_match_text_prints_text_and_exits_0_when_it_matches() -> None:
    assert run("match", "e-bike", "--text", "Mijn E-bike!") == (0, "text\n", "")


def test_match_text_prints_nothing_and_exits_1_when_it_does_not_match() -> None:
    assert run("match", "e-bike", "--text", "ebike") == (1, "", "")


def test_match_text_with_json_prints_an_array() -> None:
    assert run("match", "cafe", "--text", "Café", "--json") == (0, '["text"]\n', "")


def test_match_needs_a_file_or_a_text() -> None:
    with pytest.raises(SystemExit):
        run("match", "cafe")


def test_match_reads_posts_from_stdin_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": 7, "text": "cafe"}\n'))
    assert run("match", "cafe", "-") == (0, "7\n", "")


def test_the_module_runs_as_a_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koers.query.cli", "check", "a b"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"ok": True, "normalized": "a AND b"}
