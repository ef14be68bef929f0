"""The old category text and free-text 配套资源 go, now that 0006 moved them: the category
is a row of the county's categories, 配套保障 the structured fields."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("duty_lists", "0006_item_fields_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="dutyitem", name="category"),
        migrations.RemoveField(model_name="historicaldutyitem", name="category"),
        migrations.RemoveField(model_name="dutyitem", name="resources"),
        migrations.RemoveField(model_name="historicaldutyitem", name="resources"),
        migrations.RenameField(model_name="dutyitem", old_name="category_ref", new_name="category"),
        migrations.RenameField(
            model_name="historicaldutyitem", old_name="category_ref", new_name="category"
        ),
        migrations.AlterField(
            model_name="dutyitem",
            name="category",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="duty_lists.category",
                verbose_name="领域类别",
            ),
        ),
        migrations.AlterField(
            model_name="dutyitem",
            name="primary_responsibility",
            field=models.CharField(
                choices=[("department", "部门"), ("local", "属地")],
                max_length=16,
                verbose_name="主体责任",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldutyitem",
            name="primary_responsibility",
            field=models.CharField(
                choices=[("department", "部门"), ("local", "属地")],
                max_length=16,
                verbose_name="主体责任",
            ),
        ),
    ]
