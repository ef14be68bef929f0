"""Deputies (委托): a head names a colleague who holds its task rights for that unit for
a period; the rights start and end with the period, and only there."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from organisations import deputies
from organisations import permissions as org_permissions
from organisations.models import Deputyship, Role, Township
from tests.factories import CountyFactory, DepartmentFactory, TownshipFactory, user_with_role

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def unit():
    county = CountyFactory()
    township = TownshipFactory(county=county, name="城关街道")
    other = TownshipFactory(county=county, name="青石镇")
    department = DepartmentFactory(county=county)
    return {
        "township": township,
        "other": other,
        "head": user_with_role(Role.TOWNSHIP_HEAD, township, username="head"),
        "staff": user_with_role(Role.TOWNSHIP_STAFF, township, username="staff"),
        "other_staff": user_with_role(Role.TOWNSHIP_STAFF, other, username="other_staff"),
        "department": department,
        "dept_head": user_with_role(Role.DEPARTMENT_HEAD, department, username="dept_head"),
        "dept_staff": user_with_role(Role.DEPARTMENT_STAFF, department, username="dept_staff"),
    }


def fresh(user):
    org_permissions.forget_unit_scope(user)
    return user


def acts_for(user, township) -> bool:
    return org_permissions.holds_on_pk(
        fresh(user), "organisations.act_for_township", Township, township.pk
    )


def test_deputy_holds_the_head_s_rights_during_the_period_only(unit, monkeypatch):
    now = timezone.now()
    deputyship = deputies.deputyship_set(
        actor=unit["head"],
        unit=unit["township"],
        deputy=unit["staff"],
        starts_at=now + HOUR,
        ends_at=now + 3 * HOUR,
        reason="外出学习",
    )
    assert acts_for(unit["staff"], unit["township"]) is False  # not yet

    monkeypatch.setattr(timezone, "now", lambda: now + 2 * HOUR)
    assert acts_for(unit["staff"], unit["township"]) is True
    # Only for that unit, and the head keeps its own rights.
    assert acts_for(unit["staff"], unit["other"]) is False
    assert acts_for(unit["head"], unit["township"]) is True

    monkeypatch.setattr(timezone, "now", lambda: now + 3 * HOUR)
    assert acts_for(unit["staff"], unit["township"]) is False  # ended with the period
    assert deputyship.history.count() == 1
    assert deputyship.history.first().history_change_reason == "设置代理人：外出学习"


def test_ending_early_ends_the_rights(unit):
    now = timezone.now()
    deputyship = deputies.deputyship_set(
        actor=unit["head"],
        unit=unit["township"],
        deputy=unit["staff"],
        starts_at=now - HOUR,  # counts from now
        ends_at=now + HOUR,
        reason="休假",
    )
    assert deputyship.starts_at >= now
    assert acts_for(unit["staff"], unit["township"]) is True
    deputies.deputyship_end(actor=unit["head"], deputyship_id=deputyship.pk)
    assert acts_for(unit["staff"], unit["township"]) is False
    deputyship.refresh_from_db()
    assert deputyship.ended_at is not None
    assert [h.history_change_reason for h in deputyship.history.order_by("history_id")] == [
        "设置代理人：休假",
        "提前结束委托",
    ]
    with pytest.raises(ValidationError) as error:
        deputies.deputyship_end(actor=unit["head"], deputyship_id=deputyship.pk)
    assert error.value.message_dict == {"deputyship": ["该委托已经结束。"]}


def test_only_a_head_sets_a_deputy_and_only_from_its_unit(unit):
    now = timezone.now()
    period = {"starts_at": now, "ends_at": now + HOUR, "reason": "休假"}
    with pytest.raises(PermissionDenied):
        deputies.deputyship_set(
            actor=unit["staff"], unit=unit["township"], deputy=unit["head"], **period
        )
    with pytest.raises(ValidationError) as error:
        deputies.deputyship_set(
            actor=unit["head"], unit=unit["township"], deputy=unit["other_staff"], **period
        )
    assert error.value.message_dict == {"deputy": ["代理人须是城关街道的其他在岗人员。"]}
    with pytest.raises(ValidationError) as error:
        deputies.deputyship_set(
            actor=unit["head"],
            unit=unit["township"],
            deputy=unit["staff"],
            starts_at=now,
            ends_at=now - HOUR,
            reason="\u200b ",
        )
    assert error.value.message_dict == {
        "reason": ["请填写委托事由。"],
        "ends_at": ["结束时间须晚于开始时间和当前时间。"],
    }
    with pytest.raises(ValidationError) as error:
        deputies.deputyship_set(
            actor=unit["head"],
            unit=unit["township"],
            deputy=unit["staff"],
            starts_at=now,
            ends_at=now + datetime.timedelta(days=181),
            reason="长期",
        )
    assert error.value.message_dict == {"ends_at": ["委托期限最长 180 天。"]}
    assert Deputyship.objects.count() == 0


def test_only_the_principal_ends_it(unit):
    now = timezone.now()
    deputyship = deputies.deputyship_set(
        actor=unit["head"],
        unit=unit["township"],
        deputy=unit["staff"],
        starts_at=now,
        ends_at=now + HOUR,
        reason="休假",
    )
    with pytest.raises(PermissionDenied):
        deputies.deputyship_end(actor=unit["staff"], deputyship_id=deputyship.pk)
    deputyship.refresh_from_db()
    assert deputyship.ended_at is None


def test_department_head_deputy_submits_score_sheets_like_the_head(unit):
    from evaluation.models import ScoreSheet
    from evaluation.permissions import can_submit_sheet

    sheet = ScoreSheet(rater_department=unit["department"])
    assert can_submit_sheet(unit["dept_staff"], sheet) is False
    now = timezone.now()
    deputies.deputyship_set(
        actor=unit["dept_head"],
        unit=unit["department"],
        deputy=unit["dept_staff"],
        starts_at=now,
        ends_at=now + HOUR,
        reason="出差",
    )
    assert can_submit_sheet(unit["dept_staff"], sheet) is True


def test_scope_is_still_read_in_one_query(unit, django_assert_num_queries):
    now = timezone.now()
    deputies.deputyship_set(
        actor=unit["head"],
        unit=unit["township"],
        deputy=unit["staff"],
        starts_at=now,
        ends_at=now + HOUR,
        reason="休假",
    )
    staff = fresh(unit["staff"])
    with django_assert_num_queries(1):
        ids = org_permissions.unit_scope(staff).ids(Township, "act_for_township")
    assert ids == {unit["township"].pk}
