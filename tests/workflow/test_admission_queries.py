"""What a complete admission costs in SQL statements, and the shortcuts behind it: the
consultation schedule read once per split, rights checked on the task's stored object
in one query, timers armed and disarmed in bulk."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from organisations.models import Role
from tests.decisions import prepare, record
from tests.factories import SAFETY_LAW, TownshipFactory, category_of, user_with_role
from workflow.flows import ChangeRequestFlow
from workflow.models import ConsultationAnswer
from workflow.permissions import has_object_permission

from .conftest import open_task
from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db

PERMISSION = "organisations.act_for_township"


def tables_read(queries) -> list[str]:
    """The table after FROM of each SELECT (of a UNION: its first part's), in order."""
    tables = []
    for query in queries:
        # PostgreSQL brackets each part of a UNION: "(SELECT … FROM t …) UNION (…)".
        sql = query["sql"].replace('"', "").replace("`", "").lstrip("(")
        if sql.startswith("SELECT") and " FROM " in sql:
            tables.append(sql.split(" FROM ", 1)[1].split()[0])
    return tables


def test_forwarding_reads_the_county_calendar_once_for_all_six_timers(county_world):
    process = file_add(county_world)

    with CaptureQueriesContext(connection) as queries:
        forward(county_world, process)

    read = tables_read(queries.captured_queries)
    assert read.count("workflow_countyworkflowsettings") == 1
    assert read.count("workflow_holiday") == 1
    timers = Task.objects.filter(process=process, flow_task_type="TIMER")
    assert sorted((t.flow_task.name, t.status) for t in timers) == sorted(
        [("consult__timeout", STATUS.SCHEDULED)] * 3
        + [("consult__timeout_2", STATUS.SCHEDULED)] * 3
    )
    assert not timers.filter(scheduled__isnull=True).exists()


def test_consultation_tasks_store_their_township_as_permission_object(county_world):
    process = file_add(county_world)
    forward(county_world, process)

    township_type = ContentType.objects.get_for_model(county_world.townships[0])
    stored = Task.objects.filter(process=process, flow_task=ChangeRequestFlow.consult)
    assert sorted(
        stored.values_list(
            "owner_permission", "owner_permission_content_type", "owner_permission_obj_pk"
        )
    ) == sorted((PERMISSION, township_type.pk, str(t.pk)) for t in county_world.townships)


def test_an_answer_reads_neither_its_party_nor_its_users_again(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)

    with CaptureQueriesContext(connection) as queries:
        answer(world, process, 0, ConsultationAnswer.ACCEPT)

    read = tables_read(queries.captured_queries)
    # The task lookup of the test helper, then the service's own reads.
    assert "organisations_township" not in read
    assert "organisations_user" not in read
    assert "viewflow_process" not in read
    # The head's right, in one query on the grants, its own and its groups' (guardian
    # asks two).
    assert read.count("guardian_userobjectpermission") == 1
    assert "guardian_groupobjectpermission" not in read
    timers = Task.objects.filter(
        process=process,
        flow_task_type="TIMER",
        previous=open_task(process, "consult", township=world.townships[1].pk),
    )
    assert sorted(timers.values_list("status", flat=True)) == [STATUS.SCHEDULED] * 2
    answered = Task.objects.get(
        process=process, flow_task=ChangeRequestFlow.consult, status=STATUS.DONE
    )
    disarmed = Task.objects.filter(previous=answered, flow_task_type="TIMER")
    assert sorted(disarmed.values_list("status", flat=True)) == [STATUS.CANCELED] * 2
    assert not disarmed.filter(finished__isnull=True).exists()


@pytest.mark.parametrize("townships", [1, 3])
def test_a_complete_admission_stays_within_its_statement_budget(
    county_world, townships, django_assert_max_num_queries
):
    # Pinned at two sizes: each further township costs its task and its two timers
    # (an INSERT and a link each), the notice to its heads (their read, one INSERT)
    # and its answer, never a re-read of what the flow already holds. Forwarding also
    # tells the filer (the parties' names, the filer's users, one INSERT). The
    # answers' and the review's budgets include the helpers' task lookup; each answer
    # arrives at the join (its incoming tasks read in two index lookups); the last
    # answer runs the join and stops at the wait for the decision
    # (审定). Recording the decision (with the helper's read of the parties) completes
    # that wait, publishes (locking the list's row to allocate the item's code), ends
    # the request, issues the release, links it to the batch and tells everyone: each
    # further township costs its decision row and its history record. The item's
    # newer fields (category, villages, cooperating departments) cost publication five
    # statements, whatever the number of townships.
    # Filing reads the county's settings for the level's reviewing unit, and locks the
    # county's row and reads the year's numbers to give the request its number
    # (PostgreSQL: 21 statements, SQLite: 20).
    world = county_world
    # The county's categories exist before anyone files (its lists were set up).
    category = category_of(world.county, SAFETY_LAW)
    with django_assert_max_num_queries(21):
        process = file_add(world, townships=world.townships[:townships], category=category)
    with django_assert_max_num_queries(28 + 8 * townships):
        forward(world, process)
    for index in range(townships - 1):
        with django_assert_max_num_queries(23 - 2 * min(index, 1)):
            answer(world, process, index, ConsultationAnswer.ACCEPT)
    with django_assert_max_num_queries(41):
        answer(world, process, townships - 1, ConsultationAnswer.ACCEPT)
    with django_assert_max_num_queries(18):
        batch = prepare(world.office, process)
    with django_assert_max_num_queries(101 + 2 * townships):
        record(world.office, batch)
    process.refresh_from_db()
    assert process.outcome == "published"


@pytest.fixture
def holders(db):
    township = TownshipFactory()
    other = TownshipFactory(county=township.county)
    head = user_with_role(Role.TOWNSHIP_HEAD, township)
    group_member = user_with_role(Role.TOWNSHIP_STAFF, other)
    group = Group.objects.create(name="乡镇值班")
    assign_perm(PERMISSION, group, township)
    group_member.groups.add(group)
    inactive = user_with_role(Role.TOWNSHIP_HEAD, township)
    inactive.is_active = False
    inactive.save()
    superuser = user_with_role(Role.TOWNSHIP_STAFF, other)
    superuser.is_superuser = True
    superuser.save()
    return {
        "township": township,
        "other": other,
        "anonymous": AnonymousUser(),
        "head": head,
        "group member": group_member,
        "inactive head": inactive,
        "superuser": superuser,
        "head of the other township": user_with_role(Role.TOWNSHIP_HEAD, other),
        "staff": user_with_role(Role.TOWNSHIP_STAFF, township),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", False),
        ("head", True),
        ("group member", True),
        ("inactive head", False),
        ("superuser", True),
        ("head of the other township", False),
        ("staff", False),
    ],
)
def test_object_permission_without_the_object_answers_as_has_perm(holders, who, expected):
    user, township = holders[who], holders["township"]
    content_type = ContentType.objects.get_for_model(township)

    answer = has_object_permission(
        user, PERMISSION, content_type_id=content_type.pk, object_pk=str(township.pk)
    )

    assert answer is expected
    assert user.has_perm(PERMISSION, township) is expected
