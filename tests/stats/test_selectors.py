"""Every statistic of the fixture county equals its hand count (see ``stats_world``)."""

import pytest

from stats import selectors
from stats.figures import FIGURES, all_tables
from stats.selectors import stats_scope

from .conftest import NOW

pytestmark = pytest.mark.django_db


def county_scope(world):
    return stats_scope([world.county.pk], now=NOW)


def both_scope(world):
    return stats_scope([world.county.pk, world.other_county.pk], now=NOW)


def test_township_burden_counts_items_applying_to_each_township(stats_world):
    table = selectors.township_burden(county_scope(stats_world))

    assert table.columns == (
        "乡镇(街道)",
        "乡镇级基本履职",
        "乡镇级配合履职",
        "村级基本履职",
        "村级配合履职",
        "网格基本履职",
        "网格配合履职",
        "承担事项合计",
        "上级部门收回",
    )
    assert table.rows == [
        ["城关街道", 1, 2, 0, 1, 1, 0, 5, 1],
        ["青石镇", 1, 2, 0, 0, 1, 0, 4, 0],
        ["云岭乡", 1, 1, 0, 0, 1, 0, 3, 0],
        ["石门镇", 1, 1, 0, 0, 1, 0, 3, 0],
    ]


def test_department_items_count_items_led_per_level(stats_world):
    table = selectors.department_items(county_scope(stats_world))

    assert table.columns == ("部门", "乡镇(街道)清单", "村(社区)清单", "网格清单", "合计")
    assert table.rows == [
        ["县住房和城乡建设局", 2, 1, 0, 3],
        ["县应急管理局", 2, 0, 0, 2],
        ["县委社会工作部", 0, 0, 1, 1],
    ]


def test_funding_counts_carried_items_naming_no_funds(stats_world):
    scope = county_scope(stats_world)

    assert selectors.funding_by_department(scope).rows == [
        ["县住房和城乡建设局", 3, 2, "66.7%"],
        ["县应急管理局", 1, 1, "100.0%"],
        ["县委社会工作部", 1, 0, "0.0%"],
    ]
    assert selectors.funding_items(scope).rows == [
        ["XZ-1", "测试事项" + _number(stats_world, "XZ-1"), "乡镇(街道)", "县住房和城乡建设局", ""],
        [
            "XZ-3",
            "测试事项" + _number(stats_world, "XZ-3"),
            "乡镇(街道)",
            "县应急管理局",
            "经费：无；人员：2名",
        ],
        [
            "CS-5",
            "测试事项" + _number(stats_world, "CS-5"),
            "村(社区)",
            "县住房和城乡建设局",
            "人员：村协管员",
        ],
    ]


def _number(world, code):
    from duty_lists.models import DutyItem

    return DutyItem.objects.get(duty_list__county=world.county, code=code).title.removeprefix(
        "测试事项"
    )


def test_requests_by_stage_and_age(stats_world):
    table = selectors.requests_by_stage(county_scope(stats_world))

    assert table.columns == ("环节", "≤7天", "8–30天", "31–90天", "90天以上", "合计")
    assert table.rows == [
        ["形式审查", 1, 0, 0, 0, 1],
        ["合法性审查", 0, 0, 0, 0, 0],
        ["退回修改", 0, 0, 0, 0, 0],
        ["征求意见", 0, 1, 0, 0, 1],
        ["拟办意见", 1, 0, 0, 1, 2],
        ["待审定", 0, 0, 1, 0, 1],
    ]


def test_consultations_per_township_and_the_overdue_ones(stats_world):
    scope = county_scope(stats_world)

    assert selectors.consultations_by_party(scope).rows == [
        ["城关街道", 4, 0, 0, 0],
        ["青石镇", 2, 1, 0, 0],
        ["云岭乡", 2, 0, 1, 1],
    ]
    r2 = stats_world.requests["R2"]
    # Due 2026-11-27 17:30 (five working days after Friday 20 November), read 6 days later.
    assert selectors.overdue_consultations(scope).rows == [
        ["云岭乡", f"#{r2.pk} R2", "2026-11-27 17:30", 6]
    ]


def test_contest_rate_per_filing_department(stats_world):
    assert selectors.contest_rate(county_scope(stats_world)).rows == [
        ["县住房和城乡建设局", 8, 5, 2, 1, "25.0%"],
        ["县应急管理局", 1, 0, 1, 0, "100.0%"],
    ]


def test_off_list_reports_per_department_and_outcome(stats_world):
    table = selectors.reports_by_department(county_scope(stats_world))

    assert table.columns == ("交办部门", "待裁定", "属实", "不成立", "转为准入申请", "合计")
    assert table.rows == [
        ["县住房和城乡建设局", 1, 1, 1, 0, 3],
        ["县应急管理局", 1, 0, 0, 0, 1],
    ]


def test_changes_per_year_of_release(stats_world):
    assert selectors.changes_per_year(county_scope(stats_world)).rows == [
        ["2025", 4, 0, 0, 4],
        ["2026", 1, 1, 1, 3],
    ]


def test_several_counties_name_the_county_of_each_row(stats_world):
    scope = both_scope(stats_world)

    assert selectors.changes_per_year(scope).rows == [
        ["清河县", "2025", 4, 0, 0, 4],
        ["清河县", "2026", 1, 1, 1, 3],
        ["白沙县", "2025", 1, 0, 0, 1],
    ]
    assert selectors.township_burden(scope).rows[-1] == [
        "白沙县",
        "沙湾街道",
        1,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
    ]
    assert len(selectors.township_burden(scope).rows) == 5


def test_the_other_county_sees_only_its_own_figures(stats_world):
    scope = stats_scope([stats_world.other_county.pk], now=NOW)

    assert selectors.township_burden(scope).rows == [["沙湾街道", 1, 0, 0, 0, 0, 0, 1, 0]]
    assert selectors.requests_by_stage(scope).rows == [
        ["形式审查", 0, 0, 0, 0, 0],
        ["合法性审查", 0, 0, 0, 0, 0],
        ["退回修改", 0, 0, 0, 0, 0],
        ["征求意见", 0, 0, 0, 0, 0],
        ["拟办意见", 0, 0, 0, 0, 0],
        ["待审定", 0, 0, 0, 0, 0],
    ]
    assert selectors.contest_rate(scope).rows == []
    assert selectors.reports_by_department(scope).rows == []


def test_every_figure_has_its_tables_and_the_export_lists_them_all(stats_world):
    tables = all_tables(county_scope(stats_world))

    assert [table.key for table in tables] == [
        "burden",
        "departments",
        "funding",
        "funding_items",
        "requests",
        "consultations",
        "overdue",
        "contest",
        "reports",
        "changes",
    ]
    assert [figure.key for figure in FIGURES] == [
        "burden",
        "departments",
        "funding",
        "requests",
        "consultations",
        "contest",
        "reports",
        "changes",
    ]
