"""Change requests (and their history) move to the new item fields, as duty_lists 0006
moved the items: the category text becomes the county's category row, 上级部门收回 on
village and grid lists becomes 不应承担事项, and the free text 配套资源 is split into
经费来源, 人员保障 and 装备保障 (what fits none goes to 备注)."""

from django.db import migrations

from duty_lists.migrations._legacy import category_for, remarks_with_rest, split_resources

BATCH = 1000
FIELDS = ["category_ref", "duty_type", "funding_source", "staffing", "equipment", "remarks"]


def _convert(row, Category, cache):
    if row.category:
        row.category_ref = category_for(Category, row.county_id, row.category, cache)
    if row.duty_type == "taken_back" and row.level != "township":
        row.duty_type = "negative"
    parts = split_resources(row.resources)
    row.funding_source = parts["funding_source"][:200]
    row.staffing = parts["staffing"]
    row.equipment = parts["equipment"]
    row.remarks = remarks_with_rest(row.remarks, parts["rest"])


def forward(apps, schema_editor):
    Category = apps.get_model("duty_lists", "Category")
    cache: dict = {}
    for name, ordered in (
        ("ChangeRequestProcess", "pk"),
        ("HistoricalChangeRequestProcess", "history_id"),
    ):
        model = apps.get_model("workflow", name)
        batch = []
        for row in model.objects.order_by(ordered).iterator(chunk_size=BATCH):
            _convert(row, Category, cache)
            batch.append(row)
            if len(batch) == BATCH:
                model.objects.bulk_update(batch, FIELDS)
                batch = []
        if batch:
            model.objects.bulk_update(batch, FIELDS)


def backward(apps, schema_editor):
    from duty_lists.migrations._legacy import OLD_CATEGORIES

    value_of_code = {code: value for value, (code, _, _) in OLD_CATEGORIES.items()}
    Category = apps.get_model("duty_lists", "Category")
    codes = dict(Category.objects.values_list("pk", "code"))
    for name in ("ChangeRequestProcess", "HistoricalChangeRequestProcess"):
        model = apps.get_model("workflow", name)
        rows = list(model.objects.all())
        for row in rows:
            row.category = value_of_code.get(codes.get(row.category_ref_id), "")
            if row.duty_type == "negative":
                row.duty_type = "taken_back"
            row.resources = "；".join(
                part for part in (row.funding_source, row.staffing, row.equipment) if part
            )
        model.objects.bulk_update(rows, ["category", "duty_type", "resources"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0009_item_fields"),
        ("duty_lists", "0006_item_fields_data"),
    ]

    operations = [migrations.RunPython(forward, backward)]
