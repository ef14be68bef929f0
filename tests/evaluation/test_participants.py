"""Who rates whom: cooperating departments (协同部门) are linked to the townships of the
items they work on, like lead departments."""

import datetime

import pytest

from duty_lists.models import Level
from evaluation.models import Direction
from evaluation.participants import item_links, sheet_pairs
from tests.evaluation.round_world import PERIOD, build_world
from tests.factories import DepartmentFactory, VillageFactory, make_item

pytestmark = pytest.mark.django_db


def township_to_department(world, pairs) -> list[tuple[str, str]]:
    departments = {d.pk: d.name for d in world.county.departments.all()}
    townships = {t.pk: t.name for t in world.townships}
    return sorted(
        (townships[p.rater], departments[p.ratee])
        for p in pairs
        if p.direction == Direction.TOWNSHIP_TO_DEPARTMENT
    )


def test_a_cooperating_department_is_rated_by_the_townships_of_its_items():
    world = build_world()
    c = DepartmentFactory(county=world.county, name="县水利局", code="D-C")
    # 住建局 (A) leads an item for 青石镇 only; 水利局 (C) works on it.
    make_item(
        county=world.county,
        lead_department=world.a,
        townships=[world.t2],
        cooperations=[(c, "负责水利设施的技术指导。")],
        effective_date=datetime.date(2024, 1, 1),
    )

    pairs = sheet_pairs(county=world.county, period_start=PERIOD[0], period_end=PERIOD[1])

    assert township_to_department(world, pairs) == [
        ("云岭乡", "县住房和城乡建设局"),
        ("城关街道", "县住房和城乡建设局"),
        ("城关街道", "县应急管理局"),
        ("青石镇", "县住房和城乡建设局"),
        ("青石镇", "县水利局"),
    ]


def test_a_village_item_links_its_departments_to_the_village_s_township():
    world = build_world()
    c = DepartmentFactory(county=world.county, name="县水利局", code="D-C")
    village = VillageFactory(township=world.t3, name="石门村")
    make_item(
        county=world.county,
        level=Level.VILLAGE,
        lead_department=world.b,
        townships=[],
        villages=[village],
        cooperations=[(c, "负责水利设施的技术指导。")],
        effective_date=datetime.date(2024, 1, 1),
    )

    links = item_links(world.county, *PERIOD)

    assert {(d, t) for d, t in links if t == world.t3.pk} == {
        (world.a.pk, world.t3.pk),
        (world.b.pk, world.t3.pk),
        (c.pk, world.t3.pk),
    }
