"""A small county for the admission flow: one department, three townships, the office."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from organisations.models import Role
from tests.factories import (
    SAFETY_LAW,
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    category_of,
    user_with_role,
)
from workflow.flows import ChangeRequestFlow

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


@pytest.fixture
def county_world(db):
    return build_county_world()


def build_county_world() -> SimpleNamespace:
    """清河县 with 县住房和城乡建设局 (its staff member files), three townships with a head
    each, the county office, and 白沙县 with its office and a township head."""
    county = CountyFactory(name="清河县")
    department = DepartmentFactory(county=county, name="县住房和城乡建设局")
    townships = [
        TownshipFactory(county=county, name=name, code=f"T-{index}")
        for index, name in enumerate(["城关街道", "青石镇", "云岭乡"])
    ]
    other_county = CountyFactory(name="白沙县")
    other_township = TownshipFactory(county=other_county, name="沙湾街道")
    return SimpleNamespace(
        county=county,
        department=department,
        townships=townships,
        staff=user_with_role(Role.DEPARTMENT_STAFF, department, display_name="王晓燕"),
        office=user_with_role(Role.COUNTY_OFFICE, county, display_name="周建华"),
        heads=[
            user_with_role(Role.TOWNSHIP_HEAD, township, display_name=f"{township.name}负责人")
            for township in townships
        ],
        other_county=other_county,
        other_office=user_with_role(Role.COUNTY_OFFICE, other_county),
        other_head=user_with_role(Role.TOWNSHIP_HEAD, other_township),
    )


def add_fields(county, **overrides) -> dict:
    """The item fields of a typical add request in ``county`` (with its 配套保障)."""
    values = {
        "title": "燃气安全入户排查",
        "duty_type": "cooperating",
        "department_responsibilities": "负责燃气安全监管和隐患整改执法。",
        "local_responsibilities": "配合开展入户排查，发现隐患及时报告。",
        "basis": "《城镇燃气管理条例》",
        "funding_amount": Decimal("2"),
        "funding_source": "县财政排查经费",
        "staffing": "无",
        "equipment": "无",
        "effective_date": datetime.date(2026, 1, 1),
    }
    if "category" not in overrides:
        values["category"] = category_of(county, SAFETY_LAW)
    values.update(overrides)
    return values


def open_task(process, node_name: str, **data) -> Task:
    """The one open task of ``node_name`` of a process (optionally for a party)."""
    node = getattr(ChangeRequestFlow, node_name)
    tasks = Task.objects.filter(process=process, flow_task=node, status__in=OPEN)
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    return tasks.get()
