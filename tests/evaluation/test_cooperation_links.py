"""Cooperating departments (协同部门) and village items link departments to townships
like lead departments do: a cooperating department and the townships its item applies
to rate each other (link kind 协同事项), and an item of a village list links its
departments to the village's township."""

import datetime

import pytest

from duty_lists.models import Level
from evaluation.links import DOMAIN_SOURCES, linked_pairs
from evaluation.models import LinkKind
from tests.evaluation.round_world import PERIOD, build_world
from tests.factories import DepartmentFactory, VillageFactory, make_item

pytestmark = pytest.mark.django_db


def named(world, links) -> dict[tuple[str, str], tuple[str, ...]]:
    departments = {d.pk: d.name for d in world.county.departments.all()}
    townships = {t.pk: t.name for t in world.county.townships.all()}
    return {(departments[d], townships[t]): kinds for (d, t), kinds in links.items()}


def test_a_cooperating_department_is_linked_to_the_townships_of_its_items():
    world = build_world()
    water = DepartmentFactory(county=world.county, name="县水利局", code="D-C")
    # 住建局 (A) leads an item for 青石镇 only; 水利局 works on it.
    make_item(
        county=world.county,
        lead_department=world.a,
        townships=[world.t2],
        cooperations=[(water, "负责水利设施的技术指导。")],
        effective_date=datetime.date(2024, 1, 1),
    )

    links = linked_pairs(
        county=world.county,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        sources=DOMAIN_SOURCES,
    )

    assert named(world, links) == {
        ("县住房和城乡建设局", "城关街道"): (LinkKind.ITEM,),
        ("县住房和城乡建设局", "青石镇"): (LinkKind.ITEM,),
        ("县住房和城乡建设局", "云岭乡"): (LinkKind.ITEM,),
        ("县应急管理局", "城关街道"): (LinkKind.ITEM,),
        ("县水利局", "青石镇"): (LinkKind.COOPERATION,),
    }


def test_a_village_item_links_its_departments_to_the_village_s_township():
    world = build_world()
    water = DepartmentFactory(county=world.county, name="县水利局", code="D-C")
    village = VillageFactory(township=world.t3, name="石门村")
    make_item(
        county=world.county,
        level=Level.VILLAGE,
        lead_department=world.b,
        townships=[],
        villages=[village],
        cooperations=[(water, "负责水利设施的技术指导。")],
        effective_date=datetime.date(2024, 1, 1),
    )

    links = linked_pairs(
        county=world.county,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        sources=DOMAIN_SOURCES,
    )

    assert {pair: kinds for pair, kinds in named(world, links).items() if pair[1] == "云岭乡"} == {
        ("县住房和城乡建设局", "云岭乡"): (LinkKind.ITEM,),
        ("县应急管理局", "云岭乡"): (LinkKind.ITEM,),
        ("县水利局", "云岭乡"): (LinkKind.COOPERATION,),
    }
