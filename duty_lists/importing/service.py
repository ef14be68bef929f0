"""``lists_import``: the one service that imports an approved lists file."""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal

from organisations import permissions as org_permissions
from organisations.models import County
from organisations.text import clean_text

from .. import services
from ..models import DutyList, Level, Release
from .issues import ImportIssue, ImportRefused
from .planning import ListPlan, plan_list
from .reading import UnreadableWorkbook, open_workbook, read_sheets
from .validation import CountyUnits, SheetSummary, validate
from .writing import write_plan

audit_log = logging.getLogger("qingdan.audit")
DEFAULT_DECIDED_BY = "县委、县政府"

# Sent by ``lists_import`` inside its transaction once a file's changes are written,
# with ``county`` and ``items`` (every item added, changed or withdrawn). The workflow
# app, which this app may not import, listens to start the expiry timers of temporary
# items (临时事项) the file brought.
lists_imported = Signal()


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do): one plan per list in the file,
    the sheets read, notices (columns not imported …) and the releases recorded."""

    county: County
    file_name: str
    document_number: str
    dry_run: bool
    lists: list[ListPlan]
    sheets: list[SheetSummary]
    notices: list[str] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """True if the file changes (or changed) at least one list."""
        return any(plan.has_changes for plan in self.lists)

    def summary(self) -> tuple:
        """Codes per list and kind: equal for two runs that do the same thing."""
        return tuple(
            (
                plan.level,
                tuple(spec.code for spec in plan.added),
                tuple((c.item.code, tuple(c.fields)) for c in plan.changed),
                tuple(item.code for item in plan.withdrawn),
                plan.unchanged,
            )
            for plan in self.lists
        )


def can_import_lists(user, county: County) -> bool:
    """True if ``user`` may import lists of ``county``: those who may edit its lists
    directly (the county office and the county administrator)."""
    return org_permissions.can_arbitrate_county(user, county) or (
        org_permissions.can_administer_county(user, county)
    )


def counties_importable_by(user) -> list[County]:
    """The counties whose lists ``user`` may import (by code)."""
    ids = org_permissions.county_ids_arbitrated_by(user) | (
        org_permissions.county_ids_administered_by(user)
    )
    return list(County.objects.filter(pk__in=ids).order_by("code"))


def lists_import(
    *,
    actor,
    county: County,
    content: bytes,
    file_name: str,
    effective_date: datetime.date,
    document_number: str = "",
    reason: str = "",
    withdraw_missing: bool = False,
    dry_run: bool = False,
    decided_by: str = "",
    decided_on: datetime.date | None = None,
    recorded_by=None,
    progress=None,
) -> ImportResult:
    """Import the approved lists in ``content`` (an .xlsx file) into ``county``'s lists.

    Items are matched by code within their list: new codes are added, changed ones
    updated, unchanged ones left alone (a second import of the same file writes
    nothing); items in force that the file omits are withdrawn only with
    ``withdraw_missing``. The history reason is ``document_number`` (文号), else
    ``reason``; with a 文号 each changed list gets a release (``release_publish``)
    decided by ``decided_by`` (default 县委、县政府) on ``decided_on`` (default
    ``effective_date``). ``progress`` (callable taking a text line) hears progress.

    Returns an ``ImportResult``. Raises ``PermissionDenied`` when ``actor`` may not
    import into the county, ``ValidationError`` for a missing 文号/reason or date, and
    ``ImportRefused`` listing every bad sheet, row and column; nothing is written then,
    nor on a dry run. Changes: the lists (created when new, with the county's default
    categories when it has none), their items, applicability rows and cooperating
    departments, one history record per item written, the releases; sends
    ``lists_imported``.
    """
    if actor is not None and not can_import_lists(actor, county):
        audit_log.warning("denied: %s may not import lists of county %s", actor, county.pk)
        raise PermissionDenied("您无权导入该县的清单。")
    document_number = clean_text(document_number)
    reason = document_number or clean_text(reason)
    errors = {}
    if not reason:
        errors["document_number"] = "请填写文号（或导入理由）。"
    if effective_date is None:
        errors["effective_date"] = "请填写生效日期。"
    if len(document_number) > 100:
        errors["document_number"] = "文号不能超过 100 个字符。"
    if errors:
        raise ValidationError(errors)

    issues: list[ImportIssue] = []
    try:
        workbook = open_workbook(content, file_name)
    except UnreadableWorkbook as error:
        raise ImportRefused([ImportIssue(None, None, None, str(error))]) from None
    try:
        sheets = read_sheets(workbook, issues, progress)
    finally:
        workbook.close()
    units = CountyUnits(county)
    validated = validate(sheets, units, issues, effective_date=effective_date)
    if not issues and not validated.specs:
        issues.append(ImportIssue(None, None, None, f"文件“{file_name}”中没有清单事项。"))
    if issues:
        raise ImportRefused(issues)

    with transaction.atomic():
        existing = {
            duty_list.level: duty_list
            for duty_list in DutyList.objects.filter(county=county, level__in=validated.specs)
        }
        if not dry_run:
            existing = {
                level: services.duty_list_lock(services.duty_list_for(county, level))
                for level in validated.specs
            }
        plans = [
            plan_list(
                level,
                existing.get(level),
                validated.specs[level],
                withdraw_missing=withdraw_missing,
            )
            for level in Level.values
            if level in validated.specs
        ]
        result = ImportResult(
            county, file_name, document_number, dry_run, plans, validated.sheets, validated.notices
        )
        if dry_run:
            return result
        _point_at_saved_categories(validated, units)
        written_items = []
        for plan in plans:
            if not plan.has_changes:
                continue
            written = write_plan(
                plan,
                history_user=actor or recorded_by,
                reason=reason,
                effective_date=effective_date,
                progress=progress,
            )
            written_items.extend(written)
            if document_number:
                result.releases.append(
                    services.release_publish(
                        actor=actor,
                        duty_list=plan.duty_list,
                        items=written,
                        document_number=document_number,
                        decided_by=clean_text(decided_by) or DEFAULT_DECIDED_BY,
                        decided_on=decided_on or effective_date,
                        effective_date=effective_date,
                        note=f"导入清单文件“{file_name}”",
                        recorded_by=recorded_by,
                    )
                )
        if written_items:
            lists_imported.send(sender=ImportResult, county=county, items=written_items)
        audit_log.info(
            "lists of county %s imported from %s (%s) by %s: %s",
            county.pk,
            file_name,
            reason,
            actor or recorded_by or "system",
            "; ".join(
                f"{p.level} +{len(p.added)} ~{len(p.changed)} -{len(p.withdrawn)}" for p in plans
            ),
        )
    return result


def _point_at_saved_categories(validated, units: CountyUnits) -> None:
    """A county read with the default categories got them when its first list was
    created (``services.duty_list_for``): the items take those rows."""
    if units.categories_saved:
        return
    services.category_seed_defaults(units.county)
    units.saved_categories()
    rows = {category.code: category for category in units.category_list}
    for specs in validated.specs.values():
        for spec in specs.values():
            spec.values["category"] = rows[spec.values["category"].code]
