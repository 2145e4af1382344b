"""``koers strategy_plan``: the plan for scripts, and the completeness as JSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_command_writes_the_markdown_plan_to_a_file(duinwijk, tmp_path):
    target = tmp_path / "plan.md"
    call_command(
        "strategy_plan", "acme", "--format", "md", "--lang", "nl", "-o", str(target),
        stderr=StringIO(),
    )  # fmt: skip
    assert target.read_text(encoding="utf-8").startswith("# Socialemediastrategie: Acme Fietsen")


def test_command_reports_completeness_as_json(duinwijk):
    out = StringIO()
    call_command("strategy_plan", "acme", "--json", "--lang", "en", stdout=out)
    data = json.loads(out.getvalue())
    assert data["decision"] == "go"
    models = {m["key"]: m for m in data["models"]}
    assert models["technology"]["done"] is True
    assert models["kerkhofs"]["done"] is False


def test_command_refuses_an_unknown_workspace(db):
    with pytest.raises(CommandError):
        call_command("strategy_plan", "nowhere")
