"""Separate deliveries that share a remote post (before 0005 forbids it); date lookups.

Before the constraint, an install may hold deliveries that share a remote post: an earlier
lookup matched another item's post with the same text and marked both published. Only the
first of each group (by publication time, then id) keeps the post; the others lose the
remote id and are marked failed with a note, so a person checks the network and decides
whether to try again (an automatic retry could republish a months-old post).
"""

from django.db import migrations, models
from django.db.models import Count, Q
from django.utils import timezone

NOTE = (
    "This delivery was recorded with the same post as another one on this channel; it may "
    "never have been published. Check the account, then try again or leave it."
)


def separate_shared_posts(apps, schema_editor):
    Delivery = apps.get_model("publishing", "Delivery")
    StateChange = apps.get_model("publishing", "StateChange")
    ContentItem = apps.get_model("publishing", "ContentItem")
    shared = (
        Delivery.objects.exclude(remote_id="")
        .values("channel_id", "remote_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    for group in shared:
        rows = Delivery.objects.filter(
            channel_id=group["channel_id"], remote_id=group["remote_id"]
        ).order_by("published_at", "id")
        for delivery in list(rows)[1:]:
            Delivery.objects.filter(pk=delivery.pk).update(
                remote_id="", remote_url="", state="failed", error=NOTE
            )
            item = ContentItem.objects.get(pk=delivery.item_id)
            if item.state == "published":
                StateChange.objects.create(
                    item_id=item.pk, from_state=item.state, to_state="failed", comment=NOTE
                )
                ContentItem.objects.filter(pk=item.pk).update(
                    state="failed", updated_at=timezone.now()
                )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("publishing", "0003_channel_account_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="may_have_sent",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(separate_shared_posts, migrations.RunPython.noop),
    ]
