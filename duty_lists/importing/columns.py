"""The columns an approved list may carry (导入列), as one registry.

Each ``Column`` names the headers published lists use for it (matched after
``normalise_header``: full-width brackets and letters folded, spaces and line breaks
dropped, a trailing ``*`` of a template's required mark ignored), whether every row
must fill it, and how a cell becomes item values (``parse``). Adding a field to the
import is adding one entry to ``COLUMNS``.

Cells are read as the system's own list documents write them (``duty_lists.columns``),
so a document downloaded from the system imports again unchanged: 类别 "一级／二级",
履职类型 also 证明事项 / 机制牌子 (village lists), 协同部门(及职责) one "部门：职责"
per line, 配套保障 "经费：…" / "人员：…" / "装备：…" (or "无"), and a temporary item's
end date at the head of 备注. 配套保障 may also come in separate columns (经费金额(万元),
经费来源, 人员保障, 装备保障) and the end date in its own column (有效期至).
"""

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from organisations.models import Village
from organisations.text import clean_text

from ..columns import parse_cooperation, parse_remarks, parse_resources, parse_type_cell
from ..models import (
    LEVEL_UNIT_LABELS,
    NONE_MARK,
    DutyType,
    ItemKind,
    Level,
    PrimaryResponsibility,
)

ALL_UNITS = ("全部", "全县", "全部乡镇(街道)", "全部乡镇", "各乡镇(街道)", "所有乡镇(街道)")
# Separators of unit names in one cell: 、 ， , ； ; and line breaks.
NAME_SEPARATORS = re.compile(r"[、，,；;\n\r]+")
MAX_CODE_LENGTH = 32
MAX_GUIDANCE_CODE_LENGTH = 64


class CellError(Exception):
    """A cell's value is refused; the message names the value and what is expected."""


def normalise_header(text) -> str:
    """``text`` as compared with the registry: NFKC (full-width ``（）`` become ``()``),
    without whitespace of any kind or a trailing required mark ``*``."""
    folded = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", folded).rstrip("*")


def normalise_name(text) -> str:
    """A unit or category name as compared with the county's (same folding as
    headers: "公共服务／教育" and "公共服务/教育" are one name)."""
    return normalise_header(text)


@dataclass(frozen=True)
class Column:
    """One column of the import: ``key``, the accepted ``headers`` (the first is the
    template's), whether a row must fill it, and ``parse(value, context) -> dict`` of
    item values (raises ``CellError``); ``parse`` gets the cell's text, or its value as
    read when ``raw`` (dates).

    ``parse`` is None for a column that is recognised but not stored (序号), and
    ``levels`` ties a header to one list level (乡镇(街道)职责 → township list).
    ``template`` is False for the alternative columns the template does not show
    (the parts of 配套保障 in columns of their own); ``village_only`` marks the
    columns of village and grid lists."""

    key: str
    headers: tuple[str, ...]
    required: bool
    parse: Callable | None
    help: str
    levels: dict[str, str | None] | None = None
    raw: bool = False
    template: bool = True
    village_only: bool = False

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


def _category(text: str, context) -> dict:
    return {"category": context.category(text)}


TYPE_LABELS = "、".join(
    [
        *(str(label) for label in DutyType.labels),
        ItemKind.CERTIFICATE.label,
        ItemKind.MECHANISM.label,
    ]
)


def _duty_type(text: str, context) -> dict:
    parsed = parse_type_cell(normalise_header(text))
    if parsed is None:
        raise CellError(f"履职类型“{text}”无效，应为：{TYPE_LABELS}。")
    item_kind, duty_type = parsed
    return {"item_kind": item_kind, "duty_type": duty_type}


# 主体责任 in words: the department, or the local unit of the list's level.
PRIMARY_WORDS = {
    **dict.fromkeys(("部门", "牵头部门", "县级部门", "责任部门"), PrimaryResponsibility.DEPARTMENT),
    **dict.fromkeys(
        ("属地", "本级", "乡镇", "街道", "村", "社区", *LEVEL_UNIT_LABELS.values()),
        PrimaryResponsibility.LOCAL,
    ),
}
_PRIMARY_BY_WORD = {normalise_header(word): value for word, value in PRIMARY_WORDS.items()}


