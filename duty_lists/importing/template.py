"""The import template (导入模板): an .xlsx generated from the column registry."""

from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from organisations.models import Village

from ..models import (
    DEFAULT_CATEGORIES,
    LEVEL_DUTY_TYPES,
    LEVEL_ITEM_KINDS,
    LEVEL_UNIT_LABELS,
    ItemKind,
    Level,
    local_responsibilities_label,
)
from .columns import COLUMNS

INSTRUCTIONS_SHEET = "填写说明"
TEMPLATE_FILE_NAME = "清单导入模板.xlsx"
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
# Excel refuses a drop-down list longer than this (its formula's text).
_MAX_LIST_FORMULA = 255


def template_headers(level: str) -> list[str]:
    """The header row of a sheet of ``level`` in the template: the registry's columns
    the template shows, the level's own duties named for it; 适用村(社区) and
    村(社区)类型 only on village and grid lists."""
    headers = []
    for column in COLUMNS:
        if not column.template or (column.village_only and level == Level.TOWNSHIP):
            continue
        if column.key == "local_responsibilities":
            headers.append(local_responsibilities_label(Level(level)))
        else:
            headers.append(column.label)
    return headers


def _instructions() -> list[tuple[str, str, str]]:
    rows = [("列名", "是否必填", "填写要求")]
    for column in COLUMNS:
        label = column.label
        if column.key == "local_responsibilities":
            label = "、".join(local_responsibilities_label(level) for level in Level)
        also = [h for h in column.headers[1:] if column.key != "local_responsibilities"]
        text = column.help + (f"（也可写作：{'、'.join(also)}）" if also else "")
        if not column.template:
            text = f"可替代“配套保障”列分列填写：{text}"
        rows.append((label, "必填" if column.required else "选填", text))
    return rows


NOTES = (
    "每张工作表一张清单：工作表名为“乡镇(街道)”“村(社区)”或“网格”；也可按乡镇分表"
    "（一乡一单），工作表名为乡镇(街道)名称，表中事项即适用于该乡镇(街道)。",
    "表头可以在前 10 行内的任意一行（上方可有标题和文号行）；列的顺序不限，列名中的空格、"
    "全角括号不影响识别。",
    "本系统下载的清单文件（Excel）可以直接导入：协同部门、配套保障、临时事项的写法与之相同。",
    "再次导入时按事项编码更新：编码相同的事项更新其内容（文件中没有的列保持不变），新编码新增；"
    "文件中没有的事项只有在选择“取消文件中没有的事项”时才取消。",
    "任何一行有误，整个文件都不导入；错误会写明工作表、行和列。",
)


def _type_labels(level: Level) -> list[str]:
    labels = [str(duty_type.label) for duty_type in LEVEL_DUTY_TYPES[level]]
    kinds = [kind for kind in LEVEL_ITEM_KINDS[level] if kind != ItemKind.DUTY]
    return labels + [str(kind.label) for kind in kinds]


def template_xlsx(category_names: Sequence[str] | None = None) -> bytes:
    """Return the template workbook as bytes: the instructions sheet, then one empty
    sheet per list level with its headers and drop-down lists for 类别 (of
    ``category_names``, default the eight every county starts with), 履职类型,
    主体责任 and 村(社区)类型."""
    if category_names is None:
        category_names = [name for _, name in DEFAULT_CATEGORIES]
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
    required = {c.label for c in COLUMNS if c.required} | {
        local_responsibilities_label(level) for level in Level
    }
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
        choices = {
            "类别": list(category_names),
            "履职类型": _type_labels(level),
            "主体责任": ["牵头部门", LEVEL_UNIT_LABELS[level]],
            "村(社区)类型": [str(label) for label in Village.Kind.labels],
        }
        for header, values in choices.items():
            formula = f'"{",".join(values)}"'
            if header not in headers or len(formula) > _MAX_LIST_FORMULA:
                continue
            letter = get_column_letter(headers.index(header) + 1)
            validation = DataValidation(type="list", formula1=formula)
            validation.add(f"{letter}2:{letter}2000")
            sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
