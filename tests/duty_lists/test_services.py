"""The write services of the duty lists: one history record per change, clean refusals."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from duty_lists import services
from duty_lists.models import Category, DutyItem, DutyType, ItemStatus, Level
from organisations.models import Role
from tests.factories import (
    SAFETY_LAW,
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    county_office_user,
    make_item,
    user_with_role,
)

pytestmark = pytest.mark.django_db

HistoricalDutyItem = DutyItem.history.model
HistoricalTownshipRow = HistoricalDutyItem._meta.get_field(
    "historicaldutyitem_townships"
).related_model


def row_counts() -> dict[str, int]:
    """Rows of every table the services write."""
    return {
        "items": DutyItem.objects.count(),
        "applicability": DutyItem.townships.through.objects.count(),
        "history": HistoricalDutyItem.objects.count(),
        "history_townships": HistoricalTownshipRow.objects.count(),
    }


def state(item: DutyItem) -> dict:
    """The stored state of ``item`` (fields and applicability)."""
    item = DutyItem.objects.get(pk=item.pk)
    return {
        "title": item.title,
        "lead_department_id": item.lead_department_id,
        "applies_to_all": item.applies_to_all,
        "status": item.status,
        "withdrawn_date": item.withdrawn_date,
        "townships": sorted(item.townships.values_list("pk", flat=True)),
    }


@pytest.fixture
def county():
    return CountyFactory()


@pytest.fixture
def office(county):
    return county_office_user(county, display_name="王编办")


def test_create_writes_the_item_and_one_history_record(county, office):
    east, west = TownshipFactory(county=county), TownshipFactory(county=county)

    item = make_item(county=county, townships=[east, west], actor=office, reason="准入通过")

    record = HistoricalDutyItem.objects.get(id=item.pk)
    assert record.history_type == "+"
    assert record.history_user == office
    assert record.history_change_reason == "准入通过"
    assert record.applies_to_all is False
    assert sorted(record.townships.values_list("township_id", flat=True)) == [east.pk, west.pk]
    assert sorted(item.townships.values_list("pk", flat=True)) == [east.pk, west.pk]
    assert item.duty_list.county == county
    assert item.duty_list.level == Level.TOWNSHIP


def test_amend_writes_one_record_with_fields_and_applicability(county, office):
    east, west = TownshipFactory(county=county), TownshipFactory(county=county)
    item = make_item(county=county, townships=[east])

    services.duty_item_amend(
        actor=office, item=item, reason="裁定调整", title="新名称", townships=[west]
    )

    records = list(HistoricalDutyItem.objects.filter(id=item.pk).order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    amended = records[1]
    assert amended.history_user == office
    assert amended.history_change_reason == "裁定调整"
    assert amended.title == "新名称"
    assert list(amended.townships.values_list("township_id", flat=True)) == [west.pk]
    assert list(records[0].townships.values_list("township_id", flat=True)) == [east.pk]
    assert state(item)["townships"] == [west.pk]


def test_amend_without_townships_keeps_applicability_in_the_record(county, office):
    east = TownshipFactory(county=county)
    item = make_item(county=county, townships=[east])

    services.duty_item_amend(actor=office, item=item, reason="改依据", basis="《新条例》")

    amended = HistoricalDutyItem.objects.filter(id=item.pk).latest()
    assert amended.basis == "《新条例》"
    assert list(amended.townships.values_list("township_id", flat=True)) == [east.pk]
    assert HistoricalDutyItem.objects.filter(id=item.pk).count() == 2


def test_withdraw_writes_one_record_with_status_and_date(county, office):
    item = make_item(county=county)

    services.duty_item_withdraw(
        actor=office, item=item, reason="上级部门收回", withdrawn_date=datetime.date(2026, 4, 1)
    )

    record = HistoricalDutyItem.objects.filter(id=item.pk).latest()
    assert HistoricalDutyItem.objects.filter(id=item.pk).count() == 2
    assert (record.history_type, record.status, record.withdrawn_date) == (
        "~",
        ItemStatus.WITHDRAWN,
        datetime.date(2026, 4, 1),
    )
    assert (record.history_user, record.history_change_reason) == (office, "上级部门收回")
    assert state(item)["status"] == ItemStatus.WITHDRAWN


def test_create_without_a_code_follows_the_list_s_pattern_level_category_number(county):
    # Two 城乡建设 items on the township list: 0002 is taken, so the count (2) gives 0003.
    make_item(county=county, code="XZ-CX-0002")
    make_item(county=county, code="XZ-ZJ-0001")  # another prefix: not counted
    make_item(county=county, code="CS-CX-0001", level=Level.VILLAGE)

    township_item = make_item(county=county, code="")
    village_item = make_item(county=county, code="  ", level=Level.VILLAGE)
    safety_item = make_item(county=county, code="", category=SAFETY_LAW)
    next_township_item = make_item(county=county, code="")

    assert (
        township_item.code,
        village_item.code,
        safety_item.code,
        next_township_item.code,
    ) == ("XZ-CX-0003", "CS-CX-0002", "XZ-PA-0001", "XZ-CX-0004")
    assert DutyItem.history.get(id=township_item.pk).code == "XZ-CX-0003"


def test_a_county_s_own_category_code_makes_its_codes(county):
    category = services.category_save(
        actor=None, category=Category(county=county, code="zj", name="住房城建")
    )

    item = make_item(county=county, code="", category=category)

    assert (category.code, item.code) == ("ZJ", "XZ-ZJ-0001")


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("unknown_field", "colour"),
        ("status_is_not_settable", "status"),
        ("missing_reason", "reason"),
        ("missing_title", "title"),
        ("bad_choice", "duty_type"),
        ("township_of_another_county", "townships"),
        ("department_of_another_county", "lead_department"),
        ("no_townships_and_not_all", "townships"),
    ],
)
def test_create_with_bad_input_names_the_field_and_writes_nothing(county, office, case, field):
    other_county = CountyFactory()
    kwargs = {
        "unknown_field": {"colour": "red"},
        "status_is_not_settable": {"status": ItemStatus.WITHDRAWN},
        "missing_reason": {"reason": ""},
        "missing_title": {"title": ""},
        "bad_choice": {"duty_type": "whatever"},
        "township_of_another_county": {"townships": [TownshipFactory(county=other_county)]},
        "department_of_another_county": {"lead_department": DepartmentFactory(county=other_county)},
        "no_townships_and_not_all": {"applies_to_all": False},
    }[case]
    services.duty_list_for(county, Level.TOWNSHIP)
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        make_item(county=county, actor=office, **kwargs)

    assert field in excinfo.value.message_dict
    assert row_counts() == before


def test_create_with_a_code_already_on_the_list_is_refused(county, office):
    make_item(county=county, code="XZ-0001")
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        make_item(county=county, code="XZ-0001", actor=office)

    assert excinfo.value.message_dict == {
        "code": ["事项编码“XZ-0001”在本清单中已经使用，请换一个编码。"]
    }
    assert row_counts() == before


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("unknown_field", "colour"),
        ("missing_reason", "reason"),
        ("township_of_another_county", "townships"),
        ("department_of_another_county", "lead_department"),
        ("no_townships_and_not_all", "townships"),
        ("empty_title", "title"),
    ],
)
def test_amend_with_bad_input_names_the_field_and_changes_nothing(county, office, case, field):
    other_county = CountyFactory()
    item = make_item(county=county)
    kwargs = {
        "unknown_field": {"colour": "red"},
        "missing_reason": {"reason": "", "title": "新名称"},
        "township_of_another_county": {
            "applies_to_all": False,
            "townships": [TownshipFactory(county=other_county)],
        },
        "department_of_another_county": {"lead_department": DepartmentFactory(county=other_county)},
        "no_townships_and_not_all": {"applies_to_all": False},
        "empty_title": {"title": ""},
    }[case]
    kwargs.setdefault("reason", "调整")
    before, stored = row_counts(), state(item)

    with pytest.raises(ValidationError) as excinfo:
        services.duty_item_amend(actor=office, item=item, **kwargs)

    assert field in excinfo.value.message_dict
    assert row_counts() == before
    assert state(item) == stored


def test_amend_of_a_withdrawn_item_is_refused(county, office):
    item = make_item(county=county)
    services.duty_item_withdraw(
        actor=office, item=item, reason="取消", withdrawn_date=datetime.date(2026, 4, 1)
    )
    before, stored = row_counts(), state(item)

    with pytest.raises(ValidationError) as excinfo:
        services.duty_item_amend(actor=office, item=item, reason="调整", title="新名称")

    assert list(excinfo.value.message_dict) == ["status"]
    assert row_counts() == before
    assert state(item) == stored


@pytest.mark.parametrize(
    ("case", "field"), [("missing_reason", "reason"), ("already_withdrawn", "status")]
)
def test_withdraw_with_bad_input_names_the_field_and_changes_nothing(county, office, case, field):
    item = make_item(county=county)
    if case == "already_withdrawn":
        services.duty_item_withdraw(
            actor=office, item=item, reason="取消", withdrawn_date=datetime.date(2026, 4, 1)
        )
    reason = "" if case == "missing_reason" else "再次取消"
    before, stored = row_counts(), state(item)

    with pytest.raises(ValidationError) as excinfo:
        services.duty_item_withdraw(
            actor=office, item=item, reason=reason, withdrawn_date=datetime.date(2026, 5, 1)
        )

    assert list(excinfo.value.message_dict) == [field]
    assert row_counts() == before
    assert state(item) == stored


def denied_actor(kind: str, county):
    other_county = CountyFactory()
    return {
        "anonymous": lambda: AnonymousUser(),
        "department_head": lambda: user_with_role(
            Role.DEPARTMENT_HEAD, DepartmentFactory(county=county)
        ),
        "township_head": lambda: user_with_role(Role.TOWNSHIP_HEAD, TownshipFactory(county=county)),
        "office_of_another_county": lambda: county_office_user(other_county),
        "admin_of_another_county": lambda: user_with_role(Role.COUNTY_ADMIN, other_county),
    }[kind]()


DENIED = [
    "anonymous",
    "department_head",
    "township_head",
    "office_of_another_county",
    "admin_of_another_county",
]


@pytest.mark.parametrize("kind", DENIED)
def test_create_by_someone_without_edit_right_is_denied(county, kind):
    actor = denied_actor(kind, county)
    services.duty_list_for(county, Level.TOWNSHIP)
    before = row_counts()

    with pytest.raises(PermissionDenied):
        make_item(county=county, actor=actor)

    assert row_counts() == before


@pytest.mark.parametrize("kind", DENIED)
def test_amend_and_withdraw_by_someone_without_edit_right_are_denied(county, kind):
    actor = denied_actor(kind, county)
    item = make_item(county=county)
    before, stored = row_counts(), state(item)

    with pytest.raises(PermissionDenied):
        services.duty_item_amend(actor=actor, item=item, reason="调整", title="新名称")
    with pytest.raises(PermissionDenied):
        services.duty_item_withdraw(
            actor=actor, item=item, reason="取消", withdrawn_date=datetime.date(2026, 4, 1)
        )

    assert row_counts() == before
    assert state(item) == stored


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICE, Role.COUNTY_ADMIN])
def test_county_office_and_administrator_may_edit(county, role):
    actor = user_with_role(role, county)

    item = make_item(county=county, actor=actor)
    services.duty_item_amend(actor=actor, item=item, reason="调整", duty_type=DutyType.BASIC)
    services.duty_item_withdraw(
        actor=actor, item=item, reason="取消", withdrawn_date=datetime.date(2026, 4, 1)
    )

    records = HistoricalDutyItem.objects.filter(id=item.pk).order_by("history_id")
    assert [(r.history_type, r.history_user_id, r.history_change_reason) for r in records] == [
        ("+", actor.pk, "测试录入"),
        ("~", actor.pk, "调整"),
        ("~", actor.pk, "取消"),
    ]
