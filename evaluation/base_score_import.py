"""Base scores (基础分) from the county's comprehensive assessment, as an Excel workbook.

The template (``base_score_template``) is a workbook whose sheet 基础分 has the header
row 单位类型 | 单位编码 | 单位名称 | 基础分 | 备注 and one row per unit of the round
(departments, then townships, each in code order; the base score filled in where one
is entered already), and a sheet 填写说明 repeating the rules below. Every text cell is
written through ``export.safe_text`` (no formula injection).

``base_scores_read`` reads such a file (.xlsx; the template's layout, columns in any
order, extra columns ignored) and checks every row before anything is written:

- the file must be an .xlsx workbook of at most ``MAX_FILE_BYTES`` with a sheet
  named 基础分 (or a single sheet), the header in its first row with the four columns,
  and at most ``MAX_ROWS`` rows; blank rows are skipped;
- 单位类型: 部门 or 乡镇(街道) (乡镇, 街道 and full-width brackets are accepted);
- 单位编码: a department or township of the round's county that takes part in the
  round (has a sheet), named once in the file;
- 单位名称: that unit's name (a guard against shifted rows);
- 基础分: a number from 0 to 100 with at most two decimals; no formula.

Every problem is reported as 工作表“…”第 N 行 X 列（header）：message, all of them at
once, in sheet order (``BaseScoreFileError``); the caller then writes nothing.
"""

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from duty_lists.importing.issues import ImportIssue
from organisations.models import Department, Township
from organisations.text import clean_text

from .export import safe_text
from .models import EvaluationRound
from .round_services import parse_amount, round_units

SHEET = "基础分"
GUIDE_SHEET = "填写说明"
TYPE, CODE, NAME, SCORE, NOTE = "单位类型", "单位编码", "单位名称", "基础分", "备注"
REQUIRED = (TYPE, CODE, NAME, SCORE)
DEPARTMENT_TYPE, TOWNSHIP_TYPE = "部门", "乡镇(街道)"
TYPE_ALIASES = {
    "部门": "department",
    "乡镇(街道)": "township",
    "乡镇（街道）": "township",
    "乡镇": "township",
    "街道": "township",
}
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
GUIDE = (
    "基础分导入说明",
    "1. 在“基础分”工作表中每行填写一个单位在全县综合考核中的得分（0～100，最多两位小数）。",
    "2. 单位类型填“部门”或“乡镇(街道)”；单位编码和单位名称须与系统中的一致，请勿修改。",
    "3. 只能填写本轮参评的单位（本模板已列出全部参评单位），每个单位只填一行。",
    "4. 基础分请填写数值，不要使用公式；空行会被跳过，备注列不导入。",
    "5. 文件中有任何一行有误时，整个文件都不导入，并逐行列出错误（工作表、行、列）。",
    "6. 综合得分 =（1 − 互评结果权重）× 基础分 + 互评结果权重 × 互评平均分 − 扣分。",
)


@dataclass(frozen=True)
class Problem(ImportIssue):
    """One problem of a refused file, placed as the lists import places its problems
    (``ImportIssue``: sheet, row, column with its letter, message; ``as_dict`` for the
    API), with ``text``, the whole sentence as this import has always worded it."""

    text: str = ""

    def __str__(self) -> str:
        return self.text


def _whole_file(message: str) -> Problem:
    return Problem(sheet=None, row=None, column=None, message=message, text=message)


def _sheet_problem(title: str, message: str, text: str) -> Problem:
    return Problem(sheet=title, row=None, column=None, message=message, text=text)


class BaseScoreFileError(Exception):
    """A base-score file that cannot be imported: ``problems`` lists every problem with
    its place, ``messages`` their texts."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.messages = [str(problem) for problem in problems]
        super().__init__("；".join(self.messages))


@dataclass
class BaseScoreFile:
    """What a good file holds: base scores by department id and by township id."""

    department_scores: dict[int, Decimal] = field(default_factory=dict)
    township_scores: dict[int, Decimal] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.department_scores) + len(self.township_scores)


def _units(evaluation_round: EvaluationRound):
    """The round's departments and townships (code order): two queries plus one."""
    department_ids, township_ids = round_units(evaluation_round)
    departments = list(Department.objects.filter(pk__in=department_ids).order_by("code"))
    townships = list(Township.objects.filter(pk__in=township_ids).order_by("code"))
    return departments, townships