def _primary_responsibility(text: str, context) -> dict:
    value = _PRIMARY_BY_WORD.get(normalise_header(text))
    if value is None:
        raise CellError(
            f"主体责任“{text}”无效，应为“牵头部门”（部门承担）或本级单位"
            "“乡镇(街道)”“村(社区)”“网格”（属地承担）。"
        )
    return {"primary_responsibility": value}


def _department(text: str, context) -> dict:
    return {"lead_department": context.department(text)}


def _cooperation(text: str, context) -> dict:
    if normalise_header(text) == NONE_MARK:
        return {"cooperations": ()}
    try:
        pairs = parse_cooperation(text)
    except ValueError as error:
        raise CellError(f"{error}（每行一个部门，如“县应急管理局：负责……”）") from None
    unknown = []
    cooperations = []
    for name, duties in pairs:
        try:
            cooperations.append((context.department(name), clean_text(duties)))
        except CellError:
            unknown.append(name)
    if unknown:
        names = "、".join(f"“{name}”" for name in unknown)
        raise CellError(f"{names}不是{context.county.name}的部门（名称或编码）。")
    return {"cooperations": tuple(cooperations)}


def _resources(text: str, context) -> dict:
    try:
        resources = parse_resources(text)
    except ValueError as error:
        raise CellError(
            f"{error}配套保障应分行写作“经费：来源（金额万元）”“人员：…”“装备：…”，没有的写“无”。"
        ) from None
    return {
        "funding_amount": resources.funding_amount,
        "funding_source": resources.funding_source,
        "staffing": resources.staffing,
        "equipment": resources.equipment,
    }


def _amount(text: str, context) -> dict:
    folded = normalise_header(text).removesuffix("万元")
    try:
        amount = Decimal(folded)
    except InvalidOperation:
        raise CellError(f"经费金额“{text}”不是数字（以万元计，如 12.5）。") from None
    if not amount.is_finite() or amount < 0:
        raise CellError(f"经费金额“{text}”应为不小于 0 的数字（以万元计）。")
    return {"funding_amount": amount}


def _remarks(text: str, context) -> dict:
    try:
        remarks, expires_on = parse_remarks(text)
    except ValueError as error:
        raise CellError(str(error)) from None
    return {"remarks": remarks, "expires_on": expires_on}


def _names(text: str) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in NAME_SEPARATORS.split(text) if n.strip()))


def _applicability(text: str, context) -> dict:
    if not text or normalise_name(text) in {normalise_name(name) for name in ALL_UNITS}:
        return {"townships": (), "all_named": bool(text)}
    townships = tuple(dict.fromkeys(context.township(name) for name in _names(text)))
    return {"townships": townships}


def _villages(text: str, context) -> dict:
    unknown, villages = [], []
    for name in _names(text):
        try:
            villages.append(context.village(name))
        except CellError as error:
            unknown.append(str(error))
    if unknown:
        raise CellError("".join(unknown))
    return {"villages": tuple(dict.fromkeys(villages))}


_KIND_BY_LABEL = {normalise_header(kind.label): kind.value for kind in Village.Kind}
_KIND_BY_LABEL.update({kind.value: kind.value for kind in Village.Kind})


def _village_kind(text: str, context) -> dict:
    value = _KIND_BY_LABEL.get(normalise_header(text))
    if value is None:
        raise CellError(f"村(社区)类型“{text}”无效，应为：村、社区（留空为两者）。")
    return {"village_kind": value}


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


