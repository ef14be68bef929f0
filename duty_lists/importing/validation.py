"""Turning read rows into checked item values (one ``ItemSpec`` per list and code).

Everything is resolved against one county's departments and townships, loaded once;
a bad cell, a missing column or a duplicate code becomes an ``ImportIssue`` and the
checks go on, so that one pass reports every problem of the file.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from organisations.models import County, Department, Township

from ..models import DutyItem, Level
from .columns import BY_KEY, COLUMNS, LOCAL_HEADER_LEVELS, CellError, normalise_name
from .issues import ImportIssue
from .reading import Row, Sheet

# Model fields an import sets, compared with the list to find what changed.
ITEM_FIELDS = (
    "title",
    "category",
    "duty_type",
    "lead_department",
    "department_responsibilities",
    "local_responsibilities",
    "basis",
    "resources",
    "applies_to_all",
)
# The column a model field's error is reported under.
FIELD_COLUMN = {
    "code": "code",
    "applies_to_all": "applicability",
    "effective_date": "effective_date",
}
FIELD_COLUMN.update({name: name for name in ITEM_FIELDS if name in BY_KEY})

LIST_LAYOUT, TOWNSHIP_LAYOUT = "list", "township"


class CountyUnits:
    """The county's departments and townships by code and by (folded) name."""

    def __init__(self, county: County):
        self.county = county
        self.departments = _by_code_and_name(Department.objects.filter(county=county))
        self.township_list = list(Township.objects.filter(county=county).order_by("code"))
        self.townships = _by_code_and_name(self.township_list)

    def department(self, text: str) -> Department:
        """The department named or coded ``text``; raises ``CellError``."""
        found = self.departments.get(normalise_name(text))
        if found is None:
            raise CellError(f"“{text}”不是{self.county.name}的部门（名称或编码）。")
        return found

    def township(self, text: str) -> Township:
        """The township named or coded ``text``; raises ``CellError``."""
        found = self.townships.get(normalise_name(text))
        if found is None:
            raise CellError(f"“{text}”不是{self.county.name}的乡镇(街道)（名称或编码）。")
        return found

    def township_of_sheet(self, name: str) -> Township | None:
        """The township a sheet is named after (一乡一单: "城关街道", "城关街道清单" …)."""
        folded = normalise_name(name)
        matches = [t for t in self.township_list if folded.startswith(normalise_name(t.name))]
        return max(matches, key=lambda t: len(t.name)) if matches else None


def _by_code_and_name(units) -> dict:
    found = {}
    for unit in units:
        found[normalise_name(unit.code)] = unit
        found.setdefault(normalise_name(unit.name), unit)
    return found


@dataclass
class ItemSpec:
    """One item as the file gives it: list level, code, model values and where it is."""

    level: str
    code: str
    values: dict
    townships: frozenset[int]
    effective_date: datetime.date | None
    sheet: str
    row: int
    township_sheets: list[Township] = field(default_factory=list)


@dataclass
class SheetSummary:
    """What a sheet holds: its layout, list level, township (一乡一单) and counts."""

    name: str
    layout: str
    level: str | None
    township: str
    rows: int
    items: int = 0

    @property
    def level_label(self) -> str:
        """The level's Chinese name, or "" when undetermined."""
        return Level(self.level).label if self.level else ""


@dataclass
class Validated:
    """The checked content of a file: specs per level and code, sheets and notices."""

    specs: dict[str, dict[str, ItemSpec]]
    sheets: list[SheetSummary]
    notices: list[str]


def validate(sheets: list[Sheet], units: CountyUnits, issues: list[ImportIssue]) -> Validated:
    """Check every row of ``sheets`` against ``units``. Returns a ``Validated``; appends
    to ``issues`` every problem found (the result is only usable when none were)."""
    specs: dict[str, dict[str, ItemSpec]] = {}
    summaries, notices = [], []
    township_specs: dict[str, set[str]] = {}
    for sheet in sheets:
        township = units.township_of_sheet(sheet.name)
        layout = TOWNSHIP_LAYOUT if township else LIST_LAYOUT
        level = _level(sheet, layout, issues)
        summary = SheetSummary(
            sheet.name, layout, level, township.name if township else "", len(sheet.rows)
        )
        summaries.append(summary)
        notices.extend(
            f"工作表“{sheet.name}”的“{header}”列暂不导入（事项尚无此字段）。"
            for header in sheet.not_stored
        )
        notices.extend(
            f"工作表“{sheet.name}”的“{header}”列无法识别，未导入。" for header in sheet.unknown
        )
        if township and "applicability" in sheet.columns:
            notices.append(
                f"工作表“{sheet.name}”按乡镇分表，适用范围即“{township.name}”，"
                "其“适用乡镇”列未采用。"
            )
        if not _has_required_columns(sheet, issues) or level is None:
            continue
        for row in sheet.rows:
            spec = _row_spec(sheet, row, level, township, units, issues)
            if spec is None:
                continue
            summary.items += 1
            same_list = specs.setdefault(level, {})
            earlier = same_list.get(spec.code)
            if earlier is None:
                same_list[spec.code] = spec
                if township:
                    township_specs.setdefault(level, set()).add(spec.code)
                    spec.township_sheets.append(township)
            elif township and earlier.township_sheets and earlier.sheet != sheet.name:
                _merge(earlier, spec, township, sheet, row, issues)
            else:
                issues.append(
                    ImportIssue(
                        sheet.name,
                        row.number,
                        sheet.columns["code"][1],
                        f"事项编码“{spec.code}”与工作表“{earlier.sheet}”第 {earlier.row} 行重复。",
                        sheet.columns["code"][2],
                    )
                )
    _township_applicability(specs, township_specs, units, notices)
    return Validated(specs, summaries, notices)


