"""The fields of an item as real lists carry them: cooperating departments with their
duties, 主体责任, item kinds and duty types per level, categories per county (two
levels, seeded with the eight), 配套保障, temporary items; through the services and
the pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from duty_lists import services
from duty_lists.models import (
    DEFAULT_CATEGORIES,
    Category,
    DutyItem,
    DutyItemCooperation,
    Level,
    PrimaryResponsibility,
)
from duty_lists.snapshots import HistoricalDutyItemCooperation
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    category_of,
    county_office_user,
    make_item,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    county = CountyFactory(name="清河县")
    return type(
        "World",
        (),
        {
            "county": county,
            "zjj": DepartmentFactory(county=county, name="县住房和城乡建设局"),
            "yjj": DepartmentFactory(county=county, name="县应急管理局"),
            "sl": DepartmentFactory(county=county, name="县水利局"),
            "township": TownshipFactory(county=county, name="城关街道"),
            "office": county_office_user(county, display_name="王编办"),
        },
    )


def test_a_county_s_first_list_brings_the_eight_default_categories(world):
    services.duty_list_for(world.county, Level.TOWNSHIP)
    services.duty_list_for(world.county, Level.VILLAGE)

    categories = Category.objects.filter(county=world.county).order_by("position")
    assert [(c.code, c.name, c.parent_id) for c in categories] == [
        (code, name, None) for code, name in DEFAULT_CATEGORIES
    ]
    assert categories.first().history.get().history_change_reason == "默认领域类别"


def test_categories_have_two_levels_at_most_and_stay_in_their_county(world):
    admin = user_with_role(Role.COUNTY_ADMIN, world.county)
    public = category_of(world.county, "GG")
    education = services.category_save(
        actor=admin,
        category=Category(county=world.county, parent=public, code="jy", name="教育"),
    )
    other_county = category_of(CountyFactory())

    with pytest.raises(ValidationError) as third_level:
        services.category_save(
            actor=admin,
            category=Category(county=world.county, parent=education, code="XQ", name="学前"),
        )
    with pytest.raises(ValidationError) as foreign:
        services.category_save(
            actor=admin,
            category=Category(county=world.county, parent=other_county, code="XX", name="某类"),
        )
    with pytest.raises(PermissionDenied):
        services.category_save(
            actor=user_with_role(Role.DEPARTMENT_HEAD, world.zjj),
            category=Category(county=world.county, code="QT", name="其他"),
        )

    assert (education.code, education.full_name) == ("JY", "公共服务／教育")
    assert third_level.value.message_dict == {"parent": ["类别最多两级：上级类别应为一级类别。"]}
    assert foreign.value.message_dict == {"parent": ["上级类别应为本县的类别。"]}
    assert not Category.objects.filter(code__in=["XQ", "XX", "QT"]).exists()
    item = make_item(county=world.county, code="", category=education)
    assert item.code == "XZ-JY-0001"


def test_cooperating_departments_are_kept_with_their_duties_and_in_the_history(world):
    item = make_item(
        county=world.county,
        lead_department=world.zjj,
        cooperations=[(world.yjj, "负责燃气事故的应急处置协调。"), (world.sl, "负责水源保护。")],
    )

    services.duty_item_amend(
        actor=world.office,
        item=item,
        reason="调整协同部门",
        cooperations=[(world.sl, "负责水源保护和供水保障。")],
    )

    rows = DutyItemCooperation.objects.filter(item=item).order_by("position")
    assert [(r.department.name, r.responsibilities, r.position) for r in rows] == [
        ("县水利局", "负责水源保护和供水保障。", 1)
    ]
    first, second = item.history.order_by("history_id")

    def kept(record):
        rows = HistoricalDutyItemCooperation.objects.filter(history=record).order_by("position")
        return [(row.department_id, row.responsibilities) for row in rows]

    assert kept(first) == [
        (world.yjj.pk, "负责燃气事故的应急处置协调。"),
        (world.sl.pk, "负责水源保护。"),
    ]
    assert kept(second) == [(world.sl.pk, "负责水源保护和供水保障。")]
    assert second.history_change_reason == "调整协同部门"


@pytest.mark.parametrize(
    ("cooperations", "message"),
    [
        ("lead", "牵头部门“县住房和城乡建设局”不能同时是协同部门。"),
        ("twice", "协同部门“县应急管理局”重复。"),
        ("no duties", "请填写协同部门“县应急管理局”的协同职责。"),
    ],
)
def test_bad_cooperating_departments_are_refused_by_name(world, cooperations, message):
    pairs = {
        "lead": [(world.zjj, "负责监管。")],
        "twice": [(world.yjj, "负责应急。"), (world.yjj, "负责协调。")],
        "no duties": [(world.yjj, "   ")],
    }[cooperations]
    before = DutyItem.objects.count()

    with pytest.raises(ValidationError) as refused:
        make_item(county=world.county, lead_department=world.zjj, cooperations=pairs)

    assert refused.value.message_dict == {"cooperating_departments": [message]}
    assert DutyItem.objects.count() == before


@pytest.mark.parametrize(
    ("level", "fields", "errors"),
    [
        (
            Level.TOWNSHIP,
            {"item_kind": "certificate"},
            {
                "item_kind": [
                    "乡镇(街道)清单没有“证明事项”这类事项（证明事项、机制牌子只列入村(社区)清单）。"
                ]
            },
        ),
        (
            Level.TOWNSHIP,
            {"duty_type": "negative"},
            {"duty_type": ["乡镇(街道)清单的履职类型为基本履职、配合履职、上级部门收回。"]},
        ),
        (
            Level.GRID,
            {"duty_type": "taken_back"},
            {"duty_type": ["网格清单的履职类型为基本履职、配合履职、不应承担事项。"]},
        ),
    ],
)
def test_each_level_has_its_own_kinds_and_duty_types(world, level, fields, errors):
    with pytest.raises(ValidationError) as refused:
        make_item(county=world.county, level=level, **fields)

    assert refused.value.message_dict == errors


def test_village_lists_take_certificates_signs_and_the_negative_list(world):
    certificate = make_item(
        county=world.county, level=Level.VILLAGE, item_kind="certificate", duty_type="basic"
    )
    sign = make_item(
        county=world.county, level=Level.VILLAGE, item_kind="mechanism", duty_type="basic"
    )
    negative = make_item(county=world.county, level=Level.VILLAGE, duty_type="negative")

    assert [
        (i.get_item_kind_display(), i.get_duty_type_display())
        for i in (
            certificate,
            sign,
            negative,
        )
    ] == [("证明事项", "基本履职"), ("机制牌子", "基本履职"), ("履职事项", "不应承担事项")]


def test_primary_responsibility_follows_the_duty_type_unless_given(world):
    basic = make_item(county=world.county, duty_type="basic")
    cooperating = make_item(county=world.county, duty_type="cooperating")
    given = make_item(
        county=world.county,
        duty_type="cooperating",
        primary_responsibility=PrimaryResponsibility.LOCAL,
    )

    assert [basic.primary_responsibility, cooperating.primary_responsibility] == [
        "local",
        "department",
    ]
    assert given.primary_responsibility == "local"


def test_temporary_item_ends_on_or_after_its_effective_date(world):
    with pytest.raises(ValidationError) as refused:
        make_item(
            county=world.county,
            effective_date=datetime.date(2026, 5, 1),
            expires_on=datetime.date(2026, 4, 30),
        )

    assert refused.value.message_dict == {"expires_on": ["临时事项的有效期不能早于生效日期。"]}


def test_item_page_names_the_level_s_column_and_shows_every_field(client, world):
    item = make_item(
        county=world.county,
        lead_department=world.zjj,
        duty_type="basic",
        cooperations=[(world.yjj, "负责燃气事故的应急处置协调。")],
        accountability="发现隐患未报告造成后果的。",
        exemption="已按规定报告的。",
        work_requirements="每季度排查一次。",
        funding_amount=Decimal("2.50"),
        funding_source="县财政",
        staffing="无",
        equipment="检测仪2台",
        remarks="与消防检查同步开展。",
        guidance_code="ZJ-GD-0031",
        expires_on=datetime.date(2026, 12, 31),
    )
    client.force_login(world.office)

    page = client.get(reverse("lists:detail", kwargs={"pk": item.pk})).content.decode()

    for text in (
        '<th class="vf-list__table-header qd-label">主体责任</th><td>乡镇(街道)</td>',
        '<th class="vf-list__table-header qd-label">乡镇(街道)职责</th>',
        "县应急管理局：负责燃气事故的应急处置协调。",
        "发现隐患未报告造成后果的。",
        "已按规定报告的。",
        "每季度排查一次。",
        "与消防检查同步开展。",
        "ZJ-GD-0031",
        "有效期至 2026-12-31，到期自动取消",
        "检测仪2台",
    ):
        assert text in page, text
    assert "配合职责" not in page


def test_a_department_finds_the_items_it_leads_and_those_it_works_on(client, world):
    led = make_item(county=world.county, lead_department=world.yjj, title="森林防火巡查")
    worked_on = make_item(
        county=world.county,
        lead_department=world.zjj,
        title="燃气安全入户排查",
        cooperations=[(world.yjj, "负责燃气事故的应急处置协调。")],
    )
    make_item(county=world.county, lead_department=world.zjj, title="违法建设巡查")
    client.force_login(user_with_role(Role.DEPARTMENT_STAFF, world.yjj))

    def titles(query):
        response = client.get(reverse("lists:index"), query)
        return sorted(item.title for item in response.context["object_list"])

    assert titles({"department": world.yjj.pk}) == sorted([led.title, worked_on.title])
    assert titles({"department": world.yjj.pk, "department_role": "cooperating"}) == [
        worked_on.title
    ]
    assert titles({"lead_department": world.yjj.pk}) == [led.title]