def _date(field: str):
    def parse(value, context) -> dict:
        return {field: parse_date(value)}

    return parse


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
        "清单内唯一，如 XZ-CX-0001；再次导入时按编码更新",
    ),
    Column("title", ("事项名称",), True, _text("title", 200), "不超过 200 字"),
    Column(
        "category",
        ("类别", "领域类别", "事项类别"),
        True,
        _category,
        "本县的领域类别名称或代码；二级类别写作“一级类别／二级类别”",
    ),
    Column(
        "duty_type",
        ("履职类型", "事项类型"),
        True,
        _duty_type,
        "基本履职、配合履职；乡镇(街道)清单还有上级部门收回，村(社区)和网格清单还有"
        "不应承担事项；村(社区)清单的证明事项、机制牌子在此填“证明事项”“机制牌子”",
    ),
    Column(
        "primary_responsibility",
        ("主体责任", "主体责任单位", "主体责任承担"),
        False,
        _primary_responsibility,
        "“牵头部门”或本级单位（乡镇(街道)、村(社区)、网格）；空则基本履职为本级，其余为牵头部门",
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
        "cooperation",
        ("协同部门(及职责)", "协同部门及职责", "协同部门", "配合部门(及职责)", "配合部门"),
        False,
        _cooperation,
        "每行一个部门：“部门名称：协同职责”；没有的留空或填“无”",
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
    Column("accountability", ("追责情形",), False, _text("accountability"), "可空"),
    Column("exemption", ("免责情形",), False, _text("exemption"), "可空"),
    Column(
        "work_requirements",
        ("工作要求/时限", "工作要求", "工作时限", "工作要求及时限", "时限要求"),
        False,
        _text("work_requirements"),
        "可空",
    ),
    Column(
        "resources",
        ("配套保障", "配套资源", "配套资源(经费/人员/装备)", "配套保障(经费/人员/装备)"),
        False,
        _resources,
        "分行写作“经费：来源（金额万元）”“人员：…”“装备：…”，没有的写“无”；全部没有可只写“无”。"
        "也可分列填写经费金额(万元)、经费来源、人员保障、装备保障",
    ),
    Column(
        "funding_amount",
        ("经费金额(万元)", "经费金额", "经费(万元)"),
        False,
        _amount,
        "以万元计的数字，如 12.5",
        template=False,
    ),
    Column(
        "funding_source",
        ("经费来源",),
        False,
        _text("funding_source", 200),
        "如“县财政专项”；没有的填“无”",
        template=False,
    ),
    Column(
        "staffing",
        ("人员保障", "配套人员"),
        False,
        _text("staffing"),
        "没有的填“无”",
        template=False,
    ),
    Column(
        "equipment",
        ("装备保障", "配套装备"),
        False,
        _text("equipment"),
        "没有的填“无”",
        template=False,
    ),
    Column(
        "remarks",
        ("备注",),
        False,
        _remarks,
        "可空；临时事项可在开头写“【临时事项，有效期至2026年9月30日】”，或填“有效期至”列",
    ),
    Column(
        "guidance_code",
        ("指导目录编码", "指导目录事项编码", "省指导目录编码"),
        False,
        _text("guidance_code", MAX_GUIDANCE_CODE_LENGTH),
        "省级指导目录中对应事项的编码，可空",
    ),
    Column(
        "applicability",
        ("适用乡镇", "适用乡镇(街道)", "适用范围"),
        False,
        _applicability,
        "空或“全部”为本县全部乡镇(街道)；否则填乡镇(街道)名称，用“、”分隔。按乡镇分表时不填",
    ),
    Column(
        "villages",
        ("适用村(社区)", "适用村社区", "适用村"),
        False,
        _villages,
        "村(社区)和网格清单：只适用于某些村(社区)时填其名称（重名的写作“乡镇(街道)/村(社区)”"
        "或填编码），用“、”分隔；空则按“适用乡镇”",
        village_only=True,
    ),
    Column(
        "village_kind",
        ("村(社区)类型", "适用村(社区)类型"),
        False,
        _village_kind,
        "村(社区)和网格清单：只适用于村填“村”，只适用于社区填“社区”；空为两者",
        village_only=True,
    ),
    Column(
        "effective_date",
        ("生效日期",),
        False,
        _date("effective_date"),
        "如 2026-07-01；空则取导入时填写的生效日期",
        raw=True,
    ),
    Column(
        "expires_on",
        ("有效期至", "临时事项有效期至", "截止日期"),
        False,
        _date("expires_on"),
        "临时事项的最后一天，如 2026-09-30；到期后次日自动取消。长期事项不填",
        raw=True,
    ),
)

BY_HEADER: dict[str, Column] = {
    normalise_header(header): column for column in COLUMNS for header in column.headers
}
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
