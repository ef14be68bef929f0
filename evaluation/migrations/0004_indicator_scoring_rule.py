from django.db import migrations, models


def _field():
    return models.TextField(
        default="",
        error_messages={"blank": "请填写评分标准（如何给分、扣分）。"},
        help_text="评价人据以给分的标准，显示在评分表上，如：按时办结得满分，每逾期一次扣 2 分。",
        verbose_name="评分标准",
    )


class Migration(migrations.Migration):
    """Indicators carry their scoring rule (评分标准). Existing indicators get an empty
    rule, which their county fills in when it next edits the set."""

    dependencies = [
        ("evaluation", "0003_sheet_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator", name="scoring_rule", field=_field(), preserve_default=False
        ),
        migrations.AddField(
            model_name="historicalindicator",
            name="scoring_rule",
            field=_field(),
            preserve_default=False,
        ),
    ]