def base_score_template(evaluation_round: EvaluationRound) -> bytes:
    """The .xlsx template of ``evaluation_round``'s base scores, as bytes: one row per
    unit of the round, with its base score where one is entered already."""
    departments, townships = _units(evaluation_round)
    entered = {
        ("department", d) if d else ("township", t): value
        for d, t, value in evaluation_round.base_scores.values_list(
            "department_id", "township_id", "value"
        )
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    _write(sheet, (TYPE, CODE, NAME, SCORE, NOTE))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for kind, label, units in (
        ("department", DEPARTMENT_TYPE, departments),
        ("township", TOWNSHIP_TYPE, townships),
    ):
        for unit in units:
            _write(sheet, (label, unit.code, unit.name, entered.get((kind, unit.pk)), None))
    for column, width in zip("ABCDE", (12, 22, 30, 10, 30), strict=True):
        sheet.column_dimensions[column].width = width
    guide = workbook.create_sheet(GUIDE_SHEET)
    for line in GUIDE:
        _write(guide, (line,))
    guide.column_dimensions["A"].width = 100
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(worksheet, row) -> None:
    worksheet.append([safe_text(value) for value in row])
    for cell in worksheet[worksheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


NOT_A_WORKBOOK = "文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写。"


def _open(data: bytes):
    """The workbook in ``data``; raises ``BaseScoreFileError`` if it is no .xlsx file."""
    if len(data) > MAX_FILE_BYTES:
        size, limit = len(data) // 1024, MAX_FILE_BYTES // 1024
        raise BaseScoreFileError(
            [_whole_file(f"文件过大（{size} KB），基础分文件不能超过 {limit} KB。")]
        )
    if not zipfile.is_zipfile(BytesIO(data)):
        raise BaseScoreFileError([_whole_file(NOT_A_WORKBOOK)])
    try:
        # Formulas are kept as text (data_only=False) so that they can be refused.
        return load_workbook(BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise BaseScoreFileError([_whole_file(NOT_A_WORKBOOK)]) from None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


def base_scores_read(data: bytes, evaluation_round: EvaluationRound) -> BaseScoreFile:
    """The base scores in the .xlsx file ``data`` for ``evaluation_round``.

    Returns a ``BaseScoreFile``. Raises ``BaseScoreFileError`` listing every problem
    (see the module docstring) with its sheet, row and column; nothing is written
    either way. Reads the round's units (three queries).
    """
    workbook = _open(data)
    try:
        if SHEET in workbook.sheetnames:
            sheet = workbook[SHEET]
        elif len(workbook.sheetnames) == 1:
            sheet = workbook[workbook.sheetnames[0]]
        else:
            raise BaseScoreFileError([_whole_file(f"工作簿中没有名为“{SHEET}”的工作表。")])
        return _read_sheet(sheet, evaluation_round)
    finally:
        workbook.close()


def _read_sheet(sheet, evaluation_round: EvaluationRound) -> BaseScoreFile:
    title = sheet.title
    rows = sheet.iter_rows(values_only=True)
    header = [_text(value) for value in next(rows, ())]
    columns = {name: header.index(name) for name in REQUIRED if name in header}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        expected = "、".join(REQUIRED)
        raise BaseScoreFileError(
            [
                Problem(
                    message=f"缺少列“{name}”（表头应为{expected}）。",
                    text=f"工作表“{title}”第 1 行：缺少列“{name}”（表头应为{expected}）。",
                    sheet=title,
                    row=1,
                    column=None,
                )
                for name in missing
            ]
        )
    departments, townships = _units(evaluation_round)
    checker = _RowChecker(
        title=title,
        columns=columns,
        county_units=_county_units(evaluation_round.county_id),
        in_round={("department", d.pk) for d in departments}
        | {("township", t.pk) for t in townships},
    )
    count = 0
    for number, values in enumerate(rows, start=2):
        cells = {name: values[i] if i < len(values) else None for name, i in columns.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            message = f"超过 {MAX_ROWS} 行，请检查文件。"
            raise BaseScoreFileError([_sheet_problem(title, message, f"工作表“{title}”{message}")])
        checker.check(number, cells)
    if checker.errors:
        raise BaseScoreFileError(checker.errors)
    if count == 0:
        message = "没有基础分数据。"
        raise BaseScoreFileError([_sheet_problem(title, message, f"工作表“{title}”中{message}")])
    return checker.result


@dataclass
class _RowChecker:
    """Checks the rows of one sheet, collecting the scores and the problems."""

    title: str
    columns: dict[str, int]
    county_units: dict[str, dict[str, object]]
    in_round: set[tuple[str, int]]
    result: BaseScoreFile = field(default_factory=BaseScoreFile)
    errors: list[Problem] = field(default_factory=list)
    seen: dict[tuple[str, int], int] = field(default_factory=dict)

    def problem(self, number: int, name: str, message: str) -> None:
        letter = get_column_letter(self.columns[name] + 1)
        self.errors.append(
            Problem(
                message=message,
                text=f"工作表“{self.title}”第 {number} 行 {letter} 列（{name}）：{message}",
                sheet=self.title,
                row=number,
                column=name,
                letter=letter,
            )
        )

    def check(self, number: int, cells: dict) -> None:
        """Check row ``number``; keep its score if the whole row is good."""
        kind = TYPE_ALIASES.get(_text(cells[TYPE]))
        if kind is None:
            self.problem(number, TYPE, f"“{_text(cells[TYPE])}”无效，应为“部门”或“乡镇(街道)”。")
        code = _text(cells[CODE])
        unit = self._unit(number, kind, code)
        name = _text(cells[NAME])
        if unit is not None and name != unit.name:
            self.problem(number, NAME, f"“{name}”与编码 {code} 的单位“{unit.name}”不一致。")
            unit = None
        amount = _score(cells[SCORE], lambda message: self.problem(number, SCORE, message))
        if unit is not None and amount is not None:
            target = (
                self.result.department_scores
                if kind == "department"
                else self.result.township_scores
            )
            target[unit.pk] = amount

    def _unit(self, number: int, kind: str | None, code: str):
        """The round's unit that row ``number`` names, or None after reporting why not."""
        if not code:
            self.problem(number, CODE, "请填写单位编码。")
            return None
        if kind is None:
            return None
        unit = self.county_units[kind].get(code)
        if unit is None:
            label = DEPARTMENT_TYPE if kind == "department" else TOWNSHIP_TYPE
            self.problem(number, CODE, f"“{code}”不是本县{label}的编码。")
            return None
        if (kind, unit.pk) not in self.in_round:
            self.problem(
                number, CODE, f"“{unit.name}”不是本轮的参评单位（本轮没有与它相关的评分表）。"
            )
            return None
        if (kind, unit.pk) in self.seen:
            self.problem(number, CODE, f"“{unit.name}”与第 {self.seen[kind, unit.pk]} 行重复。")
            return None
        self.seen[kind, unit.pk] = number
        return unit


def _score(value, problem) -> Decimal | None:
    """The base score of a cell, or None after reporting what is wrong with it."""
    if isinstance(value, str) and value.strip().startswith("="):
        problem("请填写数值，不接受公式。")
        return None
    if isinstance(value, bool):
        problem(f"“{value}”不是有效的数字。")
        return None
    if isinstance(value, int | float):
        value = repr(value) if isinstance(value, float) else str(value)
    text = _text(value)
    if not text:
        problem("请填写基础分。")
        return None
    amount, error = parse_amount(text, label="基础分", maximum=Decimal(100))
    if error:
        problem(error.removeprefix("基础分："))
        return None
    return amount


def _county_units(county_id: int) -> dict[str, dict[str, object]]:
    """The county's departments and townships by code (two queries)."""
    return {
        "department": {d.code: d for d in Department.objects.filter(county_id=county_id)},
        "township": {t.code: t for t in Township.objects.filter(county_id=county_id)},
    }
