"""Releases (发布版本): numbered publications of a list under a 文号, each naming the
items it added, amended or withdrew and the history record of each."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duty_lists import services
from duty_lists.models import DutyItem, Level, Release, ReleaseChange
from organisations.models import Role
from tests.factories import CountyFactory, county_office_user, make_item, user_with_role

pytestmark = pytest.mark.django_db

HistoricalDutyItem = DutyItem.history.model
DECIDED = datetime.date(2026, 3, 2)


@pytest.fixture
def county():
    return CountyFactory()


@pytest.fixture
def office(county):
    return county_office_user(county)


def publish(actor, duty_list, items, number="清委办发〔2026〕12号"):
    return services.release_publish(
        actor=actor,
        duty_list=duty_list,
        items=items,
        document_number=number,
        decided_by="县委常委会",
        decided_on=DECIDED,
        effective_date=DECIDED,
    )


def kinds(release) -> dict[str, str]:
    return {change.item.code: change.kind for change in release.changes.select_related("item")}


def test_first_release_adds_every_item_with_its_current_record(county, office):
    first, second = make_item(county=county), make_item(county=county)
    duty_list = first.duty_list

    release = publish(office, duty_list, [first, second])

    assert (release.number, release.document_number, release.published_by) == (
        1,
        "清委办发〔2026〕12号",
        office,
    )
    assert kinds(release) == {first.code: "added", second.code: "added"}
    latest = HistoricalDutyItem.objects.get(id=first.pk).history_id
    assert release.changes.get(item=first).history_id == latest


def test_later_release_tells_amended_withdrawn_and_added_apart(county, office):
    kept, dropped = make_item(county=county), make_item(county=county)
    duty_list = kept.duty_list
    publish(office, duty_list, [kept, dropped])
    services.duty_item_amend(actor=office, item=kept, reason="修改", title="新名称")
    services.duty_item_withdraw(
        actor=office, item=dropped, reason="取消", withdrawn_date=datetime.date(2026, 6, 1)
    )
    new = make_item(county=county)

    release = publish(office, duty_list, [kept, dropped, new], number="清委办发〔2026〕20号")

    assert release.number == 2
    assert kinds(release) == {kept.code: "amended", dropped.code: "withdrawn", new.code: "added"}


def test_bad_release_names_each_field_and_writes_nothing(county, office):
    item = make_item(county=county)
    other_list = services.duty_list_for(county, Level.VILLAGE)

    with pytest.raises(ValidationError) as raised:
        services.release_publish(
            actor=office,
            duty_list=other_list,
            items=[item],
            document_number="  ",
            decided_by="",
            decided_on=None,
            effective_date=None,
        )

    assert raised.value.message_dict == {
        "document_number": ["请填写文号。"],
        "decided_by": ["请填写审定机关。"],
        "decided_on": ["请填写审定日期。"],
        "effective_date": ["请填写生效日期。"],
        "items": ["发布版本只能包含本清单的事项。"],
    }
    assert (Release.objects.count(), ReleaseChange.objects.count()) == (0, 0)


def test_department_user_may_not_publish_a_release(county):
    item = make_item(county=county)
    staff = user_with_role(Role.DEPARTMENT_STAFF, item.lead_department)

    with pytest.raises(PermissionDenied):
        publish(staff, item.duty_list, [item])

    assert Release.objects.count() == 0
