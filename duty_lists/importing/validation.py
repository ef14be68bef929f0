"""Turning read rows into checked item values (one ``ItemSpec`` per list and code).

Everything is resolved against one county's departments, townships, villages and
categories, loaded once; a bad cell, a missing column or a duplicate code becomes an
``ImportIssue`` and the checks go on, so that one pass reports every problem of the
file.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from organisations.models import County, Department, Township, Village

from ..models import (
    DEFAULT_CATEGORIES,
    ITEM_CONTENT_FIELDS,
    Category,
    DutyItem,
    ItemKind,
    Level,
    default_primary_responsibility,
)
from ..services import item_value_problems
from .columns import BY_KEY, COLUMNS, LOCAL_HEADER_LEVELS, CellError, normalise_name
from .issues import ImportIssue
from .reading import Row, Sheet

# Model fields an import sets, compared with the list to find what changed.
ITEM_FIELDS = (
    *ITEM_CONTENT_FIELDS,
    "applies_to_all",
    "village_kind",
    "expires_on",
)
# Fields that hold a row of another table.
FOREIGN_KEYS = ("category", "lead_department")
# Whom the item applies to: always taken from the file as a whole (empty means all).
APPLICABILITY_FIELDS = ("applies_to_all", "townships", "villages", "village_kind")
# Values of an item the file says nothing about (its column is absent).
DEFAULTS = {
    "item_kind": ItemKind.DUTY,
    "primary_responsibility": "",
    "accountability": "",
    "exemption": "",
    "work_requirements": "",
    "funding_amount": None,
    "funding_source": "",
    "staffing": "",
    "equipment": "",
    "remarks": "",
    "guidance_code": "",
    "applies_to_all": True,
    "village_kind": "",
    "expires_on": None,
}
# The columns a value may come from, the first present one is named in an issue.
VALUE_COLUMNS = {
    "item_kind": ("duty_type",),
    "funding_amount": ("funding_amount", "resources"),
    "funding_source": ("funding_source", "resources"),
    "staffing": ("staffing", "resources"),
    "equipment": ("equipment", "resources"),
    "expires_on": ("expires_on", "remarks"),
    "applies_to_all": ("applicability",),
    "townships": ("applicability",),
    "villages": ("villages", "village_kind"),
    "cooperations": ("cooperation",),
    "cooperating_departments": ("cooperation",),
}

LIST_LAYOUT, TOWNSHIP_LAYOUT = "list", "township"
VILLAGE_PATH_SEPARATOR = "/"


class CountyUnits:
    """The county's departments, townships and villages by code and by (folded) name,
    and its categories by code, name and full name. A county without categories yet is
    read with the default eight, created when the import writes
    (``services.category_seed_defaults``)."""

    def __init__(self, county: County):
        self.county = county
        self.departments = _by_code_and_name(Department.objects.filter(county=county))
        self.township_list = list(Township.objects.filter(county=county).order_by("code"))
        self.townships = _by_code_and_name(self.township_list)
        self.villages, self.ambiguous_villages = _villages_by_name(
            Village.objects.filter(township__county=county)
            .select_related("township")
            .order_by("code")
        )
        categories = list(Category.objects.filter(county=county).select_related("parent"))
        self.categories_saved = bool(categories)
        if not categories:
            categories = [
                Category(county=county, code=code, name=name, position=position * 10)
                for position, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1)
            ]
        self.category_list = categories
        self.categories = _categories_by_name(categories)

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

    def village(self, text: str) -> Village:
        """The village (村/社区) coded or named ``text``, or named "乡镇(街道)/村(社区)";
        raises ``CellError`` for an unknown name or one that several townships have."""
        folded = normalise_name(text)
        found = self.villages.get(folded)
        if found is not None:
            return found
        if folded in self.ambiguous_villages:
            raise CellError(f"“{text}”有多个同名村(社区)，请写作“乡镇(街道)/{text}”或填编码。")
        raise CellError(f"“{text}”不是{self.county.name}的村(社区)（名称或编码）。")

    def category(self, text: str) -> Category:
        """The category coded or named ``text`` ("一级／二级" for a sub-category, or
        its own name when no other sub-category has it); raises ``CellError``."""
        found = self.categories.get(normalise_name(text))
        if found is None:
            names = "、".join(category.full_name for category in self.category_list)
            raise CellError(
                f"类别“{text}”不是{self.county.name}的领域类别（名称或代码），应为：{names}。"
            )
        return found

    def township_of_sheet(self, name: str) -> Township | None:
        """The township a sheet is named after (一乡一单: "城关街道", "城关街道清单" …)."""
        folded = normalise_name(name)
        matches = [t for t in self.township_list if folded.startswith(normalise_name(t.name))]
        return max(matches, key=lambda t: len(t.name)) if matches else None

    def saved_categories(self) -> None:
        """Once the county's categories exist (the import created them): point every
        category looked up so far at its row."""
        if self.categories_saved:
            return
        rows = {c.code: c for c in Category.objects.filter(county=self.county)}
        self.category_list = [rows[category.code] for category in self.category_list]
        self.categories = _categories_by_name(self.category_list)
        self.categories_saved = True


def _by_code_and_name(units) -> dict:
    found = {}
    for unit in units:
        found[normalise_name(unit.code)] = unit
        found.setdefault(normalise_name(unit.name), unit)
    return found


def _villages_by_name(villages) -> tuple[dict, set]:
    found, names = {}, {}
    for village in villages:
        found[normalise_name(village.code)] = village
        path = f"{village.township.name}{VILLAGE_PATH_SEPARATOR}{village.name}"
        found[normalise_name(path)] = village
        names.setdefault(normalise_name(village.name), []).append(village)
    ambiguous = {name for name, same in names.items() if len(same) > 1}
    for name, same in names.items():
        if name not in ambiguous:
            found.setdefault(name, same[0])
    return found, ambiguous


def _categories_by_name(categories) -> dict:
    found, children = {}, {}
    for category in categories:
        found[normalise_name(category.code)] = category
        found[normalise_name(category.full_name)] = category
        if category.parent_id is None:
            found.setdefault(normalise_name(category.name), category)
        else:
            children.setdefault(normalise_name(category.name), []).append(category)
    for name, same in children.items():
        if len(same) == 1:
            found.setdefault(name, same[0])
    return found


@dataclass
class ItemSpec:
    """One item as the file gives it: list level, code, model values, the fields the
    file states (``given``: a column absent from the file leaves an item's value as it
    is), applicability and cooperating departments, and where it is."""

    level: str
    code: str
    values: dict
    given: frozenset[str]
    townships: frozenset[int]
    villages: frozenset[int]
    cooperations: tuple[tuple[int, str], ...]
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


def validate(
    sheets: list[Sheet],
    units: CountyUnits,
    issues: list[ImportIssue],
    *,
    effective_date: datetime.date | None = None,
) -> Validated:
    """Check every row of ``sheets`` against ``units`` (``effective_date``: the
    import's, for rows without their own). Returns a ``Validated``; appends to
    ``issues`` every problem found (the result is only usable when none were)."""
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
            spec = _row_spec(sheet, row, level, township, units, issues, effective_date)
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


class _RowIssues:
    """The issues of one row, each under the column a value came from."""

    def __init__(self, sheet: Sheet, row: Row, issues: list[ImportIssue]):
        self.sheet, self.row, self.issues = sheet, row, issues
        self.origin: dict[str, str] = {}
        self.found = 0

    def add(self, key: str | None, message: str) -> None:
        if key is None or key not in self.sheet.columns:
            header, letter = None, None
        else:
            _, header, letter = self.sheet.columns[key]
        self.issues.append(ImportIssue(self.sheet.name, self.row.number, header, message, letter))
        self.found += 1

    def add_for_field(self, name: str, message: str) -> None:
        """An issue about model field ``name``, under the column that gave it."""
        key = self.origin.get(name)
        if key is None:
            candidates = (*VALUE_COLUMNS.get(name, ()), name)
            key = next((k for k in candidates if k in self.sheet.columns), None)
        if key is None:
            # No column of the file gave it: name the field in the message itself.
            label = str(DutyItem._meta.get_field(name).verbose_name)
            message = f"{label}：{message}"
        self.add(key, message)


def _row_spec(
    sheet: Sheet,
    row: Row,
    level: str,
    township: Township | None,
    units: CountyUnits,
    issues: list[ImportIssue],
    import_date: datetime.date | None,
) -> ItemSpec | None:
    values: dict = dict(DEFAULTS)
    problems = _RowIssues(sheet, row, issues)
    parsed_by: dict[str, tuple[str, object]] = {}
    given: set[str] = set()
    all_named = False
    for key, (column, _header, _letter) in sheet.columns.items():
        if column.parse is None:
            continue
        cell = row.cells[key]
        if not cell.text:
            if column.required:
                problems.add(key, "不能为空。")
            elif key not in ("applicability", "villages", "village_kind"):
                given.update(_fields_of(key))
            continue
        if township and key == "applicability":
            continue
        if column.village_only and level == Level.TOWNSHIP:
            problems.add(key, "乡镇(街道)清单的事项只能按乡镇(街道)确定适用范围。")
            continue
        if township and key == "villages":
            problems.add(key, "按乡镇分表时适用范围即该乡镇(街道)，不能再填适用村(社区)。")
            continue
        try:
            parsed = column.parse(cell.value if column.raw else cell.text, units)
        except CellError as error:
            problems.add(key, str(error))
            continue
        all_named = parsed.pop("all_named", all_named)
        for name, value in parsed.items():
            stated = value not in (None, "")
            earlier = parsed_by.get(name)
            if stated and earlier is not None and earlier[1] not in (None, "", value):
                label = sheet.columns[earlier[0]][1]
                problems.add(key, f"与“{label}”列所写的{_field_label(name)}不一致。")
                continue
            if stated or earlier is None:
                parsed_by[name] = (key, value)
                problems.origin[name] = key
                values[name] = value
            given.add(name)
    if problems.found:
        return None
    code = values.pop("code")
    townships = values.pop("townships", ())
    villages = values.pop("villages", ())
    cooperations = values.pop("cooperations", ())
    effective_date = values.pop("effective_date", None)
    if villages and all_named:
        problems.add("villages", "“适用乡镇”为“全部”时不能再填适用村(社区)。")
        return None
    values["applies_to_all"] = not townships and not villages
    if not values["primary_responsibility"]:
        values["primary_responsibility"] = default_primary_responsibility(values["duty_type"])
    # The model's own checks (and text cleaning) on a throw-away instance: no query.
    item = DutyItem(
        code=code, effective_date=effective_date or import_date, **_model_values(values)
    )
    try:
        item.clean_fields(exclude=["duty_list", "lead_department", "category", "effective_date"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                problems.add_for_field(name, message)
        return None
    found = item_value_problems(
        item,
        level,
        has_villages=bool(villages or item.village_kind),
        cooperations=list(cooperations),
    )
    for name, messages in found.items():
        for message in messages:
            problems.add_for_field(name, message)
    if problems.found:
        return None
    cleaned = {name: getattr(item, name) for name in ITEM_FIELDS}
    return ItemSpec(
        level=level,
        code=item.code,
        values=cleaned,
        given=frozenset(given | set(APPLICABILITY_FIELDS)),
        townships=frozenset(t.pk for t in townships),
        villages=frozenset(v.pk for v in villages),
        cooperations=tuple((department.pk, text) for department, text in cooperations),
        effective_date=effective_date,
        sheet=sheet.name,
        row=row.number,
    )


def _fields_of(key: str) -> tuple[str, ...]:
    """The fields an empty cell of column ``key`` states to be empty."""
    if key == "resources":
        return ("funding_amount", "funding_source", "staffing", "equipment")
    if key == "remarks":
        return ("remarks", "expires_on")
    if key == "cooperation":
        return ("cooperations",)
    if key in ("effective_date", "code", "number"):
        return ()
    return (key,)


def _model_values(values: dict) -> dict:
    return {name: value for name, value in values.items() if name in ITEM_FIELDS}


def _field_label(name: str) -> str:
    if name in ITEM_FIELDS:
        return str(DutyItem._meta.get_field(name).verbose_name)
    return BY_KEY[name].label if name in BY_KEY else name


def compared_fields(spec: ItemSpec) -> list[str]:
    """The model fields of ``spec`` an existing item is compared with and updated by:
    those the file states."""
    return [name for name in ITEM_FIELDS if name in spec.given]


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
        if name not in APPLICABILITY_FIELDS and earlier.values[name] != spec.values[name]
    ]
    if earlier.cooperations != spec.cooperations:
        differing.append("cooperations")
    if earlier.effective_date != spec.effective_date:
        differing.append("effective_date")
    if differing:
        labels = "、".join(dict.fromkeys(_header_of(sheet, name) for name in differing))
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


def _header_of(sheet: Sheet, name: str) -> str:
    """The header under which ``sheet`` gives field ``name``."""
    for key in (*VALUE_COLUMNS.get(name, ()), name):
        if key in sheet.columns:
            return sheet.columns[key][1]
    return _field_label(name)


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
