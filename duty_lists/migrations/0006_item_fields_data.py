"""Existing items (and every history record of them) move to the new fields:

- each county gets its eight categories (领域类别) as rows; every item and history
  record points at its county's row for the old stored value;
- 主体责任: the local unit for 基本履职, the department otherwise;
- on village and grid lists 上级部门收回 becomes 不应承担事项 (the 负面清单 those lists
  have instead);
- the free text 配套资源 is split into 经费来源, 人员保障 and 装备保障 (clauses that fit
  none are appended to 备注 after "配套保障："). No amount is guessed.

History records are rewritten in place, not added: the items did not change, the
vocabulary did, and a list read as of an old date must read as the items do now.
"""

from django.db import migrations

from ._legacy import category_for, category_rows, remarks_with_rest, split_resources

BATCH = 1000
TOWNSHIP_LEVEL = "township"


def _batches(queryset):
    batch = []
    for row in queryset.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _convert(row, county_id, level, Category, cache):
    row.category_ref = category_for(Category, county_id, row.category, cache)
    if row.duty_type == "taken_back" and level != TOWNSHIP_LEVEL:
        row.duty_type = "negative"
    row.primary_responsibility = "local" if row.duty_type == "basic" else "department"
    parts = split_resources(row.resources)
    row.funding_source = parts["funding_source"][:200]
    row.staffing = parts["staffing"]
    row.equipment = parts["equipment"]
    row.remarks = remarks_with_rest(row.remarks, parts["rest"])


FIELDS = [
    "category_ref",
    "duty_type",
    "primary_responsibility",
    "funding_source",
    "staffing",
    "equipment",
    "remarks",
]


def forward(apps, schema_editor):
    County = apps.get_model("organisations", "County")
    Category = apps.get_model("duty_lists", "Category")
    DutyList = apps.get_model("duty_lists", "DutyList")
    DutyItem = apps.get_model("duty_lists", "DutyItem")
    HistoricalDutyItem = apps.get_model("duty_lists", "HistoricalDutyItem")
    cache: dict = {}
    for county_id in County.objects.order_by("pk").values_list("pk", flat=True):
        category_rows(Category, county_id, cache)
    lists = {row.pk: (row.county_id, row.level) for row in DutyList.objects.all()}
    for model in (DutyItem, HistoricalDutyItem):
        ordered = "history_id" if model is HistoricalDutyItem else "pk"
        for batch in _batches(model.objects.order_by(ordered)):
            for row in batch:
                county_id, level = lists[row.duty_list_id]
                _convert(row, county_id, level, Category, cache)
            model.objects.bulk_update(batch, FIELDS)


def backward(apps, schema_editor):
    """Back to the old vocabulary: category values from the codes, 不应承担事项 back to
    上级部门收回, the parts of 配套保障 joined again into 配套资源."""
    from ._legacy import OLD_CATEGORIES

    value_of_code = {code: value for value, (code, _, _) in OLD_CATEGORIES.items()}
    Category = apps.get_model("duty_lists", "Category")
    codes = dict(Category.objects.values_list("pk", "code"))
    names = dict(Category.objects.values_list("pk", "name"))
    for name in ("DutyItem", "HistoricalDutyItem"):
        model = apps.get_model("duty_lists", name)
        ordered = "history_id" if name == "HistoricalDutyItem" else "pk"
        for batch in _batches(model.objects.order_by(ordered)):
            for row in batch:
                code = codes.get(row.category_ref_id)
                row.category = value_of_code.get(code, names.get(row.category_ref_id, ""))[:32]
                if row.duty_type == "negative":
                    row.duty_type = "taken_back"
                row.resources = "；".join(
                    part for part in (row.funding_source, row.staffing, row.equipment) if part
                )
            model.objects.bulk_update(batch, ["category", "duty_type", "resources"])


class Migration(migrations.Migration):
    dependencies = [
        ("duty_lists", "0005_item_fields"),
    ]

    operations = [migrations.RunPython(forward, backward)]
