"""The columns an approved list may carry (导入列), as one registry.

Each ``Column`` names the headers published lists use for it (matched after
``normalise_header``: full-width brackets and letters folded, spaces and line breaks
dropped, a trailing ``*`` of a template's required mark ignored), whether every row
must fill it, and how a cell becomes item values (``parse``). Adding a field to the
import is adding one entry to ``COLUMNS``.
"""

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from ..models import Category, DutyType, Level

ALL_UNITS = ("全部", "全县", "全部乡镇(街道)", "全部乡镇", "各乡镇(街道)", "所有乡镇(街道)")
# Separators of township names in one cell: 、 ， , ； ; and line breaks.
NAME_SEPARATORS = re.compile(r"[、，,；;\n\r]+")
MAX_CODE_LENGTH = 32


class CellError(Exception):
    """A cell's value is refused; the message names the value and what is expected."""


def normalise_header(text) -> str:
    """``text`` as compared with the registry: NFKC (full-width ``（）`` become ``()``),
    without whitespace of any kind or a trailing required mark ``*``."""
    folded = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", folded).rstrip("*")


def normalise_name(text) -> str:
    """A unit name as compared with the organisation tree (same folding as headers)."""
    return normalise_header(text)


@dataclass(frozen=True)
class Column:
    """One column of the import: ``key`` (the item value it gives), the accepted
    ``headers`` (the first is the template's), whether a row must fill it, and
    ``parse(text, context) -> dict`` of item values (raises ``CellError``).

    ``parse`` is None for a column that is recognised but not stored (序号), and
    ``level`` ties a header to one list level (乡镇(街道)职责 → township list)."""

    key: str
    headers: tuple[str, ...]
    required: bool
    parse: Callable | None
    help: str
    levels: dict[str, str | None] | None = None

    @property
    def label(self) -> str:
        """The header the template shows."""
        return self.headers[0]


def _text(field: str, max_length: int | None = None):
    def parse(text: str, context) -> dict:
        if max_length is not None and len(text) > max_length:
            raise CellError(f"不能超过 {max_length} 个字符（现为 {len(text)} 个）。")
        return {field: text}

    return parse


def _choice(field: str, choices, label: str):
    by_label = {normalise_header(choice.label): choice.value for choice in choices}
    by_label.update({choice.value: choice.value for choice in choices})

    def parse(text: str, context) -> dict:
        value = by_label.get(normalise_header(text))
        if value is None:
            allowed = "、".join(choice.label for choice in choices)
            raise CellError(f"{label}“{text}”无效，应为：{allowed}。")
        return {field: value}

    return parse


def _department(text: str, context) -> dict:
    return {"lead_department": context.department(text)}


def _applicability(text: str, context) -> dict:
    if not text or normalise_name(text) in {normalise_name(name) for name in ALL_UNITS}:
        return {"applies_to_all": True, "townships": ()}
    names = [name.strip() for name in NAME_SEPARATORS.split(text) if name.strip()]
    townships = tuple(dict.fromkeys(context.township(name) for name in names))
    return {"applies_to_all": False, "townships": townships}


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def parse_date(value) -> datetime.date:
    """A date from an Excel date cell or a text such as 2026-07-01 / 2026年7月1日.
    Raises ``CellError``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalise_header(value)
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
    raise CellError(f"“{value}”不是有效的日期（如 2026-07-01 或 2026年7月1日）。")


def _effective_date(value, context) -> dict:
    return {"effective_date": parse_date(value)}


# The header of the level's own duties names the list it belongs to.
LOCAL_HEADER_LEVELS = {
    "乡镇(街道)职责": Level.TOWNSHIP,
    "乡镇职责": Level.TOWNSHIP,
    "村(社区)职责": Level.VILLAGE,
    "村级职责": Level.VILLAGE,
    "网格职责": Level.GRID,
    "配合职责": None,
    "属地职责": None,
}

COLUMNS: tuple[Column, ...] = (
    Column("number", ("序号",), False, None, "行号，不导入"),
    Column(
        "code",
        ("事项编码", "编码", "事项编号"),
        True,
        _text("code", MAX_CODE_LENGTH),
        "清单内唯一，如 XZ-ZJ-0001；再次导入时按编码更新",
    ),
    Column("title", ("事项名称",), True, _text("title", 200), "不超过 200 字"),
    Column(
        "category",
        ("类别", "领域类别", "事项类别"),
        True,
        _choice("category", Category, "类别"),
        "、".join(Category.labels),
    ),
    Column(
        "duty_type",
        ("履职类型", "事项类型"),
        True,
        _choice("duty_type", DutyType, "履职类型"),
        "、".join(DutyType.labels),
    ),
    Column(
        "lead_department",
        ("牵头部门", "主体责任部门", "牵头(主体责任)部门", "责任部门"),
        True,
        _department,
        "本县部门的名称或编码",
    ),
    Column(
        "department_responsibilities",
        ("部门职责", "牵头部门职责"),
        True,
        _text("department_responsibilities"),
        "牵头部门承担的职责",
    ),
    Column(
        "local_responsibilities",
        tuple(LOCAL_HEADER_LEVELS),
        True,
        _text("local_responsibilities"),
        "本级（乡镇(街道)、村(社区)或网格）承担的职责；列名决定清单层级",
        levels=LOCAL_HEADER_LEVELS,
    ),
    Column("basis", ("实施依据", "依据"), True, _text("basis"), "法律、法规和政策依据"),
    Column(
        "resources",
        ("配套保障", "配套资源", "配套资源(经费/人员/装备)"),
        False,
        _text("resources"),
        "经费、人员、装备；可空",
    ),
    Column(
        "applicability",
        ("适用乡镇", "适用乡镇(街道)", "适用范围"),
        False,
        _applicability,
        "空或“全部”为本县全部乡镇(街道)；否则填乡镇(街道)名称，用“、”分隔。按乡镇分表时不填",
    ),
    Column(
        "effective_date",
        ("生效日期",),
        False,
        _effective_date,
        "如 2026-07-01；空则取导入时填写的生效日期",
    ),
)

# Recognised headers of data the item does not hold yet: read, shown as a notice, not stored.
NOT_STORED = ("备注",)

BY_HEADER: dict[str, Column] = {
    normalise_header(header): column for column in COLUMNS for header in column.headers
}
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
