"""Reading the demo files (演示数据文件): structure checks that need no database.

Every file is a CSV in UTF-8 (a BOM is allowed, so that Excel opens it) with a Chinese
header. A bad line raises ``DemoDataError`` naming the file and the line.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from organisations.models import County

IMPORT_REASON = "演示数据导入"
NAME_SEPARATOR = "、"
AMEND, WITHDRAW = "修改", "取消"

ORGANISATIONS_FILE = "organisations.csv"
USERS_FILE = "users.csv"
# The approved lists of each county, as the county issued them: "<县名>三张清单.xlsx".
LISTS_FILE_SUFFIX = "三张清单.xlsx"
CHANGES_FILE = "changes.csv"

USER_COLUMNS = ("用户名", "姓名", "角色", "所属县", "单位")
# Columns of an item that an amendment may change (变更字段), in file order. 协同部门
# (及职责) is written as in a published list (``duty_lists.columns``): one
# "部门：职责" per line.
FIELD_COLUMNS = (
    "事项名称",
    "事项类型",
    "领域类别",
    "履职类型",
    "主体责任",
    "牵头部门",
    "部门职责",
    "协同部门(及职责)",
    "属地职责",
    "实施依据",
    "追责情形",
    "免责情形",
    "工作要求/时限",
    "经费金额(万元)",
    "经费来源",
    "人员保障",
    "装备保障",
    "备注",
    "指导目录编码",
    "适用范围",
    "适用村(社区)",
    "村(社区)类型",
    "生效日期",
    "有效期至",
)
CHANGE_COLUMNS = (
    "变更编号",
    "变更日期",
    "所属县",
    "事项编码",
    "变更类型",
    "变更字段",
    "新值",
    "变更理由",
    "操作人",
)
# Item fields that may be empty.
OPTIONAL_FIELDS = frozenset(
    {
        "事项类型",
        "主体责任",
        "协同部门(及职责)",
        "追责情形",
        "免责情形",
        "工作要求/时限",
        "经费金额(万元)",
        "经费来源",
        "人员保障",
        "装备保障",
        "备注",
        "指导目录编码",
        "适用村(社区)",
        "村(社区)类型",
        "有效期至",
        # Empty when the item applies to named villages only (适用村(社区)).
        "适用范围",
    }
)
# Cells that may be empty: a county role has no 单位, a withdrawal no 变更字段/新值, and
# an empty 操作人 means the system.
OPTIONAL_COLUMNS = OPTIONAL_FIELDS | {"单位", "变更字段", "新值", "操作人"}


class DemoDataError(Exception):
    """A demo file is unreadable or holds a bad line; the message names file and line."""

    def __init__(self, path: Path, line: int | None, message: str):
        where = f"{path.name} 第 {line} 行" if line else path.name
        super().__init__(f"{where}：{message}")
        self.path, self.line = path, line


@dataclass(frozen=True)
class Line:
    """One data line of a demo file: its number (the header is line 1) and its cells."""

    path: Path
    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def error(self, message: str) -> DemoDataError:
        """A ``DemoDataError`` about this line."""
        return DemoDataError(self.path, self.number, message)


@dataclass
class Change:
    """One amendment or withdrawal: all lines of ``changes.csv`` with one 变更编号."""

    number: str
    date: datetime.date
    county: str
    code: str
    kind: str
    reason: str
    operator: str
    lines: list[Line] = field(default_factory=list)
    # Set by the loader once the organisation tree is in the database.
    county_unit: County | None = None
    values: dict = field(default_factory=dict)

    @property
    def history_reason(self) -> str:
        """The reason written to history; a re-run finds it there and skips the change."""
        return f"{self.reason}（{IMPORT_REASON}，变更编号 {self.number}）"

    def same_as(self, other: "Change") -> bool:
        """True if ``other`` (another line of the same 变更编号) agrees on everything."""
        fields = ("date", "county", "code", "kind", "reason", "operator")
        return all(getattr(self, name) == getattr(other, name) for name in fields)


def read_lines(
    path: Path, columns: tuple[str, ...], *, optional: frozenset[str] = OPTIONAL_COLUMNS
) -> list[Line]:
    """Read a demo CSV file into ``Line``s, checking the header and the required cells.

    Every one of ``columns`` must be in the header; those not in ``optional`` must be
    filled on every line. Blank lines are skipped; extra columns are allowed (and
    ignored). Raises ``DemoDataError`` for a missing file, a bad encoding, a missing
    column, a line with the wrong number of cells or an empty required cell.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DemoDataError(path, None, "文件不存在。") from None
    except UnicodeDecodeError:
        raise DemoDataError(path, None, "文件不是 UTF-8 编码，请另存为 UTF-8。") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: list[Line] = []
    try:
        header = [cell.strip() for cell in next(reader, [])]
        missing = [column for column in columns if column not in header]
        if missing:
            raise DemoDataError(path, 1, f"表头缺少列：{NAME_SEPARATOR.join(missing)}。")
        number = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) != len(header):
                    message = f"列数不对：表头有 {len(header)} 列，此行有 {len(cells)} 列。"
                    raise DemoDataError(path, number, message)
                values = (cell.strip() for cell in cells)
                line = Line(path, number, dict(zip(header, values, strict=True)))
                empty = [c for c in columns if c not in optional and not line[c]]
                if empty:
                    raise line.error(f"{NAME_SEPARATOR.join(empty)}不能为空。")
                lines.append(line)
            number = reader.line_num + 1
    except csv.Error as exc:
        raise DemoDataError(path, reader.line_num, f"CSV 格式错误：{exc}") from None
    return lines


