"""Amended 配套资源 of proposals (拟办意见) and decisions (审定) is split into the
structured parts as the items' was (duty_lists 0006), and the item fields an off-list
report keeps for its conversion into an admission request follow: the category text
becomes the county's category id, 配套资源 the structured parts."""

from django.db import migrations

from duty_lists.migrations._legacy import category_for, remarks_with_rest, split_resources

AMENDED = [
    "amended_funding_source",
    "amended_staffing",
    "amended_equipment",
    "amended_remarks",
]


def _split_amendments(model):
    rows = []
    for row in model.objects.exclude(amended_resources=""):
        parts = split_resources(row.amended_resources)
        row.amended_funding_source = parts["funding_source"][:200]
        row.amended_staffing = parts["staffing"]
        row.amended_equipment = parts["equipment"]
        row.amended_remarks = remarks_with_rest(row.amended_remarks, parts["rest"])
        rows.append(row)
    model.objects.bulk_update(rows, AMENDED, batch_size=1000)


def forward(apps, schema_editor):
    for name in ("Ruling", "HistoricalRuling", "BatchEntry", "HistoricalBatchEntry"):
        _split_amendments(apps.get_model("arbitration", name))
    Category = apps.get_model("duty_lists", "Category")
    cache: dict = {}
    for name in ("OffListReport", "HistoricalOffListReport"):
        model = apps.get_model("arbitration", name)
        rows = []
        for row in model.objects.exclude(admission_fields={}):
            fields = dict(row.admission_fields)
            if isinstance(fields.get("category"), str) and fields["category"]:
                fields["category"] = category_for(
                    Category, row.county_id, fields["category"], cache
                ).pk
            if "resources" in fields:
                parts = split_resources(fields.pop("resources") or "")
                fields["funding_source"] = parts["funding_source"][:200]
                fields["staffing"] = parts["staffing"]
                fields["equipment"] = parts["equipment"]
                fields["remarks"] = remarks_with_rest(fields.get("remarks", ""), parts["rest"])
            row.admission_fields = fields
            rows.append(row)
        model.objects.bulk_update(rows, ["admission_fields"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0007_structured_amendments"),
        ("duty_lists", "0006_item_fields_data"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
