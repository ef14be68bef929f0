"""Import of the organisation tree (组织机构导入) from a CSV file.

The file is UTF-8 (a BOM is allowed) with the header ``code,name,kind,parent_code`` and
an optional ``subkind`` column, one unit per line. ``org_units_import`` validates the whole
file against itself and the database first and reports every bad line; only a clean file
is written, in one transaction, with bulk inserts/updates and one history record per
created or changed unit.
"""

import csv
import io
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import County, Department, Grid, Township, Village
from .text import clean_text

audit_log = logging.getLogger("qingdan.audit")

CHANGE_REASON = "导入组织机构"
REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")
OPTIONAL_COLUMNS = ("subkind",)
# Rows written between two progress calls; also the size of one bulk_create_with_history.
PROGRESS_STEP = 5000
# Rows per INSERT/UPDATE statement (Django lowers it further where SQLite needs it).
WRITE_BATCH_SIZE = 1000

ProgressCallback = Callable[[int, int], None]


class UnitKind(models.TextChoices):
    """The ``kind`` column's values, in parent-before-child order."""

    COUNTY = "county", "县(市、区)"
    DEPARTMENT = "department", "县级部门"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"
    GRID = "grid", "网格"


@dataclass(frozen=True)
class _KindSpec:
    model: type[models.Model]
    parent_kind: UnitKind | None = None
    parent_field: str | None = None
    # The model's ``kind`` choices (街道/镇/乡, 村/社区) as ``(value, label)`` pairs.
    subkinds: tuple[tuple[str, str], ...] = ()
    # Name endings that decide the subkind when the ``subkind`` column is empty.
    name_endings: tuple[tuple[str, str], ...] = ()
    # ``subkind`` column text (English value or Chinese label) -> value.
    subkind_by_text: dict[str, str] = field(default_factory=dict)


def _spec(model, parent_kind=None, parent_field=None, subkinds=None, name_endings=()):
    choices = tuple(subkinds.choices) if subkinds else ()
    by_text = {text: value for value, label in choices for text in (value, label)}
    return _KindSpec(model, parent_kind, parent_field, choices, name_endings, by_text)


_SPECS: dict[UnitKind, _KindSpec] = {
    UnitKind.COUNTY: _spec(County),
    UnitKind.DEPARTMENT: _spec(Department, UnitKind.COUNTY, "county"),
    UnitKind.TOWNSHIP: _spec(
        Township,
        UnitKind.COUNTY,
        "county",
        Township.Kind,
        (
            ("街道", Township.Kind.SUBDISTRICT),
            ("镇", Township.Kind.TOWN),
            ("乡", Township.Kind.TOWNSHIP),
        ),
    ),
    UnitKind.VILLAGE: _spec(
        Village,
        UnitKind.TOWNSHIP,
        "township",
        Village.Kind,
        (("社区", Village.Kind.COMMUNITY), ("村", Village.Kind.VILLAGE)),
    ),
    UnitKind.GRID: _spec(Grid, UnitKind.VILLAGE, "village"),
}
_KIND_BY_VALUE = {kind.value: kind for kind in UnitKind}
CODE_MAX_LENGTH = min(spec.model._meta.get_field("code").max_length for spec in _SPECS.values())
NAME_MAX_LENGTH = min(spec.model._meta.get_field("name").max_length for spec in _SPECS.values())


@dataclass(frozen=True)
class LineError:
    """One bad line of the file: its number (the header is line 1), column and message."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行: {self.message}"


class OrgImportError(ValidationError):
    """The file cannot be imported; ``line_errors`` lists every bad line, in line order."""

    def __init__(self, line_errors: Iterable[LineError]):
        self.line_errors = sorted(line_errors, key=lambda error: error.line)
        super().__init__([str(error) for error in self.line_errors])


@dataclass
class KindCounts:
    """How many units of one kind the import created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    """The outcome of an import: counts per kind, in parent-before-child order."""

    counts: dict[UnitKind, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in UnitKind}
    )

    @property
    def total_rows(self) -> int:
        return sum(counts.total for counts in self.counts.values())


