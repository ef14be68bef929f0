"""Reading an Excel workbook (.xlsx) into header-mapped rows; no database needed.

A sheet's header row is the first of its first ``HEADER_SEARCH_ROWS`` rows holding at
least three known headers (a published list has a title and a 文号 line above it).
Empty rows are skipped; row numbers are the spreadsheet's own.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .columns import BY_HEADER, Column, normalise_header
from .issues import ImportIssue

HEADER_SEARCH_ROWS = 10
MIN_KNOWN_HEADERS = 3
# Sheets of explanations (the template's own first sheet), never data.
INSTRUCTION_SHEETS = ("填写说明", "说明")


@dataclass
class Cell:
    """One cell of a data row: its value as read and its column letter."""

    value: object
    letter: str

    @property
    def text(self) -> str:
        """The value as text, stripped; dates as YYYY-MM-DD; an empty cell is ""."""
        value = self.value
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        # A text the list document protected against formula injection (``safe_text``).
        return text[1:] if text.startswith("'") else text


@dataclass
class Row:
    """One data row: its number on the sheet and its cells by column key."""

    number: int
    cells: dict[str, Cell]


@dataclass
class Sheet:
    """One sheet: its name, the header of each column key found, and its data rows."""

    name: str
    header_row: int
    columns: dict[str, tuple[Column, str, str]]  # key → (column, header as written, letter)
    rows: list[Row] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


class UnreadableWorkbook(Exception):
    """The file is not an .xlsx workbook; the message says so in Chinese."""


def open_workbook(content: bytes, file_name: str):
    """The openpyxl workbook (read-only, values) of ``content``.
    Raises ``UnreadableWorkbook`` for anything that is not an .xlsx file."""
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise UnreadableWorkbook(
            f"文件“{file_name}”不是 Excel 工作簿（.xlsx），无法读取；"
            "旧版 .xls 文件请先用 Excel 另存为 .xlsx。"
        ) from None


def read_sheets(workbook, issues: list[ImportIssue], progress=None) -> list[Sheet]:
    """The sheets of ``workbook`` that hold a header row, with their non-empty rows.

    Appends an issue for a sheet with content but no header row. ``progress`` (a
    callable taking a line of text) hears one line per sheet read."""
    sheets = []
    for worksheet in workbook.worksheets:
        if worksheet.title.strip() in INSTRUCTION_SHEETS:
            continue
        rows = worksheet.iter_rows(values_only=True)
        sheet = None
        for number, values in enumerate(rows, start=1):
            if sheet is None:
                if number > HEADER_SEARCH_ROWS:
                    break
                sheet = _header(worksheet.title, number, values)
                continue
            cells = {
                key: Cell(_value(values, letter), letter)
                for key, (_, _, letter) in sheet.columns.items()
            }
            if any(cell.text for key, cell in cells.items() if key != "number"):
                sheet.rows.append(Row(number, cells))
        if sheet is None:
            if worksheet.max_row and worksheet.max_row > 1:
                issues.append(
                    ImportIssue(
                        worksheet.title,
                        None,
                        None,
                        f"前 {HEADER_SEARCH_ROWS} 行中找不到表头（应含“事项编码”“事项名称”"
                        "“类别”等列），请使用导入模板的列名。",
                    )
                )
            continue
        sheets.append(sheet)
        if progress:
            progress(f"工作表“{sheet.name}”：读取 {len(sheet.rows)} 行")
    return sheets


def _value(values: tuple, letter: str):
    index = column_index_from_string(letter) - 1
    return values[index] if index < len(values) else None


def _header(name: str, number: int, values) -> Sheet | None:
    known, unknown = {}, []
    for index, value in enumerate(values or ()):
        header = normalise_header(value)
        if not header:
            continue
        column = BY_HEADER.get(header)
        if column is None:
            unknown.append(str(value).strip())
        elif column.key not in known:
            known[column.key] = (column, header, get_column_letter(index + 1))
    if len(known) < MIN_KNOWN_HEADERS:
        return None
    return Sheet(name, number, known, unknown=unknown)