def check_unique(lines: list[Line], *columns: str) -> None:
    """Raise ``DemoDataError`` on the first line repeating an earlier line's ``columns``."""
    seen: dict[tuple[str, ...], Line] = {}
    for line in lines:
        key = tuple(line[column] for column in columns)
        first = seen.setdefault(key, line)
        if first is not line:
            shown = " ".join(key)
            raise line.error(f"{'、'.join(columns)}“{shown}”与第 {first.number} 行重复。")


def group_changes(
    change_lines: list[Line], item_dates: dict[tuple[str, str], datetime.date]
) -> list[Change]:
    """Group ``changes.csv`` lines by 变更编号; return the changes in the order to apply.

    ``item_dates`` maps (县名, 事项编码) of the lists files to the item's 生效日期.
    Checks that the lines of one change agree, that the item is in its county's lists
    file, that the change comes after the item's 生效日期, and each line's
    变更类型/变更字段.
    """
    changes: dict[str, Change] = {}
    for line in change_lines:
        change = Change(
            number=line["变更编号"],
            date=parse_date(line, "变更日期"),
            county=line["所属县"],
            code=line["事项编码"],
            kind=line["变更类型"],
            reason=line["变更理由"],
            operator=line["操作人"],
        )
        first = changes.setdefault(change.number, change)
        if not first.same_as(change):
            raise line.error(
                f"变更编号“{change.number}”的各行应填写相同的变更日期、所属县、事项编码、"
                f"变更类型、变更理由和操作人（见第 {first.lines[0].number} 行）。"
            )
        effective = item_dates.get((change.county, change.code))
        if effective is None:
            raise line.error(
                f"{change.county}{LISTS_FILE_SUFFIX} 中没有{change.county}的事项“{change.code}”。"
            )
        if change.date <= effective:
            raise line.error(f"变更日期应晚于该事项的生效日期 {effective:%Y-%m-%d}。")
        _check_change_line(line, first)
        first.lines.append(line)
    return sorted(changes.values(), key=lambda change: (change.date, change.lines[0].number))


def _check_change_line(line: Line, change: Change) -> None:
    column = line["变更字段"]
    if change.kind == WITHDRAW:
        if column or line["新值"] or change.lines:
            raise line.error(f"{WITHDRAW}事项只写一行，变更字段和新值留空。")
    elif change.kind != AMEND:
        raise line.error(f"变更类型“{change.kind}”无效，应为{AMEND}或{WITHDRAW}。")
    elif column not in FIELD_COLUMNS:
        allowed = NAME_SEPARATOR.join(FIELD_COLUMNS)
        raise line.error(f"变更字段“{column}”无效，应为 {allowed} 之一。")
    elif any(other["变更字段"] == column for other in change.lines):
        raise line.error(f"变更编号“{change.number}”重复修改了{column}。")
    elif not line["新值"] and column not in OPTIONAL_FIELDS:
        raise line.error(f"新值不能为空：{column}是必填项。")


def parse_date(line: Line, column: str, text: str | None = None) -> datetime.date:
    """A YYYY-MM-DD cell (or ``text`` read as that column) as a date."""
    text = line[column] if text is None else text
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise line.error(f"{column}“{text}”不是 YYYY-MM-DD 格式的日期。") from None


def parse_choice(line: Line, column: str, choices, text: str | None = None) -> str:
    """The value of a TextChoices cell written as its label (e.g. 配合履职) or value."""
    text = line[column] if text is None else text
    for value, label in choices.choices:
        if text in (value, label):
            return value
    allowed = NAME_SEPARATOR.join(choices.labels)
    raise line.error(f"{column}“{text}”无效，应为 {allowed} 之一。")