@dataclass
class _Row:
    line: int
    code: str
    name: str
    kind: UnitKind | None
    parent_code: str
    subkind: str | None = None


@dataclass(frozen=True)
class _Existing:
    pk: int
    name: str
    subkind: str | None
    parent_code: str | None


def org_units_import(
    *,
    actor,
    source: bytes | str | os.PathLike | IO[bytes],
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import counties, departments, townships, villages and grids from a CSV file.

    ``source`` is the file's bytes, a path, or a binary file object. ``actor`` is the
    acting user; ``None`` means the system operator (management command). ``progress``,
    if given, is called as ``progress(done_rows, total_rows)`` every few thousand rows of
    the write phase and once at the end.

    Returns an ``ImportReport`` with created/updated/unchanged counts per kind.
    Raises ``PermissionDenied`` unless ``actor`` is ``None`` or a superuser, and
    ``OrgImportError`` (a ``ValidationError``) listing every bad line when the file is
    bad; nothing is written then.
    Changes: creates the units whose codes are new, updates names and subkinds of the
    existing ones (matched by ``code``; parents never change), each with a history
    record carrying ``actor`` and the reason "导入组织机构", in one transaction.
    """
    _require_importer(actor)
    rows, errors, is_readable = _parse(_read_bytes(source))
    if not is_readable:
        raise OrgImportError(errors)
    with transaction.atomic():
        existing = _load_existing(rows)
        errors += _check_against_file_and_database(rows, existing)
        if errors:
            raise OrgImportError(errors)
        report = _write(rows, existing, actor=actor, progress=progress)
    audit_log.info(
        "org units imported by %s: %s",
        actor or "system",
        ", ".join(
            f"{kind.value} +{c.created} ~{c.updated} ={c.unchanged}"
            for kind, c in report.counts.items()
        ),
    )
    return report


def _require_importer(actor) -> None:
    # Imports span counties, so only the operator or a superuser may run them.
    if actor is None:
        return
    if not (actor.is_authenticated and actor.is_superuser):
        audit_log.warning("denied: %s may not import organisation units", actor)
        raise PermissionDenied("只有系统管理员可以导入组织机构。")


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if hasattr(source, "read"):
        return source.read()
    return Path(source).read_bytes()


def _decode(data: bytes) -> tuple[str | None, LineError | None]:
    """Decode UTF-8 (dropping a BOM); on failure name the first undecodable line."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        # The bytes before the bad one on that line are valid UTF-8: parse them to find
        # which column the bad byte falls into.
        prefix = data[line_start : exc.start].decode("utf-8")
        column_index = len(next(csv.reader([prefix]), [""])) - 1 if prefix else 0
        column = None
        if line > 1:
            header = data[: data.find(b"\n")].decode("utf-8", errors="replace")
            names = [name.strip().lower() for name in next(csv.reader([header]), [])]
            column = names[column_index] if column_index < len(names) else None
        where = f"{column} 列" if column else "该行"
        return None, LineError(
            line,
            column,
            f"{where}含有无法按 UTF-8 解码的字节（文件可能是 GBK 编码），"
            "请将文件另存为 UTF-8 编码后重新导入。",
        )


def _parse(data: bytes) -> tuple[list[_Row], list[LineError], bool]:
    """Read the file into rows, checking everything a single line can show on its own.

    Returns the rows, their errors, and whether the whole file could be read (false for
    bad encoding, a bad header or broken CSV quoting: the rows are then incomplete).
    """
    text, error = _decode(data)
    if error:
        return [], [error], False
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[_Row] = []
    errors: list[LineError] = []
    first_line = 1
    try:
        header_error, columns = _check_header(next(reader, []))
        if header_error:
            return [], [header_error], False
        first_line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                row = _parse_line(first_line, cells, columns, errors)
                if row is not None:
                    rows.append(row)
            first_line = reader.line_num + 1
    except csv.Error:
        errors.append(
            LineError(first_line, None, "CSV 格式错误：从此行起引号不配对或字段格式不正确。")
        )
        return rows, errors, False
    return rows, errors, True


def _check_header(cells: list[str]) -> tuple[LineError | None, list[str]]:
    columns = [cell.strip().lower() for cell in cells]
    expected = ",".join(REQUIRED_COLUMNS)
    if not any(columns):
        return LineError(1, None, f"缺少表头，第一行应为 {expected}[,subkind]。"), []
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(f"缺少列 {', '.join(missing)}")
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        problems.append(f"无法识别的列 {', '.join(unknown)}")
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        problems.append(f"重复的列 {', '.join(repeated)}")
    if problems:
        message = f"表头错误（{'；'.join(problems)}），表头应为 {expected}[,subkind]。"
        return LineError(1, None, message), columns
    return None, columns


def _parse_line(line: int, cells: list[str], columns: list[str], errors: list[LineError]):
    """Return the line as a ``_Row`` (appending its errors), or ``None`` if unusable."""
    if len(cells) != len(columns):
        errors.append(
            LineError(
                line,
                None,
                f"列数不对：表头有 {len(columns)} 列（{','.join(columns)}），"
                f"此行有 {len(cells)} 列。",
            )
        )
        # Keep the code (if any) so that children of this line are not also reported
        # as having a missing parent.
        code_index = columns.index("code")
        code = cells[code_index].strip() if code_index < len(cells) else ""
        return _Row(line, code, "", None, "") if code else None
    values = {column: clean_text(cell) for column, cell in zip(columns, cells, strict=True)}
    code, name = values["code"], values["name"]
    row = _Row(line, code, name, None, values["parent_code"])
    _check_length(row, "code", "编码", code, CODE_MAX_LENGTH, errors)
    _check_length(row, "name", "名称", name, NAME_MAX_LENGTH, errors)
    raw_kind = values["kind"].lower()
    if raw_kind not in _KIND_BY_VALUE:
        allowed = "、".join(f"{kind.value}（{kind.label}）" for kind in UnitKind)
        shown = f"“{values['kind']}”不是有效的类型" if raw_kind else "为空"
        errors.append(LineError(line, "kind", f"kind 列{shown}，应为 {allowed} 之一。"))
        return row
    row.kind = _KIND_BY_VALUE[raw_kind]
    spec = _SPECS[row.kind]
    if spec.parent_kind is None and row.parent_code:
        errors.append(
            LineError(line, "parent_code", f"parent_code 列应为空：{row.kind.label}没有上级。")
        )
    elif spec.parent_kind is not None and not row.parent_code:
        errors.append(
            LineError(
                line,
                "parent_code",
                f"parent_code 列为空：{row.kind.label}必须填写上级{spec.parent_kind.label}的编码。",
            )
        )
    row.subkind = _resolve_subkind(row, values.get("subkind", ""), errors)
    return row


def _check_length(row, column: str, label: str, value: str, max_length: int, errors) -> None:
    if not value:
        errors.append(LineError(row.line, column, f"{column} 列为空：{label}不能为空。"))
    elif len(value) > max_length:
        errors.append(
            LineError(
                row.line,
                column,
                f"{column} 列过长：{label}最多 {max_length} 个字符，此行有 {len(value)} 个。",
            )
        )


def _resolve_subkind(row: _Row, raw: str, errors: list[LineError]) -> str | None:
    """A township's or village's kind from ``subkind`` (label or value) or its name."""
    spec = _SPECS[row.kind]
    if not spec.subkinds:
        if raw:
            errors.append(
                LineError(
                    row.line,
                    "subkind",
                    f"subkind 列应为空：只有乡镇(街道)和村(社区)填写类型，此行是{row.kind.label}。",
                )
            )
        return None
    if raw in spec.subkind_by_text:
        return spec.subkind_by_text[raw]
    if not raw:
        for ending, value in spec.name_endings:
            if row.name.endswith(ending):
                return value
    allowed = "、".join(f"{label}（{value}）" for value, label in spec.subkinds)
    if raw:
        message = f"subkind 列“{raw}”无效，应为 {allowed} 之一。"
        errors.append(LineError(row.line, "subkind", message))
    elif row.name:
        endings = "、".join(f"“{ending}”" for ending, _ in spec.name_endings)
        message = (
            f"无法确定{row.kind.label}“{row.name}”的类型：name 列不以 {endings} 结尾，"
            f"subkind 列也为空；请在 subkind 列填写 {allowed}。"
        )
        errors.append(LineError(row.line, "subkind", message))
    return None


def _load_existing(rows: list[_Row]) -> dict[str, dict[UnitKind, _Existing]]:
    """Units already in the database under any code the file names, by code and kind."""
    wanted = {row.code for row in rows} | {row.parent_code for row in rows}
    wanted.discard("")
    codes = sorted(wanted)
    chunk_size = min(connection.features.max_query_params or 10000, 10000) - 1
    existing: dict[str, dict[UnitKind, _Existing]] = {}
    for kind, spec in _SPECS.items():
        fields = ["pk", "code", "name"]
        if spec.subkinds:
            fields.append("kind")
        if spec.parent_field:
            fields.append(f"{spec.parent_field}__code")
        queryset = spec.model._default_manager.order_by().values(*fields)
        # When the file names a good share of the table (a province re-import), one scan
        # is much cheaper than hundreds of chunked IN lookups.
        if len(codes) * 4 >= queryset.count():
            batches = [queryset]
        else:
            batches = (
                queryset.filter(code__in=codes[start : start + chunk_size])
                for start in range(0, len(codes), chunk_size)
            )
        for batch in batches:
            for unit in batch:
                if unit["code"] not in wanted:
                    continue
                existing.setdefault(unit["code"], {})[kind] = _Existing(
                    unit["pk"],
                    unit["name"],
                    unit.get("kind"),
                    unit.get(f"{spec.parent_field}__code"),
                )
    return existing


def _check_against_file_and_database(
    rows: list[_Row], existing: dict[str, dict[UnitKind, _Existing]]
) -> list[LineError]:
    """Check duplicates, parents and clashes with the database; return every error."""
    errors: list[LineError] = []
    first_by_code: dict[str, _Row] = {}
    for row in rows:
        if not row.code:
            continue
        first = first_by_code.setdefault(row.code, row)
        if first is not row:
            errors.append(
                LineError(row.line, "code", f"code 列“{row.code}”与第 {first.line} 行的编码重复。")
            )
    for row in rows:
        if row.kind is None or not row.code:
            continue
        spec = _SPECS[row.kind]
        in_database = existing.get(row.code, {})
        if row.kind in in_database:
            current = in_database[row.kind]
            if spec.parent_kind is not None and row.parent_code != current.parent_code:
                errors.append(
                    LineError(
                        row.line,
                        "parent_code",
                        f"parent_code 列与系统不一致：{row.kind.label}“{row.code}”在系统中的"
                        f"上级是“{current.parent_code}”，此行填写的是“{row.parent_code}”；"
                        "导入不能改变隶属关系。",
                    )
                )
        elif in_database:
            other_kind, other = next(iter(in_database.items()))
            errors.append(
                LineError(
                    row.line,
                    "code",
                    f"code 列“{row.code}”在系统中已是{other_kind.label}“{other.name}”，"
                    f"不能再作为{row.kind.label}导入。",
                )
            )
        if spec.parent_kind is not None and row.parent_code:
            error = _check_parent(row, spec.parent_kind, first_by_code, existing)
            if error:
                errors.append(error)
    return errors


def _check_parent(
    row: _Row,
    parent_kind: UnitKind,
    first_by_code: dict[str, _Row],
    existing: dict[str, dict[UnitKind, _Existing]],
) -> LineError | None:
    code = row.parent_code
    wanted = f"{row.kind.label}的上级应为{parent_kind.label}"
    parent_row = first_by_code.get(code)
    if parent_row is not None:
        # A parent line whose kind is unreadable is reported on its own line already.
        if parent_row.kind is None or parent_row.kind == parent_kind:
            return None
        return LineError(
            row.line,
            "parent_code",
            f"parent_code 列“{code}”是第 {parent_row.line} 行的{parent_row.kind.label}，{wanted}。",
        )
    in_database = existing.get(code, {})
    if parent_kind in in_database:
        return None
    if in_database:
        other_kind = next(iter(in_database))
        return LineError(
            row.line,
            "parent_code",
            f"parent_code 列“{code}”在系统中是{other_kind.label}，{wanted}。",
        )
    return LineError(
        row.line,
        "parent_code",
        f"parent_code 列“{code}”找不到：文件和系统中都没有这个编码的{parent_kind.label}。",
    )


class _Progress:
    def __init__(self, callback: ProgressCallback | None, total: int):
        self.callback, self.total, self.done, self.reported = callback, total, 0, 0

    def advance(self, rows: int) -> None:
        if not rows:
            return
        self.done += rows
        if self.callback and (
            self.done - self.reported >= PROGRESS_STEP or self.done == self.total
        ):
            self.reported = self.done
            self.callback(self.done, self.total)


def _write(rows, existing, *, actor, progress) -> ImportReport:
    """Create and update every unit, kind by kind so parents get their ids first."""
    report = ImportReport()
    tracker = _Progress(progress, len(rows))
    history = {
        "default_user": actor,
        "default_change_reason": CHANGE_REASON,
        "default_date": timezone.now(),
    }
    pks: dict[UnitKind, dict[str, int]] = {kind: {} for kind in UnitKind}
    for code, by_kind in existing.items():
        for kind, unit in by_kind.items():
            pks[kind][code] = unit.pk
    for kind, spec in _SPECS.items():
        counts = report.counts[kind]
        to_create: list[models.Model] = []
        to_update: dict[int, _Row] = {}
        for row in rows:
            if row.kind != kind:
                continue
            current = existing.get(row.code, {}).get(kind)
            if current is None:
                values = {"code": row.code, "name": row.name}
                if spec.subkinds:
                    values["kind"] = row.subkind
                if spec.parent_kind:
                    values[f"{spec.parent_field}_id"] = pks[spec.parent_kind][row.parent_code]
                to_create.append(spec.model(**values))
            elif current.name != row.name or current.subkind != row.subkind:
                to_update[current.pk] = row
            else:
                counts.unchanged += 1
        tracker.advance(counts.unchanged)
        for start in range(0, len(to_create), PROGRESS_STEP):
            chunk = to_create[start : start + PROGRESS_STEP]
            created = bulk_create_with_history(
                chunk, spec.model, batch_size=WRITE_BATCH_SIZE, **history
            )
            for unit in created:
                pks[kind][unit.code] = unit.pk
            counts.created += len(created)
            tracker.advance(len(created))
        counts.updated = _update(spec, to_update, history, tracker)
    return report


def _update(spec: _KindSpec, to_update: dict[int, _Row], history: dict, tracker) -> int:
    # Load whole instances so the history rows copy every field (e.g. a county's
    # office name), not only the imported ones.
    fields = ["name", "kind"] if spec.subkinds else ["name"]
    pks = sorted(to_update)
    chunk_size = min(connection.features.max_query_params or PROGRESS_STEP, PROGRESS_STEP) - 1
    for start in range(0, len(pks), chunk_size):
        units = list(spec.model._default_manager.filter(pk__in=pks[start : start + chunk_size]))
        for unit in units:
            row = to_update[unit.pk]
            unit.name = row.name
            if spec.subkinds:
                unit.kind = row.subkind
        bulk_update_with_history(units, spec.model, fields, batch_size=WRITE_BATCH_SIZE, **history)
        tracker.advance(len(units))
    return len(pks)
