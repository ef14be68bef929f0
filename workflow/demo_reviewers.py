"""The demo's reviewing units per list level: ``fixtures/demo/reviewers.csv``.

One line per county and level (所属县, 清单层级: 村(社区) or 网格, 审查单位: a department of
the county by name or code): the county's 流程设置 names that department as the level's
reviewing unit, which then reviews, proposes on and puts before the leadership the
level's requests instead of the county office. A setting already in place is left
alone.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError

from duty_lists.demo import Units
from duty_lists.demo.files import Line, check_unique, parse_choice, read_lines
from duty_lists.models import Level

from .models import CountyWorkflowSettings

REVIEWERS_FILE = "reviewers.csv"
COLUMNS = ("所属县", "清单层级", "审查单位")
SETTING_OF_LEVEL = {Level.VILLAGE: "village_list_reviewer", Level.GRID: "grid_list_reviewer"}


@dataclass
class ReviewerReport:
    """What ``demo_reviewers_load`` did."""

    created: int = 0
    existing: int = 0


def demo_reviewers_read(directory: Path) -> list[Line]:
    """Read and check ``reviewers.csv``; no database is needed. Raises
    ``DemoDataError`` naming the line."""
    lines = read_lines(Path(directory) / REVIEWERS_FILE, COLUMNS)
    check_unique(lines, "所属县", "清单层级")
    for line in lines:
        level = parse_choice(line, "清单层级", Level)
        if level not in SETTING_OF_LEVEL:
            raise line.error(
                "只有村(社区)清单和网格清单可以指定审查单位（乡镇(街道)清单为县委编办）。"
            )
    return lines


def demo_reviewers_load(lines: list[Line]) -> ReviewerReport:
    """Name each line's department as its county's reviewing unit of the level (call
    inside the demo's transaction, before the requests). Returns a ``ReviewerReport``.
    Raises ``DemoDataError`` naming the line when a name does not resolve."""
    report = ReviewerReport()
    units = Units()
    for line in lines:
        county = units.county(line)
        department = units.department(line, "审查单位", county, line["审查单位"])
        name = SETTING_OF_LEVEL[parse_choice(line, "清单层级", Level)]
        settings = CountyWorkflowSettings.objects.filter(county=county).first()
        settings = settings or CountyWorkflowSettings(county=county)
        if getattr(settings, f"{name}_id") == department.pk:
            report.existing += 1
            continue
        setattr(settings, name, department)
        try:
            settings.full_clean()
        except ValidationError as exc:
            raise line.error("；".join(exc.messages)) from None
        settings._change_reason = "演示数据：设置清单审查单位"
        settings.save()
        report.created += 1
    return report
