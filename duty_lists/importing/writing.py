"""Writing a checked plan: bulk inserts and updates, one history record per item.

The rows and their history records are written in batches (``bulk_create`` /
``bulk_update``) rather than through ``duty_item_create`` one item at a time: a
county's three lists hold hundreds of items and a province's tens of thousands.
Each record carries what ``services._write_history`` would write (user, reason, the
item's applicability rows and cooperating departments), so history, "as of" lists and
diffs read them alike.
"""

import datetime

from django.utils import timezone

from ..models import (
    ITEM_CONTENT_FIELDS,
    DutyItem,
    DutyItemCooperation,
    ItemStatus,
    duty_item_history,
)
from .planning import ListPlan, effective_date_of
from .validation import compared_fields

BATCH = 500
UPDATED_FIELDS = (
    *ITEM_CONTENT_FIELDS,
    "applies_to_all",
    "village_kind",
    "effective_date",
    "expires_on",
    "status",
    "withdrawn_date",
)
# The item's rows in other tables that each history record copies, by m2m field.
M2M_FIELDS = ("townships", "villages", "cooperating_departments")


def _through(name: str):
    return DutyItem._meta.get_field(name).remote_field.through


def _item_column(name: str) -> str:
    # The through table's column naming the item ("dutyitem_id", or "item_id" for the
    # cooperations' own model).
    return "item_id" if name == "cooperating_departments" else "dutyitem_id"


def write_plan(
    plan: ListPlan,
    *,
    history_user,
    reason: str,
    effective_date: datetime.date,
    progress=None,
) -> list[DutyItem]:
    """Apply ``plan`` to its list (which must exist and be locked by the caller).

    Returns the items added, changed and withdrawn. Changes: their rows, applicability
    rows (townships, villages) and cooperating departments, and one history record each
    ("+" added, "~" otherwise) with ``history_user`` and ``reason``, all dated now."""
    duty_list = plan.duty_list
    now = timezone.now()

    added = DutyItem.objects.bulk_create(
        [
            DutyItem(
                duty_list=duty_list,
                code=spec.code,
                effective_date=effective_date_of(spec, effective_date),
                status=ItemStatus.IN_FORCE,
                **spec.values,
            )
            for spec in plan.added
        ],
        batch_size=BATCH,
    )
    specs = {item.pk: spec for item, spec in zip(added, plan.added, strict=True)}

    changed = []
    for change in plan.changed:
        item, spec = change.item, change.spec
        for name in compared_fields(spec):
            setattr(item, name, spec.values[name])
        item.effective_date = spec.effective_date or item.effective_date
        item.status, item.withdrawn_date = ItemStatus.IN_FORCE, None
        changed.append(item)
        specs[item.pk] = spec
    withdrawn = []
    for item in plan.withdrawn:
        item.status = ItemStatus.WITHDRAWN
        item.withdrawn_date = max(effective_date, item.effective_date)
        withdrawn.append(item)
    DutyItem.objects.bulk_update(changed + withdrawn, UPDATED_FIELDS, batch_size=BATCH)

    replaced = {name: [item.pk for item in changed] for name in M2M_FIELDS}
    # A change that does not state the cooperating departments keeps them.
    replaced["cooperating_departments"] = [
        item.pk for item in changed if "cooperations" in specs[item.pk].given
    ]
    for name, item_ids in replaced.items():
        through = _through(name)
        for start in range(0, len(item_ids), BATCH):
            batch = item_ids[start : start + BATCH]
            through.objects.filter(**{f"{_item_column(name)}__in": batch}).delete()
    rewritten = {item.pk for item in added} | set(replaced["cooperating_departments"])
    new_rows = {
        "townships": _bulk(
            _through("townships")(dutyitem_id=item_id, township_id=unit_id)
            for item_id, spec in specs.items()
            for unit_id in sorted(spec.townships)
        ),
        "villages": _bulk(
            _through("villages")(dutyitem_id=item_id, village_id=unit_id)
            for item_id, spec in specs.items()
            for unit_id in sorted(spec.villages)
        ),
        "cooperating_departments": _bulk(
            DutyItemCooperation(
                item_id=item_id,
                department_id=department_id,
                responsibilities=text,
                position=position,
            )
            for item_id, spec in specs.items()
            if item_id in rewritten
            for position, (department_id, text) in enumerate(spec.cooperations, start=1)
        ),
    }
    kept = {
        "townships": [item.pk for item in withdrawn],
        "villages": [item.pk for item in withdrawn],
        "cooperating_departments": [item.pk for item in withdrawn]
        + [item.pk for item in changed if "cooperations" not in specs[item.pk].given],
    }
    _write_history(
        [(item, "+") for item in added]
        + [(item, "~") for item in changed]
        + [(item, "~") for item in withdrawn],
        rows_of={name: _rows_by_item(name, new_rows[name], kept[name]) for name in M2M_FIELDS},
        history_user=history_user,
        reason=reason,
        when=now,
    )
    if progress:
        progress(
            f"{plan.label}：新增 {len(added)}，修改 {len(changed)}，取消 {len(withdrawn)}，"
            f"未变 {plan.unchanged}"
        )
    return added + changed + withdrawn


def _bulk(rows) -> list:
    rows = list(rows)
    if not rows:
        return []
    return type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)


def _rows_by_item(name: str, new_rows, kept_item_ids: list[int]) -> dict[int, list]:
    """The rows of m2m field ``name`` of each written item: the new ones, and the
    untouched rows of the items in ``kept_item_ids`` (read back in batches)."""
    through = _through(name)
    column = _item_column(name)
    rows_of: dict[int, list] = {}
    for row in new_rows:
        rows_of.setdefault(getattr(row, column), []).append(row)
    for start in range(0, len(kept_item_ids), BATCH):
        batch = kept_item_ids[start : start + BATCH]
        for row in through.objects.filter(**{f"{column}__in": batch}).order_by("pk"):
            rows_of.setdefault(getattr(row, column), []).append(row)
    return rows_of


def _write_history(entries, *, rows_of, history_user, reason, when) -> None:
    history_model = DutyItem.history.model
    tracked = [f.attname for f in history_model.tracked_fields]
    records = history_model.objects.bulk_create(
        [
            history_model(
                history_date=when,
                history_type=history_type,
                history_user=history_user,
                history_change_reason=reason,
                **{name: getattr(item, name) for name in tracked},
            )
            for item, history_type in entries
        ],
        batch_size=BATCH,
    )
    for name in M2M_FIELDS:
        # simple-history keeps one ``m2m_models`` dict for every tracked model: pick ours.
        m2m_model = duty_item_history.m2m_models[DutyItem._meta.get_field(name)]
        through = _through(name)
        attnames = [f.attname for f in through._meta.concrete_fields]
        m2m_model.objects.bulk_create(
            [
                # simple-history keeps each row's own id (and every column) in the copy.
                m2m_model(history=record, **{a: getattr(row, a) for a in attnames})
                for record, (item, _) in zip(records, entries, strict=True)
                for row in rows_of[name].get(item.pk, ())
            ],
            batch_size=BATCH,
        )
