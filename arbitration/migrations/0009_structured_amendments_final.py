"""The free-text amended 配套资源 goes (moved by 0007); the amended local duties are
called 属地职责 (named by the list's level on the pages)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0008_structured_amendments_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="ruling", name="amended_resources"),
        migrations.RemoveField(model_name="historicalruling", name="amended_resources"),
        migrations.RemoveField(model_name="batchentry", name="amended_resources"),
        migrations.RemoveField(model_name="historicalbatchentry", name="amended_resources"),
        *(
            migrations.AlterField(
                model_name=model,
                name="amended_local_responsibilities",
                field=models.TextField(blank=True, verbose_name=label),
            )
            for model, label in (
                ("ruling", "修改后属地职责"),
                ("historicalruling", "修改后属地职责"),
                ("batchentry", "审定修改后属地职责"),
                ("historicalbatchentry", "审定修改后属地职责"),
            )
        ),
    ]
