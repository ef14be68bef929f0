"""Excel export (openpyxl) of statistics tables: one sheet per table, a bold frozen
header row, the table's note under it. Text cells are made formula-safe as in the
evaluation export."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from evaluation.export import CONTENT_TYPE, safe_text

from .tables import Table

__all__ = ["CONTENT_TYPE", "tables_workbook"]

# Excel refuses these characters in sheet names.
_BAD_SHEET_CHARACTERS = str.maketrans(dict.fromkeys("[]:*?/\\", ""))


def _append(worksheet, row) -> None:
    worksheet.append([safe_text(value) for value in row])
    for cell in worksheet[worksheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def tables_workbook(tables: list[Table], *, heading: str) -> bytes:
    """The .xlsx bytes of ``tables``: one sheet per table named by its title, its first
    row ``heading`` (the counties shown), then the header and the rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        worksheet = workbook.create_sheet(table.title.translate(_BAD_SHEET_CHARACTERS)[:31])
        _append(worksheet, [f"{table.title}（{heading}）"])
        worksheet["A1"].font = Font(bold=True)
        _append(worksheet, table.columns)
        for cell in worksheet[worksheet.max_row]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A3"
        for row in table.rows:
            _append(worksheet, row)
        if table.note:
            _append(worksheet, [])
            _append(worksheet, [f"说明：{table.note}"])
        for index in range(1, len(table.columns) + 1):
            worksheet.column_dimensions[get_column_letter(index)].width = 16 if index > 1 else 22
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
