"""The statistics pages (/stats/): who may read them, which counties they show, the
numbers they render, the Excel export, and their query counts."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from stats.figures import FIGURES
from tests.factories import make_item

pytestmark = pytest.mark.django_db

PAGES = ["/stats/", "/stats/export.xlsx", *(f"/stats/{figure.key}/" for figure in FIGURES)]
# Every role but the county office, and county roles of no county's statistics.
DENIED = [
    "staff",
    "other_staff",
    "county_admin",
    "head_0",
    "township_staff",
    "village_head",
    "grid_worker",
    "village_reviewer",
    "other_county_head",
    "other_county_staff",
]


def user_named(world, who):
    if who.startswith("head_"):
        return world.heads[int(who.removeprefix("head_"))]
    return getattr(world, who)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, region_world, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", DENIED)
@pytest.mark.parametrize("url", PAGES)
def test_other_roles_are_refused(client, region_world, url, who):
    assert get(client, user_named(region_world, who), url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_the_county_office_reads_its_county_only(client, region_world, url):
    world = region_world
    response = get(client, world.office, url)
    assert response.status_code == 200
    if url.endswith(".xlsx"):
        assert (
            load_workbook(BytesIO(response.content))
            .worksheets[0]["A1"]
            .value.endswith("（清河县）")
        )
    else:
        assert response.context["scope"].counties == {world.county.pk: "清河县"}
        assert "白沙" not in response.content.decode()

    other = get(client, world.office, f"{url}?county={world.other_county.pk}")
    assert other.status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_the_other_county_office_never_sees_this_county(client, region_world, url):
    world = region_world
    response = get(client, world.other_office, url)
    assert response.status_code == 200
    if not url.endswith(".xlsx"):
        assert response.context["scope"].counties == {world.other_county.pk: "白沙县"}
        content = response.content.decode()
        assert "清河县" not in content
        assert "城关街道" not in content
    assert get(client, world.other_office, f"{url}?county={world.county.pk}").status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_a_region_viewer_reads_every_county_of_its_region_and_filters_one(
    client, region_world, url
):
    world = region_world
    response = get(client, world.region_viewer, url)
    assert response.status_code == 200
    if not url.endswith(".xlsx"):
        assert response.context["scope"].counties == {
            world.county.pk: "清河县",
            world.other_county.pk: "白沙县",
        }
        assert 'data-testid="county-filter"' in response.content.decode()

    one = get(client, world.region_viewer, f"{url}?county={world.other_county.pk}")
    assert one.status_code == 200
    if not url.endswith(".xlsx"):
        assert one.context["scope"].counties == {world.other_county.pk: "白沙县"}
    assert get(client, world.region_viewer, f"{url}?county=x").status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_a_region_viewer_never_sees_a_county_outside_its_region(client, region_world, url):
    world = region_world
    response = get(client, world.other_region_viewer, f"{url}?county={world.county.pk}")
    assert response.status_code == 404


def test_an_unknown_figure_is_not_found(client, region_world):
    assert get(client, region_world.office, "/stats/nothing/").status_code == 404


def rendered_rows(response, key):
    """The rows of table ``key`` as the page shows them."""
    for table, _, rows in response.context["tables"]:
        if table.key == key:
            return [[value for value, _, _ in row] for row in rows]
    raise AssertionError(key)


def test_burden_page_shows_the_hand_counts_with_a_chart_beside(client, stats_world):
    response = get(client, stats_world.office, "/stats/burden/")

    assert rendered_rows(response, "burden") == [
        ["城关街道", 1, 2, 0, 1, 1, 0, 5, 1],
        ["青石镇", 1, 2, 0, 0, 1, 0, 4, 0],
        ["云岭乡", 1, 1, 0, 0, 1, 0, 3, 0],
        ["石门镇", 1, 1, 0, 0, 1, 0, 3, 0],
    ]
    content = response.content.decode()
    assert 'data-testid="chart-burden"' in content
    assert '<th scope="row">城关街道</th><td class="qd-num">1</td>' in content
    # The longest bar is 城关街道's (5 carried items); 青石镇's 4 is 80 % of it.
    chart = next(chart for table, chart, _ in response.context["tables"])
    assert [(bar.label, bar.total, bar.width) for bar in chart.bars] == [
        ("城关街道", 5, 100.0),
        ("青石镇", 4, 80.0),
        ("云岭乡", 3, 60.0),
        ("石门镇", 3, 60.0),
    ]


def test_region_viewer_pages_name_the_county_of_each_row(client, stats_world):
    response = get(client, stats_world.region_viewer, "/stats/changes/")

    assert rendered_rows(response, "changes") == [
        ["清河县", "2025", 4, 0, 0, 4],
        ["清河县", "2026", 1, 1, 1, 3],
        ["白沙县", "2025", 1, 0, 0, 1],
    ]
    chart = response.context["tables"][0][1]
    assert [bar.label for bar in chart.bars] == ["清河县·2025", "清河县·2026", "白沙县·2025"]


def test_export_holds_every_table_with_its_hand_counts(client, stats_world):
    response = get(client, stats_world.office, "/stats/export.xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="stats-20261204.xlsx"'
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == [
        "各乡镇(街道)承担事项数",
        "各部门牵头事项数",
        "未列明经费的事项（按牵头部门）",
        "未列明经费的事项清单",
        "办理中的申请（按环节和时长）",
        "征求意见答复与逾期情况（按乡镇(街道)）",
        "已超期仍待答复的征求意见",
        "各部门申请的征求意见异议率",
        "清单外事项报告（按交办部门和裁定结果）",
        "清单事项变更（按发布年份）",
    ]
    contest = workbook["各部门申请的征求意见异议率"]
    assert [list(row) for row in contest.iter_rows(min_row=2, max_row=4, values_only=True)] == [
        ["申请部门", "征求意见", "同意", "有异议", "逾期未答复", "异议率"],
        ["县住房和城乡建设局", 8, 5, 2, 1, "25.0%"],
        ["县应急管理局", 1, 0, 1, 0, "100.0%"],
    ]
    reports = workbook["清单外事项报告（按交办部门和裁定结果）"]
    assert [list(row) for row in reports.iter_rows(min_row=3, max_row=4, values_only=True)] == [
        ["县住房和城乡建设局", 1, 1, 1, 0, 3],
        ["县应急管理局", 1, 0, 0, 0, 1],
    ]


def test_export_cells_never_become_formulas(client, region_world):
    world = region_world
    make_item(
        county=world.county,
        lead_department=world.department,
        code="=1+1",
        title='=HYPERLINK("http://x")',
    )
    response = get(client, world.office, "/stats/export.xlsx")

    sheet = load_workbook(BytesIO(response.content))["未列明经费的事项清单"]
    assert sheet["A3"].value == "'=1+1"
    assert sheet["B3"].value == '\'=HYPERLINK("http://x")'
