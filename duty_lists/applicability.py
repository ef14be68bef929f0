"""Whom an item applies to (适用范围), in words, from plain values (no query).

An item applies to every unit of its level, or to named townships (on village and grid
lists: all their villages and grids) and named villages; on village and grid lists
``village_kind`` may narrow either to 村 or to 社区.
"""

from collections.abc import Sequence

from organisations.models import Village

from .models import Level

NAME_SEPARATOR = "、"
ALL_UNITS_LABEL = "全部"


def village_kind_label(village_kind: str) -> str:
    """ "村", "社区", or "" when the item is not limited to one kind."""
    # Most items have no kind: answer them before ``Kind.values``, which builds a new
    # list on each access (list pages asked it once per row).
    if village_kind and village_kind in Village.Kind.values:
        return str(Village.Kind(village_kind).label)
    return ""


def short_label(
    *,
    applies_to_all: bool,
    township_names: Sequence[str],
    village_names: Sequence[str] = (),
    village_kind: str = "",
) -> str:
    """The short form of list pages and diffs: "全部", "全部社区", or the names
    (townships first) joined by "、", followed by "（仅社区）" when limited to a kind."""
    kind = village_kind_label(village_kind)
    if applies_to_all:
        return f"{ALL_UNITS_LABEL}{kind}"
    names = NAME_SEPARATOR.join((*township_names, *village_names))
    return f"{names}（仅{kind}）" if kind else names


def long_label(
    level: str,
    *,
    applies_to_all: bool,
    township_names: Sequence[str],
    village_names: Sequence[str] = (),
    village_kind: str = "",
) -> str:
    """Whom the item applies to in plain words, as the public pages say it:
    "全部乡镇(街道)", "全部村(社区)", "全部社区", "全部网格", "城关街道、青石镇的村(社区)",
    "东门社区、西门社区", "城关街道的社区网格" …; parts joined by "；"."""
    level = Level(level)
    if level == Level.TOWNSHIP:
        if applies_to_all:
            return f"{ALL_UNITS_LABEL}{level.label}"
        return NAME_SEPARATOR.join(township_names)
    kind = village_kind_label(village_kind)
    unit = kind or str(Level.VILLAGE.label)
    if level == Level.GRID:
        unit = f"{kind}网格"
    if applies_to_all:
        return f"{ALL_UNITS_LABEL}{unit}"
    parts = []
    if township_names:
        parts.append(f"{NAME_SEPARATOR.join(township_names)}的{unit}")
    if village_names:
        names = NAME_SEPARATOR.join(village_names)
        parts.append(f"{names}的网格" if level == Level.GRID else names)
    return "；".join(parts)
