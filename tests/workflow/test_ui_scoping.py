"""Scoping of the change request flow's pages on viewflow's frontend (DESIGN §6, §7).

Every page (dashboard, inbox, queue, archive, task list, request list, request detail,
charts) shows a user only the requests and tasks their unit may see, and every task URL
(index, detail, assign, unassign, execute, cancel) refuses the others: another
township's consultation task, another county's request. A denial is a 403 and changes
nothing; an anonymous user is sent to the login page.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from organisations.models import Role
from tests.factories import DepartmentFactory, UserFactory, user_with_role
from workflow import services
from workflow.flows import ChangeRequestFlow
from workflow.models import ChangeKind, Consultation, Notification

from .conftest import add_fields, open_task

pytestmark = pytest.mark.django_db


def file_request(staff, department, townships, title):
    return services.change_request_file(
        actor=staff,
        county=department.county,
        kind=ChangeKind.ADD,
        level="township",
        department=department,
        fields=add_fields(department.county, title=title),
        target_townships=townships,
        reasons="属地需要配合入户排查。",
    )


def forward(office, process):
    services.change_request_review(
        actor=office, task_id=open_task(process, "review").pk, decision="forward"
    )


@pytest.fixture
def ui(county_world):
    """清河县 requests: ``consulting`` touches 城关街道 and 青石镇 (not 云岭乡) and waits
    for both answers; ``reviewing`` waits for the county office. 白沙县 has one request
    in consultation. Users: every role of 清河县, 白沙县's office and a head, a user
    without a role and a superuser."""
    world = county_world
    consulting = file_request(
        world.staff, world.department, world.townships[:2], "燃气安全入户排查"
    )
    forward(world.office, consulting)
    reviewing = file_request(world.staff, world.department, world.townships[:2], "违建巡查")
    other_township = world.other_head.memberships.get().township
    other_department = DepartmentFactory(county=world.other_county, name="白沙县住建局")
    other_staff = user_with_role(Role.DEPARTMENT_STAFF, other_department)
    foreign = file_request(other_staff, other_department, [other_township], "白沙县事项")
    forward(world.other_office, foreign)
    return SimpleNamespace(
        **vars(world),
        consulting=consulting,
        reviewing=reviewing,
        foreign=foreign,
        township_staff=user_with_role(Role.TOWNSHIP_STAFF, world.townships[0]),
        nobody=UserFactory(),
        superuser=UserFactory(is_superuser=True),
    )


def url(name, *args):
    return reverse(f"changerequest:{name}", args=args)


def task_url(task, name, process_pk=None):
    return reverse(
        f"changerequest:{task.flow_task.name}:{name}",
        args=[process_pk or task.process_id, task.pk],
    )


def snapshot(process):
    """Everything a task URL could change: the tasks, answers and notifications."""
    return (
        sorted(
            Task.objects.filter(process_id=process.pk).values_list(
                "pk", "status", "owner_id", "finished"
            )
        ),
        Consultation.objects.filter(process=process).count(),
        Notification.objects.count(),
    )


def get_as(client, user, path):
    if user is not None:
        client.force_login(user)
    return client.get(path)


def post_as(client, user, path, data=None):
    if user is not None:
        client.force_login(user)
    return client.post(path, data or {})


# -- task URLs ---------------------------------------------------------------------

DENIED_CONSULT = ["staff", "head0", "head2", "township_staff", "other_office", "other_head"]


def user_of(ui, key):
    if key.startswith("head"):
        return ui.heads[int(key[4:])]
    return getattr(ui, key)


@pytest.mark.parametrize("who", DENIED_CONSULT)
@pytest.mark.parametrize("view", ["index", "detail", "assign", "execute"])
def test_other_parties_cannot_open_a_townships_consultation_task(client, ui, who, view):
    task = open_task(ui.consulting, "consult", township=ui.townships[1].pk)
    before = snapshot(ui.consulting)

    response = get_as(client, user_of(ui, who), task_url(task, view))

    assert response.status_code == 403
    assert snapshot(ui.consulting) == before


@pytest.mark.parametrize("who", [*DENIED_CONSULT, "office"])
@pytest.mark.parametrize("view", ["assign", "execute"])
def test_only_the_township_head_may_take_or_answer_its_consultation(client, ui, who, view):
    task = open_task(ui.consulting, "consult", township=ui.townships[1].pk)
    before = snapshot(ui.consulting)

    response = post_as(
        client, user_of(ui, who), task_url(task, view), {"answer": "contest", "reason": "不同意"}
    )

    assert response.status_code == 403
    assert snapshot(ui.consulting) == before


@pytest.mark.parametrize("view", ["index", "detail", "assign", "execute"])
def test_anonymous_user_is_sent_to_login_from_a_task_url(client, ui, view):
    task = open_task(ui.consulting, "consult", township=ui.townships[1].pk)
    before = snapshot(ui.consulting)

    response = client.get(task_url(task, view))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert snapshot(ui.consulting) == before


def test_township_head_takes_and_answers_its_own_consultation(client, ui):
    task = open_task(ui.consulting, "consult", township=ui.townships[1].pk)
    client.force_login(ui.heads[1])

    # No claim step: the task's link opens its form; claiming by hand still works.
    assert client.get(task_url(task, "index")).url == task_url(task, "execute")
    assert client.get(task_url(task, "assign")).url == task_url(task, "execute")
    assert client.get(task_url(task, "detail")).status_code == 200
    assert client.post(task_url(task, "assign")).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.owner) == (STATUS.ASSIGNED, ui.heads[1])
    assert client.get(task_url(task, "index")).url == task_url(task, "execute")
    response = client.post(task_url(task, "execute"), {"answer": "contest", "reason": "缺少人员"})

    assert response.status_code == 302
    consultation = Consultation.objects.get(process=ui.consulting)
    assert (consultation.township, consultation.answer, consultation.reason) == (
        ui.townships[1],
        "contest",
        "缺少人员",
    )


def test_county_office_may_view_but_not_take_a_consultation(client, ui):
    task = open_task(ui.consulting, "consult", township=ui.townships[1].pk)
    client.force_login(ui.office)

    assert client.get(task_url(task, "index")).url == task_url(task, "detail")
    response = client.get(task_url(task, "detail"))

    assert response.status_code == 200
    assert "青石镇" in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "head0", "head1", "other_office"])
def test_only_the_owner_may_give_back_an_assigned_consultation(client, ui, who):
    task = open_task(ui.consulting, "consult", township=ui.townships[0].pk)
    client.force_login(ui.heads[0])
    client.post(task_url(task, "assign"))
    before = snapshot(ui.consulting)

    response = post_as(client, user_of(ui, who), task_url(task, "unassign"))

    if who == "head0":
        assert response.status_code == 302
        task.refresh_from_db()
        assert (task.status, task.owner_id) == (STATUS.NEW, None)
    else:
        assert response.status_code == 403
        assert snapshot(ui.consulting) == before


@pytest.mark.parametrize(
    ("who", "view", "expected"),
    [
        ("office", "index", 302),
        ("office", "detail", 200),
        ("office", "assign", 302),  # straight to the form: no claim step
        ("office", "execute", 200),
        ("staff", "index", 302),
        ("staff", "detail", 200),
        ("staff", "assign", 403),
        ("staff", "execute", 403),
        ("head0", "detail", 200),
        ("head0", "assign", 403),
        ("head0", "execute", 403),
        ("head2", "index", 403),
        ("head2", "detail", 403),
        ("head2", "assign", 403),
        ("head2", "execute", 403),
        ("other_office", "index", 403),
        ("other_office", "detail", 403),
        ("other_office", "assign", 403),
        ("other_office", "execute", 403),
        ("nobody", "detail", 403),
    ],
)
def test_review_task_urls_per_role(client, ui, who, view, expected):
    task = open_task(ui.reviewing, "review")
    before = snapshot(ui.reviewing)

    response = get_as(client, user_of(ui, who), task_url(task, view))

    assert response.status_code == expected
    assert snapshot(ui.reviewing) == before


@pytest.mark.parametrize("who", ["staff", "head0", "other_office"])
def test_review_cannot_be_decided_by_others(client, ui, who):
    task = open_task(ui.reviewing, "review")
    before = snapshot(ui.reviewing)

    response = post_as(
        client, user_of(ui, who), task_url(task, "execute"), {"decision": "reject", "comment": "x"}
    )

    assert response.status_code == 403
    assert snapshot(ui.reviewing) == before


def test_county_office_reviews_and_lands_on_the_request(client, ui):
    task = open_task(ui.reviewing, "review")
    client.force_login(ui.office)

    response = client.post(task_url(task, "execute"), {"decision": "forward"})

    assert response.status_code == 302
    assert response.url == url("process_detail", ui.reviewing.pk)
    ui.reviewing.refresh_from_db()
    assert ui.reviewing.review_decision == "forward"
    assert (
        Task.objects.filter(
            process=ui.reviewing, flow_task=ChangeRequestFlow.consult, status=STATUS.NEW
        ).count()
        == 2
    )


@pytest.mark.parametrize("who", ["office", "staff", "head0"])
def test_cancelling_a_task_is_for_managers_only(client, ui, who):
    task = open_task(ui.reviewing, "review")
    before = snapshot(ui.reviewing)

    get_response = get_as(client, user_of(ui, who), task_url(task, "cancel"))
    post_response = client.post(task_url(task, "cancel"))

    assert (get_response.status_code, post_response.status_code) == (403, 403)
    assert snapshot(ui.reviewing) == before


def test_superuser_may_open_the_cancel_page(client, ui):
    task = open_task(ui.reviewing, "review")

    assert get_as(client, ui.superuser, task_url(task, "cancel")).status_code == 200


@pytest.mark.parametrize("view", ["undo", "revive"])
def test_undo_and_revive_of_a_step_are_for_managers_only(client, ui, view):
    task = Task.objects.get(process=ui.consulting, flow_task=ChangeRequestFlow.check_review)
    before = snapshot(ui.consulting)

    response = post_as(client, ui.office, task_url(task, view))

    assert response.status_code == 403
    assert snapshot(ui.consulting) == before


def test_step_of_another_county_is_refused(client, ui):
    task = Task.objects.get(process=ui.foreign, flow_task=ChangeRequestFlow.check_review)

    assert get_as(client, ui.office, task_url(task, "index")).status_code == 403
    assert client.get(task_url(task, "detail")).status_code == 403


def test_timer_of_another_townships_consultation_is_hidden(client, ui):
    host = open_task(ui.consulting, "consult", township=ui.townships[1].pk)
    timer = host.leading.first()

    assert get_as(client, ui.heads[0], task_url(timer, "detail")).status_code == 403
    assert get_as(client, ui.heads[1], task_url(timer, "detail")).status_code == 200


def test_task_url_with_another_requests_number_is_not_found(client, ui):
    task = open_task(ui.reviewing, "review")

    response = get_as(client, ui.office, task_url(task, "detail", ui.consulting.pk))

    assert response.status_code == 404


def test_unknown_task_is_not_found(client, ui):
    path = reverse("changerequest:review:detail", args=[ui.reviewing.pk, 999999])

    assert get_as(client, ui.office, path).status_code == 404


def test_bulk_assign_takes_only_tasks_of_the_users_queue(client, ui):
    others = open_task(ui.consulting, "consult", township=ui.townships[1].pk)
    own = open_task(ui.consulting, "consult", township=ui.townships[0].pk)
    client.force_login(ui.heads[0])

    client.post(url("tasks_assign"), {"pk": [others.pk, own.pk], "_confirm": "1"})

    others.refresh_from_db()
    own.refresh_from_db()
    assert (others.status, others.owner_id) == (STATUS.NEW, None)
    assert (own.status, own.owner_id) == (STATUS.ASSIGNED, ui.heads[0].pk)


# -- pages -------------------------------------------------------------------------


def rows(response, marker):
    """The ``data-task`` rows of a request detail page with the given node name."""
    return response.content.decode().count(f'data-task="{marker}"')


@pytest.mark.parametrize(
    ("who", "consult_rows"),
    [("office", 2), ("head0", 1), ("head1", 1), ("staff", 0), ("township_staff", 0)],
)
def test_request_detail_lists_only_the_tasks_the_user_may_see(client, ui, who, consult_rows):
    response = get_as(client, user_of(ui, who), url("process_detail", ui.consulting.pk))

    assert response.status_code == 200
    assert rows(response, "consult") == consult_rows
    assert rows(response, "review") == 1
    # the engine's timers are not people's steps: the log leaves them out
    assert rows(response, "consult__timeout") == 0


def test_township_head_sees_its_own_consultation_not_the_others(client, ui):
    response = get_as(client, ui.heads[0], url("process_detail", ui.consulting.pk))

    body = response.content.decode()
    assert "征求意见（城关街道）" in body
    assert "征求意见（青石镇）" not in body


def test_request_detail_shows_answers_and_ruling_to_the_county_office(client, ui):
    for index, answer in ((0, "accept"), (1, "contest")):
        services.consultation_answer(
            actor=ui.heads[index],
            task_id=open_task(ui.consulting, "consult", township=ui.townships[index].pk).pk,
            answer=answer,
            reason="人员不足" if answer == "contest" else "",
        )
    services.change_request_rule(
        actor=ui.office,
        task_id=open_task(ui.consulting, "arbitrate").pk,
        decisions={f"township:{ui.townships[1].pk}": "reject"},
        reasoning="青石镇无燃气管网。",
    )

    office_page = get_as(client, ui.office, url("process_detail", ui.consulting.pk))
    head_page = get_as(client, ui.heads[0], url("process_detail", ui.consulting.pk))

    office_body = office_page.content.decode()
    assert "人员不足" in office_body
    assert "青石镇无燃气管网。" in office_body
    assert "不予准入" in office_body
    head_body = head_page.content.decode()
    assert "人员不足" not in head_body  # 青石镇's answer is not 城关街道's business
    assert "不予准入" not in head_body
    assert "青石镇无燃气管网。" in head_body


@pytest.mark.parametrize("who", ["head2", "other_office", "other_head", "nobody"])
def test_request_detail_of_an_unrelated_request_is_refused(client, ui, who):
    response = get_as(client, user_of(ui, who), url("process_detail", ui.consulting.pk))

    assert response.status_code == 403


def test_request_detail_of_an_unknown_request_is_not_found(client, ui):
    assert get_as(client, ui.office, url("process_detail", 999999)).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [("office", 200), ("head0", 200), ("head2", 403), ("other_office", 403), ("nobody", 403)],
)
def test_request_chart_only_for_visible_requests(client, ui, who, expected):
    response = get_as(client, user_of(ui, who), url("process_chart", ui.consulting.pk))

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"), [("head2", 200), ("other_head", 200), ("nobody", 403)]
)
def test_flow_chart_for_everyone_with_a_role(client, ui, who, expected):
    response = get_as(client, user_of(ui, who), url("chart"))

    assert response.status_code == expected


def test_flow_chart_labels_the_gate_edges_in_chinese(client, ui):
    """The If gate's edges read 是/否 (viewflow's own gate writes English yes/no), and
    the start and end nodes have Chinese titles."""
    page = get_as(client, ui.office, url("chart")).content.decode()

    for label in ("是", "否", "提出申请", "办结"):
        assert f">{label}<" in page
    for label in ("yes", "no", "Start", "End"):
        assert f">{label}<" not in page


def test_anonymous_user_is_sent_to_login_from_every_page(client, ui):
    for name, args in [
        ("index", ()),
        ("inbox", ()),
        ("queue", ()),
        ("archive", ()),
        ("task_list", ()),
        ("process_list", ()),
        ("process_detail", (ui.consulting.pk,)),
        ("process_chart", (ui.consulting.pk,)),
        ("chart", ()),
        ("new", ()),
        ("mine", ()),
    ]:
        response = client.get(url(name, *args))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def listed_requests(response) -> set[str]:
    body = response.content.decode()
    titles = ["燃气安全入户排查", "违建巡查", "白沙县事项"]
    return {title for title in titles if title in body}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("office", {"燃气安全入户排查", "违建巡查"}),
        ("staff", {"燃气安全入户排查", "违建巡查"}),
        ("head0", {"燃气安全入户排查", "违建巡查"}),
        ("head2", set()),
        ("other_office", {"白沙县事项"}),
        ("other_head", {"白沙县事项"}),
    ],
)
def test_request_list_and_dashboard_show_only_visible_requests(client, ui, who, expected):
    user = user_of(ui, who)

    assert listed_requests(get_as(client, user, url("process_list"))) == expected
    # the dashboard shows the open tasks the user may see: never more requests
    assert listed_requests(get_as(client, user, url("index"))) <= expected


def test_dashboard_of_the_county_office_shows_every_open_step_of_its_county(client, ui):
    response = get_as(client, ui.office, url("index"))

    columns = {column["node"].name: column["tasks"] for column in response.context["columns"]}
    assert [label for _, label in columns["review"]] == ["形式审查"]
    assert sorted(label for _, label in columns["consult"]) == [
        "征求意见（城关街道）",
        "征求意见（青石镇）",
    ]
    assert listed_requests(response) == {"燃气安全入户排查", "违建巡查"}


def test_dashboard_offers_filing_to_units_that_may_file(client, ui):
    assert 'data-testid="dashboard-new-request"' in (
        get_as(client, ui.staff, url("index")).content.decode()
    )
    assert 'data-testid="dashboard-new-request"' not in (
        get_as(client, ui.office, url("index")).content.decode()
    )


@pytest.mark.parametrize(
    ("who", "consult_parties"),
    [("office", {"城关街道", "青石镇"}), ("head0", {"城关街道"}), ("head1", {"青石镇"})],
)
def test_task_list_leaves_out_other_townships_consultations(client, ui, who, consult_parties):
    response = get_as(client, user_of(ui, who), url("task_list"))

    body = response.content.decode()
    shown = {name for name in ("城关街道", "青石镇") if f"征求意见（{name}）" in body}
    assert shown == consult_parties


def test_queue_holds_only_the_users_own_consultation(client, ui):
    response = get_as(client, ui.heads[0], url("queue"))

    own = open_task(ui.consulting, "consult", township=ui.townships[0].pk)
    other = open_task(ui.consulting, "consult", township=ui.townships[1].pk)
    tasks = list(response.context["object_list"])
    assert tasks == [own]
    assert other not in tasks
    assert response.context["user_queue"].count() == 1


def test_queue_of_the_county_office_holds_its_countys_review_only(client, ui):
    response = get_as(client, ui.office, url("queue"))

    assert list(response.context["object_list"]) == [open_task(ui.reviewing, "review")]


def test_inbox_and_archive_follow_the_users_own_tasks(client, ui):
    own = open_task(ui.consulting, "consult", township=ui.townships[0].pk)
    client.force_login(ui.heads[0])
    client.post(task_url(own, "assign"))

    assert list(client.get(url("inbox")).context["object_list"]) == [own]
    services.consultation_answer(actor=ui.heads[0], task_id=own.pk, answer="accept")
    assert list(client.get(url("inbox")).context["object_list"]) == []
    assert list(client.get(url("archive")).context["object_list"]) == [Task.objects.get(pk=own.pk)]
    client.force_login(ui.heads[1])
    assert list(client.get(url("archive")).context["object_list"]) == []
    assert list(client.get(url("inbox")).context["object_list"]) == []


@pytest.mark.parametrize("who", ["nobody"])
def test_user_without_a_role_cannot_open_the_application(client, ui, who):
    for name in ("index", "inbox", "queue", "process_list", "task_list"):
        assert get_as(client, user_of(ui, who), url(name)).status_code == 403, name


# -- a village list with its own reviewing unit ------------------------------------


@pytest.fixture
def village_ui(ui):
    """清河县's village list is reviewed by 县委社会工作部; 住建局 filed a village-list
    request that waits for that review. 北门社区 (城关街道) has a secretary and a grid
    worker."""
    from tests.factories import GridFactory, VillageFactory
    from workflow.models import CountyWorkflowSettings

    social = DepartmentFactory(county=ui.county, name="县委社会工作部")
    CountyWorkflowSettings.objects.create(county=ui.county, village_list_reviewer=social)
    village_request = services.change_request_file(
        actor=ui.staff,
        county=ui.county,
        kind=ChangeKind.ADD,
        level="village",
        department=ui.department,
        fields=add_fields(ui.county, title="村级燃气安全宣传"),
        target_townships=ui.townships[:2],
        reasons="村(社区)需要配合宣传。",
    )
    village = VillageFactory(township=ui.townships[0], name="北门社区")
    return SimpleNamespace(
        **vars(ui),
        village_request=village_request,
        reviewer=user_with_role(Role.DEPARTMENT_STAFF, social),
        village_head=user_with_role(Role.VILLAGE_HEAD, village),
        grid_worker=user_with_role(Role.GRID_WORKER, GridFactory(village=village)),
    )


@pytest.mark.parametrize(
    ("who", "view", "expected"),
    [
        ("reviewer", "index", 302),
        ("reviewer", "detail", 200),
        ("reviewer", "assign", 302),  # straight to the form
        ("reviewer", "execute", 200),
        ("office", "detail", 200),
        ("office", "assign", 403),
        ("office", "execute", 403),
        ("staff", "assign", 403),
        ("staff", "execute", 403),
        ("head0", "assign", 403),
        ("head0", "execute", 403),
        ("other_office", "detail", 403),
        ("other_office", "execute", 403),
        ("village_head", "detail", 403),
        ("village_head", "execute", 403),
        ("grid_worker", "detail", 403),
        ("grid_worker", "execute", 403),
    ],
)
def test_village_review_task_urls_per_role(client, village_ui, who, view, expected):
    task = open_task(village_ui.village_request, "review")
    before = snapshot(village_ui.village_request)

    response = get_as(client, user_of(village_ui, who), task_url(task, view))

    assert response.status_code == expected
    assert snapshot(village_ui.village_request) == before


@pytest.mark.parametrize("who", ["office", "staff", "head0", "village_head", "grid_worker"])
def test_only_the_village_reviewer_may_decide_the_review(client, village_ui, who):
    task = open_task(village_ui.village_request, "review")
    before = snapshot(village_ui.village_request)

    response = post_as(
        client, user_of(village_ui, who), task_url(task, "execute"), {"decision": "forward"}
    )

    assert response.status_code == 403
    assert snapshot(village_ui.village_request) == before


def test_the_village_reviewer_reviews_on_its_page(client, village_ui):
    task = open_task(village_ui.village_request, "review")
    client.force_login(village_ui.reviewer)

    queue = client.get(url("queue"))
    response = client.post(task_url(task, "execute"), {"decision": "forward"})

    assert list(queue.context["object_list"]) == [task]
    assert response.status_code == 302
    village_ui.village_request.refresh_from_db()
    assert village_ui.village_request.review_decision == "forward"


def test_the_county_office_queue_leaves_out_the_village_review(client, village_ui):
    response = get_as(client, village_ui.office, url("queue"))

    assert list(response.context["object_list"]) == [open_task(village_ui.reviewing, "review")]
