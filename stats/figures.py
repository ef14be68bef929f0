"""The statistics pages (统计分析) and the tables each one shows, in menu order."""

from collections.abc import Callable
from dataclasses import dataclass

from . import selectors
from .selectors import StatsScope
from .tables import Table


@dataclass(frozen=True)
class Figure:
    """One page of figures: its URL key, title, menu icon and the selectors of its
    tables (each takes a ``StatsScope`` and returns a ``Table``)."""

    key: str
    title: str
    icon: str
    description: str
    tables: tuple[Callable[[StatsScope], Table], ...]

    def compute(self, scope: StatsScope) -> list[Table]:
        """The page's tables for ``scope``."""
        return [table(scope) for table in self.tables]


FIGURES = (
    Figure(
        "burden",
        "乡镇(街道)承担事项",
        "holiday_village",
        "各乡镇(街道)适用的有效事项，按清单层级和履职类型。",
        (selectors.township_burden,),
    ),
    Figure(
        "departments",
        "部门事项",
        "apartment",
        "各部门牵头的有效事项，按清单层级。",
        (selectors.department_items,),
    ),
    Figure(
        "funding",
        "经费保障",
        "savings",
        "配套保障未写明经费的事项，按牵头部门，并列出事项。",
        (selectors.funding_by_department, selectors.funding_items),
    ),
    Figure(
        "requests",
        "申请办理",
        "pending_actions",
        "办理中的准入/调整申请，按所处环节和时长。",
        (selectors.requests_by_stage,),
    ),
    Figure(
        "consultations",
        "征求意见逾期",
        "alarm",
        "各乡镇(街道)的征求意见答复、逾期未答复和已超期待答复。",
        (selectors.consultations_by_party, selectors.overdue_consultations),
    ),
    Figure(
        "contest",
        "异议率",
        "gavel",
        "各部门所提申请在征求意见中被提出异议的比例。",
        (selectors.contest_rate,),
    ),
    Figure(
        "reports",
        "清单外事项报告",
        "report",
        "清单外事项报告，按交办部门和裁定结果。",
        (selectors.reports_by_department,),
    ),
    Figure(
        "changes",
        "年度变更",
        "history",
        "每年发布的新增、修改、取消事项数。",
        (selectors.changes_per_year,),
    ),
)

FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}


def all_tables(scope: StatsScope) -> list[Table]:
    """Every table of every page for ``scope`` (the Excel export)."""
    return [table for figure in FIGURES for table in figure.compute(scope)]
