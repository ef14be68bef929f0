"""Each list level has its own gatekeeper (DESIGN §8): the county names a reviewing
department for the village (村(社区)) list and the grid list in its 流程设置; a request
for that list is reviewed, proposed on (拟办意见) and put before the leadership (审定批次)
by that department's users, not by the county office; the township list, and a level
without a reviewing department, stay with the county office."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from viewflow.workflow.models import Task

from arbitration.models import DecisionBatch, Ruling
from duty_lists.models import DutyItem
from organisations.models import Role
from tests.decisions import decide, prepare, published_reason, record
from tests.factories import CountyFactory, DepartmentFactory, user_with_role
from workflow import batch_selectors, services
from workflow.flows import ChangeRequestFlow
from workflow.models import (
    ChangeKind,
    ChangeRequestProcess,
    ConsultationAnswer,
    CountyWorkflowSettings,
    Notification,
    Outcome,
)
from workflow.permissions import change_requests_visible_to, queued_tasks

from .conftest import add_fields, open_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels(county_world):
    """清河县 names 县委社会工作部 for the village list and 县社会治理中心 (网格化工作机构)
    for the grid list; each has a staff user. 白沙县 has its own 社会工作部."""
    world = county_world
    social = DepartmentFactory(county=world.county, name="县委社会工作部")
    grid_office = DepartmentFactory(county=world.county, name="县社会治理中心")
    settings = CountyWorkflowSettings(
        county=world.county, village_list_reviewer=social, grid_list_reviewer=grid_office
    )
    settings.full_clean()
    settings.save()
    other_social = DepartmentFactory(county=world.other_county, name="白沙县委社会工作部")
    return SimpleNamespace(
        **vars(world),
        social=social,
        grid_office=grid_office,
        social_staff=user_with_role(Role.DEPARTMENT_STAFF, social, display_name="社工部经办"),
        grid_staff=user_with_role(Role.DEPARTMENT_STAFF, grid_office, display_name="网格中心"),
        other_social_staff=user_with_role(Role.DEPARTMENT_STAFF, other_social),
    )


def file_for(world, level, *, title="村级燃气安全宣传"):
    return services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.ADD,
        level=level,
        department=world.department,
        fields=add_fields(world.county, title=title),
        target_townships=world.townships,
        reasons="村(社区)需要配合宣传。",
    )


def reviewer_of(world, level):
    return {"village": world.social_staff, "grid": world.grid_staff}[level]


def task_state(process):
    return sorted(
        Task.objects.filter(process_id=process.pk).values_list("pk", "status", "owner_id")
    )


def queue_of(user):
    tasks = ChangeRequestFlow.task_class._default_manager.all()
    return list(queued_tasks(user, tasks, flow_class=ChangeRequestFlow))


@pytest.mark.parametrize(("level", "department"), [("village", "social"), ("grid", "grid_office")])
def test_the_levels_reviewer_gets_the_review_task(levels, level, department):
    process = file_for(levels, level)

    reviewer = getattr(levels, department)
    task = open_task(process, "review")
    assert process.reviewing_department == reviewer
    assert (task.owner_permission, task.owner_permission_obj_pk) == (
        "organisations.act_for_department",
        str(reviewer.pk),
    )
    assert queue_of(reviewer_of(levels, level)) == [task]
    assert queue_of(levels.office) == []
    assert queue_of(levels.staff) == []
    notified = Notification.objects.filter(subject__startswith="待审查").values_list(
        "recipient__username", flat=True
    )
    assert list(notified) == [reviewer_of(levels, level).username]


def test_the_township_list_stays_with_the_county_office(levels):
    process = file_for(levels, "township", title="燃气安全入户排查")

    task = open_task(process, "review")
    assert process.reviewing_department is None
    assert (task.owner_permission, task.owner_permission_obj_pk) == (
        "organisations.arbitrate_county",
        str(levels.county.pk),
    )
    assert queue_of(levels.office) == [task]
    assert queue_of(levels.social_staff) == []


def test_a_level_without_a_reviewing_department_goes_to_the_county_office(levels):
    settings = CountyWorkflowSettings.objects.get(county=levels.county)
    settings.grid_list_reviewer = None
    settings.save()

    process = file_for(levels, "grid")

    assert process.reviewing_department is None
    services.change_request_review(
        actor=levels.office, task_id=open_task(process, "review").pk, decision="forward"
    )
    assert open_task(process, "consult", township=levels.townships[0].pk).status == "NEW"


DENIED_REVIEW = ["office", "staff", "grid_staff", "heads", "other_office", "other_social_staff"]


def _user(world, key):
    return world.heads[0] if key == "heads" else getattr(world, key)


@pytest.mark.parametrize("who", DENIED_REVIEW)
def test_nobody_but_the_village_reviewer_may_review(levels, who):
    process = file_for(levels, "village")
    before = task_state(process)

    with pytest.raises(PermissionDenied):
        services.change_request_review(
            actor=_user(levels, who), task_id=open_task(process, "review").pk, decision="forward"
        )

    assert task_state(process) == before
    process.refresh_from_db()
    assert process.review_decision == ""


def _to_proposal(world):
    """A village request the reviewer forwarded; 城关街道 contests, the others accept."""
    process = file_for(world, "village")
    services.change_request_review(
        actor=world.social_staff, task_id=open_task(process, "review").pk, decision="forward"
    )
    for index, township in enumerate(world.townships):
        answer = ConsultationAnswer.CONTEST if index == 0 else ConsultationAnswer.ACCEPT
        services.consultation_answer(
            actor=world.heads[index],
            task_id=open_task(process, "consult", township=township.pk).pk,
            answer=answer,
            reason="村里没有人手。" if index == 0 else "",
        )
    return process


def _propose(world, actor, process):
    return services.change_request_rule(
        actor=actor,
        task_id=open_task(process, "arbitrate").pk,
        decisions={f"township:{world.townships[0].pk}": "admit_amended"},
        reasoning="经协调，村(社区)只负责宣传。",
        amendments={"local_responsibilities": "村(社区)负责张贴宣传材料。"},
    )


@pytest.mark.parametrize("who", DENIED_REVIEW)
def test_nobody_but_the_village_reviewer_may_propose(levels, who):
    process = _to_proposal(levels)
    before = task_state(process)

    with pytest.raises(PermissionDenied):
        _propose(levels, _user(levels, who), process)

    assert task_state(process) == before
    assert Ruling.objects.count() == 0


def test_the_village_reviewer_reviews_proposes_and_records_the_decision(levels):
    process = _to_proposal(levels)
    # The contest reaches the village list's reviewer and the filer, not the county office.
    contest_notices = Notification.objects.filter(subject__contains="提出异议")
    assert sorted(n.recipient.pk for n in contest_notices) == sorted(
        [levels.social_staff.pk, levels.staff.pk]
    )

    ruling = _propose(levels, levels.social_staff, process)

    assert ruling.ruled_by == levels.social_staff
    assert list(batch_selectors.requests_awaiting_decision(levels.social_staff)) == [process]
    assert list(batch_selectors.requests_awaiting_decision(levels.office)) == []
    with pytest.raises(PermissionDenied):
        prepare(levels.office, process)
    batch = prepare(levels.social_staff, process)
    assert batch.reviewing_department == levels.social
    assert list(batch_selectors.batches_visible_to(levels.social_staff)) == [batch]
    assert list(batch_selectors.batches_visible_to(levels.grid_staff)) == []
    # The county office oversees every batch of its county; it does not record this one.
    assert list(batch_selectors.batches_visible_to(levels.office)) == [batch]
    with pytest.raises(PermissionDenied):
        record(levels.office, batch)
    with pytest.raises(PermissionDenied):
        record(levels.grid_staff, batch)
    assert DutyItem.objects.count() == 0

    record(levels.social_staff, batch)

    process.refresh_from_db()
    assert process.outcome == Outcome.PUBLISHED
    item = process.published_item
    assert (item.duty_list.level, item.local_responsibilities) == (
        "village",
        "村(社区)负责张贴宣传材料。",
    )
    history = item.history.get()
    assert history.history_user == levels.social_staff
    assert history.history_change_reason == published_reason(process)
    batch.refresh_from_db()
    assert batch.recorded_by == levels.social_staff


def test_a_batch_holds_the_requests_of_one_reviewing_unit(levels):
    village = file_for(levels, "village")
    township = file_for(levels, "township", title="燃气安全入户排查")
    for process, reviewer in ((village, levels.social_staff), (township, levels.office)):
        services.change_request_review(
            actor=reviewer, task_id=open_task(process, "review").pk, decision="forward"
        )
        for index, party in enumerate(levels.townships):
            services.consultation_answer(
                actor=levels.heads[index],
                task_id=open_task(process, "consult", township=party.pk).pk,
                answer=ConsultationAnswer.ACCEPT,
            )

    for reviewer in (levels.office, levels.social_staff):
        with pytest.raises(ValidationError) as refused:
            prepare(reviewer, village, township)
        assert refused.value.message_dict == {
            "requests": ["同一审定批次只能包含由同一审查单位办理的申请（县委编办或同一审查部门）。"]
        }
    assert DecisionBatch.objects.count() == 0

    decide(levels.office, township)
    decide(levels.social_staff, village)
    recorded = {
        item.duty_list.level: item.history.get().history_user for item in DutyItem.objects.all()
    }
    assert recorded == {"township": levels.office, "village": levels.social_staff}


def test_the_reviewer_sees_the_requests_it_reviews_only(levels):
    village = file_for(levels, "village")
    grid = file_for(levels, "grid")
    township = file_for(levels, "township", title="燃气安全入户排查")

    assert set(change_requests_visible_to(levels.social_staff)) == {village}
    assert set(change_requests_visible_to(levels.grid_staff)) == {grid}
    assert set(change_requests_visible_to(levels.office)) == {village, grid, township}
    assert set(change_requests_visible_to(levels.other_social_staff)) == set()


def test_the_reviewing_department_must_belong_to_the_county(levels):
    settings = CountyWorkflowSettings.objects.get(county=levels.county)
    settings.village_list_reviewer = DepartmentFactory(county=CountyFactory())

    with pytest.raises(ValidationError) as refused:
        settings.full_clean()

    assert refused.value.message_dict == {
        "village_list_reviewer": ["村(社区)清单审查单位应为本县部门。"]
    }


def test_the_request_keeps_its_reviewer_when_the_setting_changes(levels):
    process = file_for(levels, "village")
    settings = CountyWorkflowSettings.objects.get(county=levels.county)
    settings.village_list_reviewer = None
    settings.save()

    with pytest.raises(PermissionDenied):
        services.change_request_review(
            actor=levels.office, task_id=open_task(process, "review").pk, decision="forward"
        )
    services.change_request_review(
        actor=levels.social_staff, task_id=open_task(process, "review").pk, decision="forward"
    )
    assert ChangeRequestProcess.objects.get(pk=process.pk).review_decision == "forward"


def _waiting_village_request(world):
    process = file_for(world, "village")
    services.change_request_review(
        actor=world.social_staff, task_id=open_task(process, "review").pk, decision="forward"
    )
    for index, township in enumerate(world.townships):
        services.consultation_answer(
            actor=world.heads[index],
            task_id=open_task(process, "consult", township=township.pk).pk,
            answer=ConsultationAnswer.ACCEPT,
        )
    return process


def test_the_village_reviewer_prepares_its_batch_on_the_decisions_pages(client, levels):
    process = _waiting_village_request(levels)

    client.force_login(levels.office)
    office_page = client.get(reverse("decisions:index"))
    refused = client.post(
        reverse("decisions:new"), {"title": "村级第一批", "requests": [process.pk]}
    )
    client.force_login(levels.social_staff)
    page = client.get(reverse("decisions:index"))
    response = client.post(
        reverse("decisions:new"), {"title": "村级第一批", "requests": [process.pk]}
    )

    assert office_page.context["waiting"] == []
    # The county office is offered no village request: the choice is refused as invalid.
    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["requests"]
    assert (page.context["may_prepare"], page.context["waiting"]) == (True, [process])
    batch = DecisionBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("decisions:detail", args=[batch.pk])
    assert (batch.reviewing_department, batch.prepared_by) == (levels.social, levels.social_staff)
    detail = client.get(response.url)
    assert detail.context["may_upload"] is True


@pytest.mark.parametrize("who", ["grid_staff", "heads", "staff"])
def test_others_may_not_open_the_prepare_page(client, levels, who):
    _waiting_village_request(levels)
    client.force_login(_user(levels, who))

    assert client.get(reverse("decisions:new")).status_code == 403