def _level(sheet: Sheet, layout: str, issues: list[ImportIssue]) -> str | None:
    local = sheet.columns.get("local_responsibilities")
    if local is not None and LOCAL_HEADER_LEVELS.get(local[1]):
        return LOCAL_HEADER_LEVELS[local[1]]
    name = normalise_name(sheet.name)
    if "网格" in name:
        return Level.GRID
    if "村" in name or "社区" in name:
        return Level.VILLAGE
    if "乡镇" in name or "街道" in name or layout == TOWNSHIP_LAYOUT:
        return Level.TOWNSHIP
    issues.append(
        ImportIssue(
            sheet.name,
            None,
            None,
            "无法确定清单层级：请将工作表命名为“乡镇(街道)”“村(社区)”或“网格”（按乡镇分表时"
            "命名为乡镇(街道)名称），或将本级职责列命名为“乡镇(街道)职责”“村(社区)职责”或“网格职责”。",
        )
    )
    return None


def _has_required_columns(sheet: Sheet, issues: list[ImportIssue]) -> bool:
    missing = [c for c in COLUMNS if c.required and c.key not in sheet.columns]
    for column in missing:
        label = column.label
        if column.key == "local_responsibilities":
            label = "乡镇(街道)职责"
            message = "缺少本级职责列（“乡镇(街道)职责”“村(社区)职责”或“网格职责”）。"
        else:
            message = f"缺少“{label}”列。"
        issues.append(ImportIssue(sheet.name, sheet.header_row, label, message))
    return not missing


def _row_spec(
    sheet: Sheet,
    row: Row,
    level: str,
    township: Township | None,
    units: CountyUnits,
    issues: list[ImportIssue],
) -> ItemSpec | None:
    values: dict = {"applies_to_all": True, "resources": ""}
    townships: tuple = ()
    effective_date = None
    found = len(issues)
    for key, (column, header, letter) in sheet.columns.items():
        if column.parse is None:
            continue
        cell = row.cells[key]
        if not cell.text:
            if column.required:
                issues.append(ImportIssue(sheet.name, row.number, header, "不能为空。", letter))
            continue
        if township and key == "applicability":
            continue
        try:
            parsed = column.parse(cell.value if key == "effective_date" else cell.text, units)
        except CellError as error:
            issues.append(ImportIssue(sheet.name, row.number, header, str(error), letter))
            continue
        townships = parsed.pop("townships", townships)
        effective_date = parsed.pop("effective_date", effective_date)
        values.update(parsed)
    if len(issues) > found:
        return None
    code = values.pop("code")
    # The model's own checks (and text cleaning) on a throw-away instance: no query.
    item = DutyItem(code=code, **values)
    try:
        item.clean_fields(exclude=["duty_list", "lead_department", "effective_date"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = FIELD_COLUMN.get(name, name)
            _, header, letter = sheet.columns.get(key, (None, name, None))
            issues.extend(
                ImportIssue(sheet.name, row.number, header, message, letter) for message in messages
            )
        return None
    cleaned = {name: getattr(item, name) for name in ITEM_FIELDS}
    return ItemSpec(
        level=level,
        code=item.code,
        values=cleaned,
        townships=frozenset(t.pk for t in townships),
        effective_date=effective_date,
        sheet=sheet.name,
        row=row.number,
    )


def _merge(
    earlier: ItemSpec,
    spec: ItemSpec,
    township: Township,
    sheet: Sheet,
    row: Row,
    issues: list[ImportIssue],
) -> None:
    """One item listed on several township sheets (一乡一单): the same content, one more
    township."""
    if township in earlier.township_sheets:
        issues.append(
            ImportIssue(
                sheet.name,
                row.number,
                sheet.columns["code"][1],
                f"事项编码“{spec.code}”与工作表“{earlier.sheet}”第 {earlier.row} 行重复。",
                sheet.columns["code"][2],
            )
        )
        return
    differing = [
        name
        for name in ITEM_FIELDS
        if name != "applies_to_all" and earlier.values[name] != spec.values[name]
    ]
    if earlier.effective_date != spec.effective_date:
        differing.append("effective_date")
    if differing:
        labels = "、".join(sheet.columns[FIELD_COLUMN.get(n, n)][1] for n in differing)
        issues.append(
            ImportIssue(
                sheet.name,
                row.number,
                None,
                f"事项“{spec.code}”的{labels}与工作表“{earlier.sheet}”第 {earlier.row} 行不同；"
                "同一事项在各乡镇(街道)表中应一致。",
            )
        )
        return
    earlier.township_sheets.append(township)


def _township_applicability(specs, township_specs, units: CountyUnits, notices) -> None:
    """Items of township sheets apply to the townships whose sheets list them; to all
    when every township of the county lists them."""
    every = {t.pk for t in units.township_list}
    for level, codes in township_specs.items():
        for code in codes:
            spec = specs[level][code]
            named = frozenset(t.pk for t in spec.township_sheets)
            if named == every:
                spec.values["applies_to_all"], spec.townships = True, frozenset()
            else:
                spec.values["applies_to_all"], spec.townships = False, named
