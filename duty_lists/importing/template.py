"""The import template (导入模板): an .xlsx generated from the column registry."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..documents.content import LOCAL_HEADERS
from ..models import Category, DutyType, Level
from .columns import COLUMNS, NOT_STORED

INSTRUCTIONS_SHEET = "填写说明"
TEMPLATE_FILE_NAME = "清单导入模板.xlsx"
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def template_headers(level: str) -> list[str]:
    """The header row of a sheet of ``level`` in the template: the registry's columns
    (the level's own duties named for it), then the recognised columns not stored."""
    headers = []
    for column in COLUMNS:
        if column.key == "local_responsibilities":
            headers.append(LOCAL_HEADERS[Level(level)])
        else:
            headers.append(column.label)
        if column.key == "resources":
            headers.extend(NOT_STORED)
    return headers


def _instructions() -> list[tuple[str, str, str]]:
    rows = [("列名", "是否必填", "填写要求")]
    for column in COLUMNS:
        label = column.label
        if column.key == "local_responsibilities":
            label = "、".join(LOCAL_HEADERS.values())
        also = [h for h in column.headers[1:] if column.key != "local_responsibilities"]
        text = column.help + (f"（也可写作：{'、'.join(also)}）" if also else "")
        rows.append((label, "必填" if column.required else "选填", text))
    rows.extend((header, "选填", "暂不导入") for header in NOT_STORED)
    return rows


NOTES = (
    "每张工作表一张清单：工作表名为“乡镇(街道)”“村(社区)”或“网格”；也可按乡镇分表"
    "（一乡一单），工作表名为乡镇(街道)名称，表中事项即适用于该乡镇(街道)。",
    "表头可以在前 10 行内的任意一行（上方可有标题和文号行）；列的顺序不限，列名中的空格、"
    "全角括号不影响识别。",
    "再次导入时按事项编码更新：编码相同的事项更新其内容，新编码新增；文件中没有的事项只有在"
    "选择“取消文件中没有的事项”时才取消。",
    "任何一行有误，整个文件都不导入；错误会写明工作表、行和列。",
)


def template_xlsx() -> bytes:
    """Return the template workbook as bytes: the instructions sheet, then one empty
    sheet per list level with its headers and drop-down lists for 类别 and 履职类型."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = INSTRUCTIONS_SHEET
    for row in _instructions():
        notes.append(row)
    notes.append(())
    for note in NOTES:
        notes.append((note,))
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    required = {c.label for c in COLUMNS if c.required} | set(LOCAL_HEADERS.values())
    for level in Level:
        sheet = workbook.create_sheet(level.label)
        headers = template_headers(level)
        sheet.append(headers)
        for index, header in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            if header in required:
                cell.fill = _REQUIRED_FILL
            sheet.column_dimensions[get_column_letter(index)].width = 16
        for header, choices in (("类别", Category.labels), ("履职类型", DutyType.labels)):
            letter = get_column_letter(headers.index(header) + 1)
            validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"')
            validation.add(f"{letter}2:{letter}2000")
            sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
