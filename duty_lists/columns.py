"""The cells of a published list (清单文件) and how item fields are written in them.

Published lists (Excel attachments of a county's 印发 document) carry one row per item
with the columns of ``published_columns``. Documents are made with the ``*_text``
functions here; an import of such a file reads the cells back with the ``parse_*``
functions, so a document exported by the system imports again unchanged:

- 类别: the category's name, "一级／二级" for a sub-category (``Category.full_name``);
- 履职类型: the duty type's label, or 证明事项 / 机制牌子 for those item kinds
  (``type_cell``, ``parse_type_cell``);
- 协同部门(及职责): one line per department, "部门名称：职责" (``cooperation_text``,
  ``parse_cooperation``);
- 配套保障: "经费：来源（金额万元）", "人员：…", "装备：…", one per line, "无" where there
  is none (``resources_text``, ``parse_resources``);
- 备注: the remarks, after "【临时事项，有效期至YYYY年M月D日】" for a temporary item
  (``remarks_text``, ``parse_remarks``).
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .models import (
    NONE_MARK,
    DutyType,
    ItemKind,
    Level,
    local_responsibilities_label,
)

_LEADING = (
    "序号",
    "事项编码",
    "事项名称",
    "类别",
    "履职类型",
    "主体责任",
    "牵头部门",
    "部门职责",
    "协同部门(及职责)",
)
_TRAILING = (
    "实施依据",
    "追责情形",
    "免责情形",
    "工作要求/时限",
    "配套保障",
    "备注",
    "指导目录编码",
)


def published_columns(level: str) -> tuple[str, ...]:
    """The columns of a published list of ``level``: 序号 … 履职类型, 主体责任 (who
    carries it: "牵头部门" or the level's unit), 牵头部门 … 协同部门(及职责), the level's
    own duties (乡镇(街道)职责 / 村(社区)职责 / 网格职责), 实施依据 … 指导目录编码."""
    return (*_LEADING, local_responsibilities_label(Level(level)), *_TRAILING)


# --- 履职类型 -------------------------------------------------------------------------


def type_cell(item_kind: str, duty_type: str) -> str:
    """The 履职类型 cell: 证明事项 / 机制牌子 for those kinds, else the duty type's label."""
    if item_kind in (ItemKind.CERTIFICATE, ItemKind.MECHANISM):
        return str(ItemKind(item_kind).label)
    return str(DutyType(duty_type).label) if duty_type in DutyType.values else duty_type


def parse_type_cell(text: str) -> tuple[str, str] | None:
    """``(item_kind, duty_type)`` of a 履职类型 cell, or None when the text is neither a
    duty type nor an item kind. A certificate or sign is a 基本履职 of the village."""
    text = (text or "").strip()
    for kind in (ItemKind.CERTIFICATE, ItemKind.MECHANISM):
        if text == kind.label:
            return kind.value, DutyType.BASIC.value
    for duty_type in DutyType:
        if text == duty_type.label:
            return ItemKind.DUTY.value, duty_type.value
    return None


# --- 协同部门(及职责) -----------------------------------------------------------------

_COLON = re.compile(r"[:：]")


def cooperation_text(rows, separator: str = "\n") -> str:
    """The 协同部门(及职责) cell of ``rows``, pairs of (department name, duties): one
    "名称：职责" per department, joined by ``separator``; "" without any."""
    return separator.join(f"{name}：{duties}" for name, duties in rows)


def parse_cooperation(text: str) -> list[tuple[str, str]]:
    """The (department name, duties) pairs of a 协同部门(及职责) cell, in order. Each
    non-empty line is "名称：职责" (a half-width colon is accepted too). Raises
    ``ValueError`` naming the line for a line without a name or without duties."""
    pairs = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = _COLON.split(line, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(f"第{number}行应为“部门名称：协同职责”。")
        pairs.append((parts[0].strip(), parts[1].strip()))
    return pairs


# --- 配套保障 -------------------------------------------------------------------------


@dataclass(frozen=True)
class Resources:
    """配套保障 (费随事转) of an item: 经费 (amount in 万元 and source), 人员 and 装备.

    An empty text means "not stated", ``NONE_MARK`` ("无") that there is none.
    """

    funding_amount: Decimal | None = None
    funding_source: str = ""
    staffing: str = ""
    equipment: str = ""

    @property
    def funding(self) -> str:
        """经费 in words: "县财政专项（12万元）", "县财政专项", "12万元", "无" or ""."""
        source = self.funding_source
        if self.funding_amount is None:
            return source
        amount = f"{amount_text(self.funding_amount)}万元"
        return f"{source}（{amount}）" if source else amount

    def lines(self) -> list[str]:
        """ "经费：…", "人员：…", "装备：…" for each part that is stated."""
        parts = (("经费", self.funding), ("人员", self.staffing), ("装备", self.equipment))
        return [f"{label}：{value}" for label, value in parts if value]

    def text(self, separator: str = "\n") -> str:
        """The 配套保障 cell: ``lines`` joined by ``separator``; "" when nothing is stated."""
        return separator.join(self.lines())


def amount_text(amount: Decimal) -> str:
    """An amount without trailing zeros: Decimal("12.50") → "12.5"."""
    text = format(amount.normalize(), "f")
    return text


def resources_of(obj) -> Resources:
    """The ``Resources`` of anything with the four fields (an item, a snapshot, a
    request)."""
    return Resources(
        funding_amount=obj.funding_amount,
        funding_source=obj.funding_source,
        staffing=obj.staffing,
        equipment=obj.equipment,
    )


def resources_text(obj, separator: str = "\n") -> str:
    """The 配套保障 cell of ``obj`` (see ``Resources.text``)."""
    return resources_of(obj).text(separator)


_PART = re.compile(r"^(经费|人员|装备)\s*[:：]\s*(.*)$")
# Parts are separated by line breaks, or by "；" before the next part's label (a part's
# own text may hold "；").
_PART_SEPARATOR = re.compile(r"\n|[；;](?=\s*(?:经费|人员|装备)\s*[:：])")
_FUNDING = re.compile(r"^(?P<source>.*?)\s*[（(]\s*(?P<amount>\d+(?:\.\d+)?)\s*万元\s*[)）]$")
_AMOUNT_ONLY = re.compile(r"^(?P<amount>\d+(?:\.\d+)?)\s*万元$")


def parse_funding(text: str) -> tuple[Decimal | None, str]:
    """(amount, source) of a 经费 text: "县财政（12万元）", "12万元", "县财政" or "无"."""
    text = (text or "").strip()
    for pattern in (_FUNDING, _AMOUNT_ONLY):
        match = pattern.match(text)
        if match:
            try:
                amount = Decimal(match.group("amount"))
            except InvalidOperation:  # pragma: no cover - the pattern admits only digits
                break
            return amount, match.groupdict().get("source", "").strip()
    return None, text


def parse_resources(text: str) -> Resources:
    """The ``Resources`` of a 配套保障 cell written as ``Resources.text`` writes it: parts
    "经费：…", "人员：…", "装备：…" on separate lines or separated by "；" (a part's own
    text may hold "；"); a cell that is just "无" means none of the three. Raises
    ``ValueError`` for text that is not in this form (e.g. a free sentence) or names a
    part twice."""
    text = (text or "").strip()
    if not text:
        return Resources()
    if text == NONE_MARK:
        return Resources(funding_source=NONE_MARK, staffing=NONE_MARK, equipment=NONE_MARK)
    found: dict[str, str] = {}
    for part in _PART_SEPARATOR.split(text):
        part = part.strip()
        if not part:
            continue
        match = _PART.match(part)
        if match is None:
            raise ValueError(f"“{part}”应写作“经费：…”、“人员：…”或“装备：…”。")
        label, value = match.group(1), match.group(2).strip()
        if label in found:
            raise ValueError(f"“{label}”写了两次。")
        found[label] = value
    amount, source = parse_funding(found.get("经费", ""))
    return Resources(
        funding_amount=amount,
        funding_source=source,
        staffing=found.get("人员", ""),
        equipment=found.get("装备", ""),
    )


def resources_errors(values: dict) -> dict[str, str]:
    """费随事转: the message of each part of 配套保障 that ``values`` (item field values)
    leaves unstated. 经费 needs a source and an amount, or "无" (and then no amount);
    人员 and 装备 need a text, "无" if there is none."""
    errors = {}
    source = (values.get("funding_source") or "").strip()
    amount = values.get("funding_amount")
    if not source:
        errors["funding_source"] = "请填写经费来源；没有配套经费的填“无”（费随事转）。"
    elif source == NONE_MARK:
        if amount not in (None, ""):
            errors["funding_amount"] = "经费来源为“无”时不应填写经费金额。"
    elif amount in (None, ""):
        errors["funding_amount"] = "请填写经费金额(万元)；没有配套经费的经费来源填“无”。"
    if not (values.get("staffing") or "").strip():
        errors["staffing"] = "请填写人员保障；没有配套人员的填“无”（费随事转）。"
    if not (values.get("equipment") or "").strip():
        errors["equipment"] = "请填写装备保障；没有配套装备的填“无”（费随事转）。"
    return errors


# --- 备注 -----------------------------------------------------------------------------

_TEMPORARY = re.compile(r"^【临时事项，有效期至(\d{4})年(\d{1,2})月(\d{1,2})日】\s*")


def remarks_text(remarks: str, expires_on: datetime.date | None) -> str:
    """The 备注 cell: for a temporary item "【临时事项，有效期至2026年9月30日】" first."""
    if expires_on is None:
        return remarks
    note = f"【临时事项，有效期至{expires_on.year}年{expires_on.month}月{expires_on.day}日】"
    return f"{note}{remarks}"


def parse_remarks(text: str) -> tuple[str, datetime.date | None]:
    """(remarks, expires_on) of a 备注 cell written by ``remarks_text``. Raises
    ``ValueError`` for a temporary note with an impossible date."""
    text = (text or "").strip()
    match = _TEMPORARY.match(text)
    if match is None:
        return text, None
    year, month, day = (int(group) for group in match.groups())
    try:
        expires_on = datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"临时事项的有效期“{year}年{month}月{day}日”不是有效日期。") from None
    return text[match.end() :].strip(), expires_on
