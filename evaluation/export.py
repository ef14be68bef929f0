"""Excel export (openpyxl) of a round's results as a user may see them
(``evaluation.results.round_results``).

Sheets: 部门排名, 乡镇排名, 乡镇评部门 and 部门评乡镇 (the heat maps, coloured by a
colour scale), 异常与缺交 (flagged and missing sheets). Every text cell is passed
through ``safe_text``: a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return would be read as a formula by a spreadsheet (CSV/formula injection),
so it gets a leading apostrophe and is stored as an explicit string.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import SheetState
from .results import RoundResults

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RANKING_HEADER = (
    "排名",
    "单位",
    "基础分",
    "互评平均分",
    "收到评分表",
    "缺交评分表",
    "属实清单外事项",
    "扣分",
    "综合得分",
)


def safe_text(value):
    """``value`` made safe for a spreadsheet cell: texts starting with a formula
    trigger get a leading apostrophe; other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _append(worksheet, row) -> None:
    worksheet.append([safe_text(value) for value in row])
    for cell in worksheet[worksheet.max_row]:
        if isinstance(cell.value, str):
            # An explicit string: openpyxl would otherwise treat "=…" as a formula.
            cell.data_type = "s"


def _header(worksheet, row) -> None:
    _append(worksheet, row)
    for cell in worksheet[worksheet.max_row]:
        cell.font = Font(bold=True)
    worksheet.freeze_panes = f"A{worksheet.max_row + 1}"


def _widths(worksheet, first: int = 16, others: int = 12) -> None:
    for index in range(1, worksheet.max_column + 1):
        width = first if index == 1 else others
        worksheet.column_dimensions[get_column_letter(index)].width = width


def _ranking(worksheet, rows) -> None:
    _header(worksheet, RANKING_HEADER)
    for row in rows:
        _append(
            worksheet,
            (
                row.rank,
                row.name,
                row.base_score,
                row.peer_mean,
                row.sheets_received,
                row.sheets_missing,
                row.upheld_reports,
                row.penalty,
                row.total,
            ),
        )
    _widths(worksheet, first=8, others=14)


def _cell_value(cell):
    if cell is None:
        return None
    if cell.state == SheetState.SUBMITTED and cell.total is not None:
        return cell.total
    return cell.state_label


def _heat_map(worksheet, data: RoundResults, attribute: str, corner: str) -> None:
    _header(worksheet, (corner, *(t.name for t in data.townships)))
    for row in data.rows:
        _append(worksheet, (row.department.name, *map(_cell_value, getattr(row, attribute))))
    if data.rows and data.townships:
        area = f"B2:{get_column_letter(len(data.townships) + 1)}{len(data.rows) + 1}"
        worksheet.conditional_formatting.add(
            area,
            ColorScaleRule(
                start_type="min", start_color="F8696B", end_type="max", end_color="63BE7B"
            ),
        )
    _widths(worksheet)


def _notes(worksheet, data: RoundResults) -> None:
    _header(worksheet, ("类别", "评分表编号", "评价方向", "评价方", "被评价方", "状态", "说明"))
    rows = [("缺交", note, "") for note in data.missing]
    rows += [(label, note, detail) for note in data.flagged for label, detail in note.flags]
    for kind, note, detail in rows:
        _append(
            worksheet,
            (kind, note.sheet_id, note.direction_label, note.rater, note.ratee)
            + (note.state_label, detail),
        )
    _widths(worksheet, first=22, others=16)


def results_workbook(data: RoundResults) -> bytes:
    """The .xlsx file of ``data`` (already scoped to the user) as bytes."""
    workbook = Workbook()
    departments = workbook.active
    departments.title = "部门排名"
    _ranking(departments, data.department_ranking)
    _ranking(workbook.create_sheet("乡镇排名"), data.township_ranking)
    _heat_map(workbook.create_sheet("乡镇评部门"), data, "received", "被评部门 \\ 评价乡镇")
    _heat_map(workbook.create_sheet("部门评乡镇"), data, "given", "评价部门 \\ 被评乡镇")
    _notes(workbook.create_sheet("异常与缺交"), data)
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                cell.alignment = Alignment(vertical="top")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
