"""Writing a checked plan: bulk inserts and updates, one history record per item.

The rows and their history records are written in batches (``bulk_create`` /
``bulk_update``) rather than through ``duty_item_create`` one item at a time: a
county's three lists hold hundreds of items and a province's tens of thousands.
Each record carries what ``services._write_history`` would write (user, reason, the
item's applicability rows), so history, "as of" lists and diffs read them alike.
"""

import datetime

from django.utils import timezone

from ..models import DutyItem, ItemStatus, duty_item_history
from .planning import ListPlan, effective_date_of

BATCH = 500
UPDATED_FIELDS = (
    "title",
    "category",
    "duty_type",
    "lead_department",
    "department_responsibilities",
    "local_responsibilities",
    "basis",
    "resources",
    "applies_to_all",
    "effective_date",
    "status",
    "withdrawn_date",
)


def write_plan(
    plan: ListPlan,
    *,
    history_user,
    reason: str,
    effective_date: datetime.date,
    progress=None,
) -> list[DutyItem]:
    """Apply ``plan`` to its list (which must exist and be locked by the caller).

    Returns the items added, changed and withdrawn. Changes: their rows and
    applicability rows, and one history record each ("+" added, "~" otherwise) with
    ``history_user`` and ``reason``, all dated now."""
    duty_list = plan.duty_list
    now = timezone.now()
    through = DutyItem.townships.through

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
    applicability = {item.pk: spec.townships for item, spec in zip(added, plan.added, strict=True)}

    changed = []
    for change in plan.changed:
        item, spec = change.item, change.spec
        for name, value in spec.values.items():
            setattr(item, name, value)
        item.effective_date = spec.effective_date or item.effective_date
        item.status, item.withdrawn_date = ItemStatus.IN_FORCE, None
        changed.append(item)
        applicability[item.pk] = spec.townships
    withdrawn = []
    for item in plan.withdrawn:
        item.status = ItemStatus.WITHDRAWN
        item.withdrawn_date = max(effective_date, item.effective_date)
        withdrawn.append(item)
    DutyItem.objects.bulk_update(changed + withdrawn, UPDATED_FIELDS, batch_size=BATCH)

    replaced = [item.pk for item in changed]
    for start in range(0, len(replaced), BATCH):
        through.objects.filter(dutyitem_id__in=replaced[start : start + BATCH]).delete()
    rows = through.objects.bulk_create(
        [
            through(dutyitem_id=item_id, township_id=township_id)
            for item_id, township_ids in applicability.items()
            for township_id in sorted(township_ids)
        ],
        batch_size=BATCH,
    )
    _write_history(
        [(item, "+") for item in added]
        + [(item, "~") for item in changed]
        + [(item, "~") for item in withdrawn],
        rows_of=_rows_by_item(rows, [item.pk for item in withdrawn]),
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


def _rows_by_item(new_rows, kept_item_ids: list[int]) -> dict[int, list]:
    """The applicability rows of each written item: the new ones, and the untouched
    rows of withdrawn items (read back in batches)."""
    through = DutyItem.townships.through
    rows_of: dict[int, list] = {}
    for row in new_rows:
        rows_of.setdefault(row.dutyitem_id, []).append(row)
    for start in range(0, len(kept_item_ids), BATCH):
        batch = kept_item_ids[start : start + BATCH]
        for row in through.objects.filter(dutyitem_id__in=batch):
            rows_of.setdefault(row.dutyitem_id, []).append(row)
    return rows_of


def _write_history(entries, *, rows_of, history_user, reason, when) -> None:
    history_model = DutyItem.history.model
    # simple-history keeps one ``m2m_models`` dict for every tracked model: pick ours.
    m2m_model = duty_item_history.m2m_models[DutyItem._meta.get_field("townships")]
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
    m2m_model.objects.bulk_create(
        [
            # simple-history keeps the applicability row's own id in each record's copy.
            m2m_model(
                id=row.pk, history=record, dutyitem_id=row.dutyitem_id, township_id=row.township_id
            )
            for record, (item, _) in zip(records, entries, strict=True)
            for row in rows_of.get(item.pk, ())
        ],
        batch_size=BATCH,
    )
