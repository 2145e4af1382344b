"""``koers import``: CSV/JSONL through the pipeline, idempotent, with row-numbered errors."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from koers.core.models import AuditEvent
from koers.listening.models import IngestRun, Mention, Source
from koers.listening.rollups import recount, rollup_cells

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, "--json", stdout=out, stderr=err)
    return json.loads(out.getvalue())


@pytest.fixture
def jsonl(tmp_path):
    lines = [
        {"id": "a1", "text": "Acme is top", "created_at": "2026-11-01T10:00:00Z", "lang": "nl"},
        {"id": "a2", "text": "Gazelle rijdt lekker", "created_at": "2026-11-01T11:00:00+01:00"},
        {"id": "a3", "text": "Niets relevants", "created_at": "2026-11-01T12:00:00Z"},
        {"id": "a4", "text": "acme", "created_at": "gisteren"},
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    return path


def test_importing_a_jsonl_file_reports_imported_unmatched_and_row_errors(acme, acme_topics, jsonl):
    summary = _run(str(jsonl), "--workspace", "acme", "--source-name", "Archief")

    assert summary["imported"] == 2
    assert summary["unmatched"] == 1
    assert [(e["row"], e["code"]) for e in summary["errors"]] == [
        ("row 4", "bad_time"),
        ("row 5", "bad_row"),
    ]
    source = Source.objects.get(workspace=acme, name="Archief")
    assert source.kind == "file"
    assert Mention.objects.filter(source=source).count() == 2
    assert IngestRun.objects.get(source=source).stored == 2
    assert AuditEvent.objects.filter(action="listening.import").count() == 1


def test_importing_the_same_file_twice_gives_the_same_counts(acme, acme_topics, jsonl):
    _run(str(jsonl), "--workspace", "acme", "--source-name", "Archief")
    cells = rollup_cells(acme)

    again = _run(str(jsonl), "--workspace", "acme", "--source-name", "Archief")

    assert (again["imported"], again["duplicates"]) == (0, 2)
    assert Mention.objects.count() == 2
    assert rollup_cells(acme) == cells == recount(acme)


def test_a_csv_with_a_column_mapping_and_no_ids_is_still_idempotent(acme, acme_topics, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "bericht;datum;wie\n"
        "Acme fietsen zijn top;2026-11-02 09:00;@piet\n"
        "Gazelle ook;2026-11-02 10:00;@joke\n"
        ";2026-11-02 10:00;@leeg\n"
    )
    args = [str(path), "--workspace", "acme", "--source-name", "CSV"]
    mapping = ["--map", "text=bericht,created_at=datum,author=wie"]

    first = _run(*args, *mapping)
    second = _run(*args, *mapping)

    assert first["imported"] == 2
    assert first["errors"] == [
        {"row": "row 4", "code": "no_text", "message": "The post has no text."}
    ]
    assert second["imported"] == 0
    assert Mention.objects.get(author_handle="@piet").network == "import"


def test_progress_goes_to_stderr_and_a_plain_summary_to_stdout(acme, acme_topics, jsonl):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import", str(jsonl), "--workspace", "acme", "--source-name", "A", stdout=out, stderr=err
    )
    assert "imported 2, duplicates 0, unmatched 1, errors 2 (of 5 rows)" in out.getvalue()


def test_an_unknown_workspace_or_bad_mapping_is_a_clear_error(acme, jsonl):
    with pytest.raises(CommandError, match="no workspace"):
        call_command("import", str(jsonl), "--workspace", "nope", "--source-name", "A")
    with pytest.raises(CommandError, match="--map"):
        call_command(
            "import", str(jsonl), "--workspace", "acme", "--source-name", "A", "--map", "tekst=x"
        )


def test_dates_in_european_formats_are_read_like_the_networks_importer(acme, acme_topics, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("text,date\nAcme fietsen,25-11-2026 14:30\nAcme!,1764081000\n")
    summary = _run(str(path), "--workspace", "acme", "--source-name", "CSV", "--map", "date=date")

    assert summary["imported"] == 2
    stamps = sorted(m.published_at.isoformat() for m in Mention.objects.all())
    # 14:30 without an offset is Amsterdam time (the workspace's zone): 13:30 UTC in November.
    assert stamps[-1] == "2026-11-25T13:30:00+00:00"
