"""A request carries the item's new fields: a department's addition states its 配套保障
(费随事转: 经费 with source and amount, 人员, 装备, "无" where there is none), and the
published item keeps the fields, its cooperating departments and its list's code
pattern."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duty_lists.models import DutyItem
from tests.decisions import decide
from tests.factories import DepartmentFactory
from workflow.models import ChangeRequestProcess, ConsultationAnswer

from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"funding_amount": None, "funding_source": "", "staffing": "", "equipment": ""},
            {
                "funding_source": ["请填写经费来源；没有配套经费的填“无”（费随事转）。"],
                "staffing": ["请填写人员保障；没有配套人员的填“无”（费随事转）。"],
                "equipment": ["请填写装备保障；没有配套装备的填“无”（费随事转）。"],
            },
        ),
        (
            {"funding_amount": None},
            {"funding_amount": ["请填写经费金额(万元)；没有配套经费的经费来源填“无”。"]},
        ),
        (
            {"funding_source": "无"},
            {"funding_amount": ["经费来源为“无”时不应填写经费金额。"]},
        ),
    ],
)
def test_a_department_s_addition_states_its_resources(county_world, fields, errors):
    with pytest.raises(ValidationError) as refused:
        file_add(county_world, **fields)

    assert refused.value.message_dict == errors
    assert not ChangeRequestProcess.objects.exists()


def test_none_stated_explicitly_is_accepted(county_world):
    process = file_add(
        county_world, funding_amount=None, funding_source="无", staffing="无", equipment="无"
    )

    assert (process.funding_source, process.funding_amount, process.staffing) == ("无", None, "无")


def test_the_published_item_keeps_the_new_fields_and_the_list_s_code_pattern(county_world):
    world = county_world
    cooperating = DepartmentFactory(county=world.county, name="县应急管理局")
    fields = {
        "cooperation": [(cooperating, "负责燃气事故的应急处置协调。")],
        "accountability": "发现隐患未报告造成后果的。",
        "exemption": "已按规定报告的。",
        "work_requirements": "每季度排查一次。",
        "remarks": "与消防检查同步开展。",
        "guidance_code": "ZJ-GD-0031",
    }
    process = file_add(world, **fields)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    decide(world.office, process)
    item = DutyItem.objects.get()

    assert item.code == "XZ-PA-0001"
    assert (
        item.accountability,
        item.exemption,
        item.work_requirements,
        item.remarks,
        item.guidance_code,
    ) == tuple(fields[name] for name in list(fields)[1:])
    assert (item.funding_amount, item.funding_source, item.staffing, item.equipment) == (
        Decimal("2.00"),
        "县财政排查经费",
        "无",
        "无",
    )
    assert item.primary_responsibility == "department"
    assert [(c.department, c.responsibilities) for c in item.cooperations.all()] == [
        (cooperating, "负责燃气事故的应急处置协调。")
    ]
    assert DutyItem.objects.count() == 1
