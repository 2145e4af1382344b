# Keyword rules read by the ingest cursor (koers.listening.cursor); KeywordHit keeps a mention in one alert per rule.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0001_initial'),
        ('listening', '0003_mention_ingest_tx'),
    ]

    operations = [
        migrations.AddField(
            model_name='alertrule',
            name='ingest_cursor',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='KeywordHit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='hits', to='alerts.alertevent')),
                ('mention', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='listening.mention')),
                ('rule', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='alerts.alertrule')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('rule', 'mention'), name='alerts_hit_once_per_rule')],
            },
        ),
    ]
