"""The scoped list pages run a fixed number of SQL queries whatever the number of
requests (DESIGN §6 "Fast"): the same count with 10 and with 200 requests, and no more
than the pinned ceiling."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflow import services
from workflow.models import ChangeKind

from .conftest import add_fields, open_task

pytestmark = pytest.mark.django_db

# (user, page) -> most queries the page may run. Fixed costs of a page: session and
# user, the user's grants (read once per request, also for the queue's permission
# check) and whether it holds a membership (the site menu), the request/task scope's
# hidden consultations, the menu's inbox and queue counts, the header's unread count,
# the filter choices, the page count and the page itself; the dashboard (index) one
# query per column of open tasks (six steps: review, legality review, revision,
# consultation, proposal and the wait for 审定).
CEILINGS = {
    ("office", "inbox"): 16,
    ("office", "queue"): 16,
    ("office", "archive"): 16,
    ("office", "task_list"): 17,
    ("office", "process_list"): 15,
    ("office", "index"): 22,
    ("head", "inbox"): 18,
    ("head", "queue"): 18,
    ("head", "process_list"): 16,
    ("staff", "process_list"): 15,
    ("staff", "mine"): 12,
}


def add_requests(world, count: int) -> None:
    """File ``count`` requests touching 城关街道 and 青石镇 in three states: waiting
    in the county office's queue, taken by the county office, and in consultation (every
    second one of those taken by 城关街道's head)."""
    for index in range(count):
        process = services.change_request_file(
            actor=world.staff,
            county=world.county,
            kind=ChangeKind.ADD,
            level="township",
            department=world.department,
            fields=add_fields(world.county, title=f"批量事项{index}"),
            target_townships=world.townships[:2],
            reasons="属地需要配合。",
        )
        review = open_task(process, "review")
        if index % 3 == 1:
            review.flow_task.activation_class(review).assign(world.office)
        elif index % 3 == 2:
            services.change_request_review(
                actor=world.office, task_id=review.pk, decision="forward"
            )
            if index % 2:
                consult = open_task(process, "consult", township=world.townships[0].pk)
                consult.flow_task.activation_class(consult).assign(world.heads[0])


def measure(client, users) -> tuple[dict, dict]:
    """Queries run by each page, and how many rows it lists."""
    counts, rows = {}, {}
    for user_key, page in CEILINGS:
        client.force_login(users[user_key])
        path = reverse(f"changerequest:{page}")
        client.get(path)  # warm the per-process caches (content types, permissions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (user_key, page)
        counts[user_key, page] = len(queries)
        paginator = response.context.get("paginator")
        if paginator is not None:
            rows[user_key, page] = paginator.count
    return counts, rows


def test_list_pages_run_the_same_queries_with_10_and_200_requests(client, county_world):
    world = county_world
    users = {"office": world.office, "head": world.heads[0], "staff": world.staff}
    add_requests(world, 10)
    with_10, rows_10 = measure(client, users)

    add_requests(world, 190)
    with_200, rows_200 = measure(client, users)

    assert with_200 == with_10
    over = {key: count for key, count in with_10.items() if count > CEILINGS[key]}
    assert over == {}
    # the lists did grow: 200 requests touch every page
    assert {key: rows_200[key] > rows_10[key] > 0 for key in rows_10} == dict.fromkeys(
        rows_10, True
    )
    assert rows_200["office", "process_list"] == 200
