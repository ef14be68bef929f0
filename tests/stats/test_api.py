"""/api/stats/<figure>/: the same tables as the pages, with the hand counts, scoped the
same way, and documented in the OpenAPI schema."""

import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_county_office_reads_the_hand_counts(stats_world):
    response = client_for(stats_world.office).get("/api/stats/contest/")

    assert response.status_code == 200
    assert response.json() == {
        "figure": "contest",
        "title": "异议率",
        "counties": [{"id": stats_world.county.pk, "name": "清河县"}],
        "tables": [
            {
                "key": "contest",
                "title": "各部门申请的征求意见异议率",
                "columns": ["申请部门", "征求意见", "同意", "有异议", "逾期未答复", "异议率"],
                "rows": [
                    ["县住房和城乡建设局", 8, 5, 2, 1, "25.0%"],
                    ["县应急管理局", 1, 0, 1, 0, "100.0%"],
                ],
                "note": (
                    "部门所提申请中各乡镇(街道)的答复；异议率=有异议÷征求意见次数，逾期未答复单列。"
                ),
            }
        ],
    }


def test_a_region_viewer_reads_both_counties_and_filters_one(stats_world):
    client = client_for(stats_world.region_viewer)

    both = client.get("/api/stats/changes/").json()
    assert [county["name"] for county in both["counties"]] == ["清河县", "白沙县"]
    assert both["tables"][0]["rows"] == [
        ["清河县", "2025", 4, 0, 0, 4],
        ["清河县", "2026", 1, 1, 1, 3],
        ["白沙县", "2025", 1, 0, 0, 1],
    ]
    one = client.get(f"/api/stats/reports/?county={stats_world.county.pk}").json()
    assert one["tables"][0]["rows"] == [
        ["县住房和城乡建设局", 1, 1, 1, 0, 3],
        ["县应急管理局", 1, 0, 0, 0, 1],
    ]


def test_an_unknown_figure_or_county_is_refused(stats_world):
    client = client_for(stats_world.office)

    assert client.get("/api/stats/nothing/").status_code == 404
    other = client.get(f"/api/stats/burden/?county={stats_world.other_county.pk}")
    unknown = client.get("/api/stats/burden/?county=999999")
    malformed = client.get("/api/stats/burden/?county=清河")
    assert (other.status_code, other.json()) == (404, {"detail": "没有该县(市、区)的统计。"})
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "没有该县(市、区)的统计。"})
    assert (malformed.status_code, malformed.json()) == (400, {"county": ["请填写合法的整数值。"]})


def test_the_schema_documents_the_statistics(client):
    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/stats/{figure}/"]["get"]
    assert operation["summary"] == "统计分析"
    figure = next(p for p in operation["parameters"] if p["name"] == "figure")
    assert figure["schema"]["enum"] == [
        "burden",
        "changes",
        "consultations",
        "contest",
        "departments",
        "funding",
        "reports",
        "requests",
    ]
