"""The Excel workbook (openpyxl) of a list document.

One sheet: the title row (list name), the version row (文号, decision and dates), the
header row (``column_headers``) and one row per item. Every text cell goes through
``safe_text``: a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read as a formula by a spreadsheet (formula injection), so it gets a
leading apostrophe and is stored as an explicit string.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .content import ListDocument

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Column widths in characters, in the order of ``column_headers``.
WIDTHS = (6, 14, 24, 10, 10, 10, 16, 36, 30, 36, 28, 20, 20, 20, 24, 18, 14)
HEADER_ROW = 3
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def safe_text(value):
    """``value`` made safe for a spreadsheet cell: texts starting with a formula
    trigger get a leading apostrophe; other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _append(worksheet, values) -> None:
    worksheet.append([safe_text(value) for value in values])
    for cell in worksheet[worksheet.max_row]:
        if isinstance(cell.value, str):
            # An explicit string: openpyxl would otherwise treat "=…" as a formula.
            cell.data_type = "s"


def document_xlsx(document: ListDocument) -> bytes:
    """Return the .xlsx file of ``document`` as bytes. Runs no query."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = document.level_label
    width = len(document.headers)
    last_column = get_column_letter(width)

    _append(sheet, [document.title])
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30

    _append(sheet, [document.version_label])
    sheet.merge_cells(f"A2:{last_column}2")
    sheet["A2"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[2].height = 22

    _append(sheet, document.headers)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER

    for row in document.rows:
        _append(sheet, row.cells())
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = _BORDER

    for index, column_width in enumerate(WIDTHS[:width], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.title = document.title

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
