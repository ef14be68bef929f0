"""The request's old category text and free-text 配套资源 go (moved by 0006)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0010_item_fields_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="changerequestprocess", name="category"),
        migrations.RemoveField(model_name="historicalchangerequestprocess", name="category"),
        migrations.RemoveField(model_name="changerequestprocess", name="resources"),
        migrations.RemoveField(model_name="historicalchangerequestprocess", name="resources"),
        migrations.RenameField(
            model_name="changerequestprocess", old_name="category_ref", new_name="category"
        ),
        migrations.RenameField(
            model_name="historicalchangerequestprocess",
            old_name="category_ref",
            new_name="category",
        ),
    ]
