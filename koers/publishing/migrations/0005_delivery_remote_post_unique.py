"""A remote post belongs to one delivery (0004 separated the ones that shared one).

Its own migration: on PostgreSQL a table whose rows were just updated in the same
transaction can't be altered (pending trigger events).
"""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("publishing", "0004_separate_shared_remote_posts")]

    operations = [
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                condition=~Q(remote_id=""),
                fields=("channel", "remote_id"),
                name="one_delivery_per_remote_post",
            ),
        ),
    ]
