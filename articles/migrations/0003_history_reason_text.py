# The audit trail keeps change reasons whole (SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD).

from django.db import migrations, models

HISTORICAL_MODELS = [
    "historicalarticle",
    "historicalclaim",
    "historicalclaimlink",
    "historicalevidence",
    "historicalreview",
    "historicalsource",
    "historicalspeaker",
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name=model_name,
            name="history_change_reason",
            field=models.TextField(null=True),
        )
        for model_name in HISTORICAL_MODELS
    ]
