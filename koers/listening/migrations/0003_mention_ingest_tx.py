# The transaction that stored each mention, for the alerts' ingest cursor (koers.listening.cursor).
# Added without a default first, so existing rows stay NULL (and PostgreSQL does not rewrite the
# table evaluating a volatile default for each of them); new rows get the column default.

import koers.listening.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('listening', '0002_sentiment_model'),
    ]

    operations = [
        migrations.AddField(
            model_name='mention',
            name='ingest_tx',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='mention',
            name='ingest_tx',
            field=models.BigIntegerField(blank=True, db_default=koers.listening.models.CurrentTransactionId(), null=True),
        ),
        migrations.AddIndex(
            model_name='mention',
            index=models.Index(fields=['workspace', 'ingest_tx'], name='listening_mention_ingest'),
        ),
    ]
