"""乡镇申请新增: a township head asks to add an item for its township, naming the
proposed lead department; the request is reviewed, put to that department (the
consultation of a township's request), proposed on if contested, and decided (审定)
like any request. The item then applies to that township only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from duty_lists.models import DutyItem
from organisations.models import Role
from tests.decisions import decide, published_reason
from tests.factories import DepartmentFactory, make_item, user_with_role
from workflow import services
from workflow.models import ChangeKind, ConsultationAnswer, Notification, Outcome

from .conftest import add_fields, open_task

pytestmark = pytest.mark.django_db


def file_addition(world, *, actor=None, township=None, **kwargs):
    fields = add_fields(
        world.county, title="农村集体经济组织财务公开", lead_department=world.department
    )
    fields.update(kwargs.pop("fields", {}))
    return services.change_request_file(
        actor=actor or world.heads[0],
        county=world.county,
        kind=ChangeKind.ADD,
        level="township",
        township=township or world.townships[0],
        fields=fields,
        reasons="本镇一直在承担，需要明确职责边界。",
        **kwargs,
    )


def review(world, process):
    services.change_request_review(
        actor=world.office, task_id=open_task(process, "review").pk, decision="forward"
    )


def test_township_addition_is_consulted_with_the_lead_department_and_decided(county_world):
    world = county_world
    process = file_addition(world)
    assert [n.recipient for n in Notification.objects.filter(subject__startswith="待审查")] == [
        world.office
    ]

    review(world, process)

    task = open_task(process, "consult", department=world.department.pk)
    assert task.data == {"department": world.department.pk}
    consult = Task.objects.filter(process=process, flow_task_type="HUMAN", status="NEW")
    assert [t.data for t in consult] == [{"department": world.department.pk}]
    with pytest.raises(PermissionDenied):
        services.consultation_answer(actor=world.heads[0], task_id=task.pk, answer="accept")
    services.consultation_answer(actor=world.staff, task_id=task.pk, answer="accept")
    open_task(process, "await_decision")
    assert DutyItem.objects.count() == 0

    decide(world.office, process)

    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.DONE, Outcome.PUBLISHED)
    item = process.published_item
    assert (item.title, item.lead_department, item.duty_list.level) == (
        "农村集体经济组织财务公开",
        world.department,
        "township",
    )
    assert (item.applies_to_all, list(item.townships.all())) == (False, [world.townships[0]])
    history = item.history.get()
    assert (history.history_user, history.history_change_reason) == (
        world.office,
        published_reason(process),
    )
    assert published_reason(process).endswith(
        f"新增事项申请 {process.number}（新增事项：农村集体经济组织财务公开）"
    )


def test_a_contested_township_addition_is_proposed_on_then_decided(county_world):
    world = county_world
    process = file_addition(world)
    review(world, process)
    services.consultation_answer(
        actor=world.staff,
        task_id=open_task(process, "consult", department=world.department.pk).pk,
        answer=ConsultationAnswer.CONTEST,
        reason="该事项属于农业农村局。",
    )

    services.change_request_rule(
        actor=world.office,
        task_id=open_task(process, "arbitrate").pk,
        decisions={f"department:{world.department.pk}": "reject"},
        reasoning="牵头部门不明确，另行协调。",
    )
    decide(world.office, process)

    process.refresh_from_db()
    assert (process.status, process.outcome) == (PROCESS.DONE, Outcome.REJECTED)
    assert DutyItem.objects.count() == 0


def test_a_township_addition_needs_the_proposed_lead_department(county_world):
    world = county_world

    with pytest.raises(ValidationError) as refused:
        file_addition(world, fields={"lead_department": None})

    assert refused.value.message_dict == {"lead_department": ["请选择牵头部门。"]}


def test_a_township_addition_applies_to_that_township_only(county_world):
    world = county_world

    with pytest.raises(ValidationError) as refused:
        file_addition(world, target_townships=world.townships[:2])

    assert refused.value.message_dict == {
        "target_townships": ["乡镇(街道)申请新增的事项只适用于本乡镇(街道)。"]
    }


@pytest.mark.parametrize("who", ["other_head", "township_staff", "staff", "office"])
def test_only_the_township_head_may_ask_to_add_for_it(county_world, who):
    world = county_world
    users = {
        "other_head": world.heads[1],
        "township_staff": user_with_role(Role.TOWNSHIP_STAFF, world.townships[0]),
        "staff": world.staff,
        "office": world.office,
    }

    with pytest.raises(PermissionDenied):
        file_addition(world, actor=users[who])

    assert Task.objects.count() == 0


def test_a_township_amendment_may_not_move_the_lead_department(county_world):
    world = county_world
    item = make_item(
        county=world.county, lead_department=world.department, townships=[world.townships[0]]
    )

    with pytest.raises(ValidationError) as refused:
        services.change_request_file(
            actor=world.heads[0],
            county=world.county,
            kind=ChangeKind.AMEND,
            township=world.townships[0],
            target_item=item,
            fields={"lead_department": DepartmentFactory(county=world.county)},
            reasons="应由其他部门牵头。",
        )

    assert refused.value.message_dict == {
        "lead_department": ["乡镇(街道)申请修改事项时不能更改牵头部门。"]
    }
