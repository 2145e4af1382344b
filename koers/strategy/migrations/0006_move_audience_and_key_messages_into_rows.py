"""The single audience text becomes the cycle's first audience (priority 1); every line of the
key messages becomes a KeyMessage row posts can be tagged with."""

from django.db import migrations


def forwards(apps, schema_editor):
    cycle_model = apps.get_model("strategy", "Cycle")
    audience_model = apps.get_model("strategy", "Audience")
    key_message_model = apps.get_model("strategy", "KeyMessage")
    for cycle in cycle_model.objects.all().iterator():
        text = cycle.audience_description.strip()
        if text:
            first_line = text.splitlines()[0].strip()
            name = first_line if len(first_line) <= 120 else first_line[:119] + "…"
            audience_model.objects.create(
                workspace_id=cycle.workspace_id,
                cycle=cycle,
                name=name,
                description=text,
                priority=1,
            )
            cycle.audience_description = ""
            cycle.save(update_fields=["audience_description"])
        lines = [line.strip() for line in cycle.key_messages.splitlines() if line.strip()]
        for position, line in enumerate(lines):
            key_message_model.objects.create(
                workspace_id=cycle.workspace_id, cycle=cycle, text=line[:300], position=position
            )


def backwards(apps, schema_editor):
    cycle_model = apps.get_model("strategy", "Cycle")
    audience_model = apps.get_model("strategy", "Audience")
    for cycle in cycle_model.objects.all().iterator():
        texts = [
            f"{a.name}\n{a.description}".strip() if a.description != a.name else a.name
            for a in audience_model.objects.filter(cycle=cycle).order_by("priority", "id")
        ]
        if texts and not cycle.audience_description:
            cycle.audience_description = "\n\n".join(texts)
            cycle.save(update_fields=["audience_description"])


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0005_audiences_key_messages_roi"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
