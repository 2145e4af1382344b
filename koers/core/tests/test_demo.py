from __future__ import annotations

from koers.core.demo import DEMO_NAME, build_demo, demo_builders
from koers.core.models import Membership, Role


def test_every_app_demo_part_is_found_and_core_is_not_one_of_them():
    modules = {builder.__module__ for builder in demo_builders()}
    assert "koers.core.demo" not in modules
    assert "koers.strategy.demo" in modules


def test_demo_builds_a_workspace_owned_by_the_given_user(anna):
    workspace, summaries = build_demo(anna, "duinwijk")
    assert workspace.name == DEMO_NAME
    assert Membership.objects.get(workspace=workspace).role == Role.OWNER
    assert len(summaries) == len(demo_builders())


def test_demo_funnel_counts_fill_exactly_the_stages_the_strategy_names(anna):
    from koers.measurement.models import ManualMetric
    from koers.strategy.models import FunnelStage

    workspace, _ = build_demo(anna, "duinwijk")
    stages = FunnelStage.objects.filter(workspace=workspace, cycle__status="active")
    named = {position + 1 for position in stages.values_list("position", flat=True)}
    counted = set(
        ManualMetric.objects.filter(workspace=workspace, metric="funnel_stage").values_list(
            "stage", flat=True
        )
    )
    assert named and counted == named  # stage numbers in inputs start at 1


def test_running_the_demo_again_with_reset_rebuilds_it_without_duplicates(anna):
    from django.core.management import call_command

    from koers.engagement.models import InboxItem, MetaEvent
    from koers.measurement.models import AccountSnapshot
    from koers.publishing.models import Channel, ContentItem

    def counts() -> dict[str, object]:
        items = InboxItem.objects.filter(workspace__slug="duinwijk")
        return {
            "channels": sorted(
                Channel.objects.filter(workspace__slug="duinwijk").values_list("network", flat=True)
            ),
            "posts": ContentItem.objects.filter(workspace__slug="duinwijk").count(),
            "inbox": sorted(items.values_list("mention__network", "kind")),
            "events": MetaEvent.objects.count(),
            "networks measured": sorted(
                set(
                    AccountSnapshot.objects.filter(workspace__slug="duinwijk").values_list(
                        "network", flat=True
                    )
                )
            ),
        }

    call_command("demo", "--owner", "anna")
    first = counts()
    call_command("demo", "--owner", "anna", "--reset")
    assert counts() == first
    assert {"facebook", "instagram", "whatsapp", "linkedin", "x"} <= set(first["channels"])
    assert {"facebook", "instagram", "linkedin", "x"} <= set(first["networks measured"])
    inbox = first["inbox"]
    assert ("whatsapp", "direct_message") in inbox and ("instagram", "comment") in inbox
    assert inbox.count(("facebook", "comment")) == 3 and first["events"] == 7
