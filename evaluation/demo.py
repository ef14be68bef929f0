"""The demo counties' default indicator sets (默认评价指标), one per county and direction.

``fixtures/demo/indicators.csv`` holds one indicator per line, in the conventions of the
other demo files (UTF-8 CSV, Chinese header; see ``duty_lists.demo``): 县 (name or
code), 方向 (乡镇(街道)评价部门 / 部门评价乡镇(街道)), 指标, 说明, 评分标准 (the
scoring rule shown on every sheet), 权重 and 满分. The
lines of one county and direction form one set, named after its direction, in file
order; its weights must add up to 100.

``demo_indicators_read`` checks the file's structure without the database;
``demo_indicators_load`` resolves every county first, then creates the missing sets
through ``evaluation.services`` as the system. A set that already exists (same county,
direction and name) is left alone, so a re-run writes nothing.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from duty_lists.demo.files import Line, check_unique, parse_choice, read_lines
from organisations.models import County

from . import services
from .models import Direction, IndicatorSet

INDICATORS_FILE = "indicators.csv"
COLUMNS = ("县", "方向", "指标", "说明", "评分标准", "权重", "满分")
DEMO_REASON = "演示数据：默认评价指标"


@dataclass
class DemoIndicatorSet:
    """The lines of one county and direction, checked for structure."""

    county: str
    direction: str
    lines: list[Line] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{Direction(self.direction).label}默认指标"


@dataclass
class IndicatorReport:
    """What ``demo_indicators_load`` did."""

    created: int = 0
    existing: int = 0


def _number(line: Line, column: str) -> int:
    text = line[column]
    if not text.isdigit():
        raise line.error(f"{column}“{text}”应为正整数。")
    return int(text)


def demo_indicators_read(directory: Path) -> list[DemoIndicatorSet]:
    """Read and check ``indicators.csv`` of ``directory``; no database is needed.

    Returns the sets in file order. Raises ``DemoDataError`` naming the file and line of
    the first bad line.
    """
    path = Path(directory) / INDICATORS_FILE
    lines = read_lines(path, COLUMNS, optional=frozenset({"说明"}))
    check_unique(lines, "县", "方向", "指标")
    sets: dict[tuple[str, str], DemoIndicatorSet] = {}
    for line in lines:
        direction = parse_choice(line, "方向", Direction)
        demo_set = sets.setdefault((line["县"], direction), DemoIndicatorSet(line["县"], direction))
        demo_set.lines.append(line)
        demo_set.indicators.append(
            {
                "name": line["指标"],
                "description": line["说明"],
                "scoring_rule": line["评分标准"],
                "weight": _number(line, "权重"),
                "max_score": _number(line, "满分"),
            }
        )
    return list(sets.values())


def demo_indicators_load(demo_sets: list[DemoIndicatorSet]) -> IndicatorReport:
    """Create the demo indicator sets that do not exist yet, through the services.

    Returns an ``IndicatorReport``. Raises ``DemoDataError`` naming the first line of a
    set whose county is unknown or which the service refuses (e.g. weights not adding up
    to 100); nothing is written then.
    """
    report = IndicatorReport()
    with transaction.atomic():
        counties = [_county(demo_set) for demo_set in demo_sets]
        for demo_set, county in zip(demo_sets, counties, strict=True):
            exists = IndicatorSet.objects.filter(
                county=county, direction=demo_set.direction, name=demo_set.name
            ).exists()
            if exists:
                report.existing += 1
                continue
            try:
                services.indicator_set_create(
                    actor=None,
                    county=county,
                    direction=demo_set.direction,
                    name=demo_set.name,
                    indicators=demo_set.indicators,
                    reason=DEMO_REASON,
                )
            except ValidationError as exc:
                raise demo_set.lines[0].error("；".join(exc.messages)) from None
            report.created += 1
    return report


def _county(demo_set: DemoIndicatorSet) -> County:
    text = demo_set.county
    matches = list(County.objects.filter(Q(code=text) | Q(name=text))[:2])
    if len(matches) != 1:
        why = "有多个同名的县，请填写编码" if matches else "organisations.csv 中没有"
        raise demo_set.lines[0].error(f"县“{text}”无法确定：{why}。")
    return matches[0]
