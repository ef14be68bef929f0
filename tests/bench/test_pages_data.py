"""The data set of ``bench/bench_pages.py`` at a two-county scale: what it writes adds up,
rights are granted as the organisation services grant them, a township head sees only
its township's items, every measured user has rows on its pages, and every measured
page answers 200 for every measured role (so the benchmark cannot rot unnoticed)."""

import pytest
from django.db import transaction
from django.test import RequestFactory
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from bench import bench_pages, pages_data
from bench.pages_flows import FlowCounts
from duty_lists.models import DutyItem, Level
from duty_lists.selectors import duty_item_list
from evaluation.models import EvaluationRound, RoundResult, RoundStage, ScoreSheet
from organisations.models import County, Department, Grid, Membership, Township, User, Village
from organisations.permissions import permissions_of_membership
from organisations.services import api_token_issue
from workflow.evaluation_flow import EvaluationRoundFlow
from workflow.flows import ChangeRequestFlow
from workflow.models import ChangeKind, Consultation
from workflow.viewsets import archive_tasks, inbox_tasks, queue_tasks

COUNTIES = """code,name,cityCode,provinceCode
330102,"上城区",3301,33
330105,"拱墅区",3301,33
330106,"西湖区",3301,33
"""
TOWNSHIPS = """code,name,areaCode,provinceCode,cityCode
330102001,"清波街道",330102,33,3301
330102003,"湖滨街道",330102,33,3301
330102004,"小营街道",330102,33,3301
330105001,"米市巷街道",330105,33,3301
330105002,"湖墅街道",330105,33,3301
330105003,"小河街道",330105,33,3301
330105004,"和睦街道",330105,33,3301
330106001,"北山街道",330106,33,3301
"""
# One pass of the bench county's scenarios, one request and one report elsewhere.
FLOWS = FlowCounts(bench_requests=16, requests_per_county=1, bench_reports=4, reports_per_county=1)


def _divisions(directory):
    (directory / pages_data.COUNTIES_FILE).write_text(COUNTIES, encoding="utf-8")
    (directory / pages_data.TOWNSHIPS_FILE).write_text(TOWNSHIPS, encoding="utf-8")
    return pages_data.read_divisions(directory, 2)


@pytest.fixture
def divisions(tmp_path):
    return _divisions(tmp_path)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The data set, built once for the module in a transaction rolled back at its end
    (each test runs in a savepoint of it)."""
    divisions = _divisions(tmp_path_factory.mktemp("divisions"))
    with django_db_blocker.unblock(), transaction.atomic():
        pages_data.Builder(divisions, seed=7, flows=FLOWS, progress=lambda line: None).run()
        yield divisions
        transaction.set_rollback(True)


def test_divisions_are_read_in_file_order_with_their_townships(divisions):
    assert [(d.code, d.name, len(d.townships)) for d in divisions] == [
        ("330102", "上城区", 3),
        ("330105", "拱墅区", 4),
    ]
    assert divisions[1].townships[0] == ("330105001", "米市巷街道")
    assert pages_data.bench_county_code(divisions) == "330105"
    assert pages_data.Scale.of(divisions) == pages_data.Scale(
        counties=2, townships=7, villages=104, items=542, history=1897
    )


def test_full_scale_reproduces_the_province(tmp_path):
    divisions = [
        pages_data.Division(f"33{c:04d}", f"县{c}", tuple((f"{c}-{t}", "镇") for t in range(n)))
        for c, n in enumerate(pages_data.spread(1387, 90))
    ]
    assert pages_data.Scale.of(divisions) == pages_data.Scale(
        counties=90, townships=1387, villages=20_639, items=24_384, history=85_370
    )


def test_build_writes_the_scaled_data_set(built, db):
    assert County.objects.count() == 2
    assert Department.objects.count() == 70
    assert Township.objects.count() == 7
    assert Village.objects.count() == 104
    assert Grid.objects.count() == 312
    # Per county: office and administrator; per department and township: two people.
    assert User.objects.count() == Membership.objects.count() == 2 * 2 + 70 * 2 + 7 * 2
    assert DutyItem.objects.count() == 542
    # Three of them and five of the records were published by the flows (three new
    # items, an amendment and a withdrawal).
    assert DutyItem.history.count() == 1897
    assert DutyItem.history.filter(history_change_reason__startswith="依据").count() == 5
    published = EvaluationRound.objects.filter(stage=RoundStage.PUBLISHED)
    assert published.count() == 2
    # Last year every township rated every department and back.
    sheets = ScoreSheet.objects.filter(evaluation_round__in=published)
    assert sheets.count() == 35 * 3 * 2 + 35 * 4 * 2
    assert RoundResult.objects.count() == 35 * 2 + 7
    # This year's round of the bench county was opened by the service: one open sheet
    # task per sheet.
    current = EvaluationRound.objects.get(stage=RoundStage.OPEN)
    assert current.county.code == "330105"
    assert current.sheets.exists()
    fill_tasks = Task.objects.filter(
        flow_task=EvaluationRoundFlow.fill_sheet, process=current, status=STATUS.NEW
    )
    assert fill_tasks.count() == current.sheets.count()
    assert bench_pages.data_state(built) == "complete"


def test_guardian_grants_are_exactly_what_the_memberships_imply(built, db):
    implied = {
        (m.user_id, perm.split(".")[1], target._meta.model_name, str(target.pk))
        for m in Membership.objects.select_related("county", "department", "township")
        for perm, target in permissions_of_membership(m)
    }
    granted = set(
        UserObjectPermission.objects.values_list(
            "user_id", "permission__codename", "content_type__model", "object_pk"
        )
    )
    assert granted == implied
    assert len(granted) == 2 * 2 * 2 + 70 * 2 * 2 + 7 * (2 + 1)


def test_current_items_match_their_latest_history_record(built, db):
    for item in DutyItem.objects.prefetch_related("townships"):
        latest = DutyItem.history.filter(id=item.pk).order_by("-history_date", "-history_id")[0]
        assert (latest.title, latest.status, latest.applies_to_all) == (
            item.title,
            item.status,
            item.applies_to_all,
        )
        named = {row.township_id for row in latest.historicaldutyitem_townships_set.all()}
        assert named == {t.pk for t in item.townships.all()}


def test_township_head_sees_only_its_own_townships_items(built, db):
    township = Township.objects.get(code="330105001")
    head = User.objects.get(username=pages_data.township_username(township.code))
    county_items = DutyItem.objects.filter(duty_list__county=township.county)
    elsewhere = county_items.filter(applies_to_all=False).exclude(townships=township)
    assert elsewhere.exists()
    visible = set(duty_item_list(head).values_list("pk", flat=True))
    expected = set(county_items.filter(applies_to_all=True).values_list("pk", flat=True))
    expected |= set(county_items.filter(townships=township).values_list("pk", flat=True))
    assert visible == expected
    assert not visible & set(elsewhere.values_list("pk", flat=True))


def _tasks(listing, username: str) -> int:
    request = RequestFactory().get("/")
    request.user = User.objects.get(username=username)
    return listing(request, ChangeRequestFlow).count()


def test_measured_users_have_tasks_in_inbox_queue_and_archive(built, db):
    subjects = bench_pages.find_subjects(built)
    office, staff, head = (subjects.usernames[r] for r in bench_pages.ROLES)
    assert (office, staff, head) == ("office-330105", "dstaff-330105-D01", "thead-330105001")
    # Office: reviews and a ruling taken / waiting / done (see pages_flows.BENCH_SCENARIOS).
    assert [_tasks(f, office) for f in (inbox_tasks, queue_tasks, archive_tasks)] == [2, 3, 15]
    assert [_tasks(f, staff) for f in (inbox_tasks, queue_tasks, archive_tasks)] == [2, 2, 1]
    # The head answered four department requests, plus the amendment and withdrawal
    # when they were put to its township.
    changes = Consultation.objects.filter(
        township__code="330105001", process__kind__in=[ChangeKind.AMEND, ChangeKind.WITHDRAW]
    ).count()
    assert [_tasks(f, head) for f in (inbox_tasks, queue_tasks, archive_tasks)] == [
        1,
        1,
        4 + changes,
    ]
    assert Task.objects.filter(flow_task=ChangeRequestFlow.consult).exists()
    item = DutyItem.objects.get(pk=subjects.item_id)
    assert item.applies_to_all
    assert item.duty_list.level == Level.TOWNSHIP


def test_every_measured_page_answers_each_role(built, db, client, settings):
    settings.ROOT_URLCONF = "bench.pages_site"
    settings.MIDDLEWARE = ["bench.pages_site.StatementCountMiddleware", *settings.MIDDLEWARE]
    subjects = bench_pages.find_subjects(built)
    response = client.get(bench_pages.BASELINE_PATH)
    assert response.status_code == 200
    assert response["X-Bench-Statements"] == "1"
    for role in bench_pages.ROLES:
        user = User.objects.get(username=subjects.usernames[role])
        client.force_login(user)
        _, token = api_token_issue(user=user)
        for page, path in bench_pages.page_paths(subjects).items():
            if page.startswith("api"):
                response = client.get(path, HTTP_AUTHORIZATION=f"Token {token}")
            else:
                response = client.get(path)
            assert (page, role, response.status_code) == (page, role, 200)
            assert int(response["X-Bench-Statements"]) > 1
            assert int(response["X-Bench-CPU-Microseconds"]) > 0
        # The empty frame is the frame of a real page: side menu and both badges.
        frame = client.get(bench_pages.REFERENCE_PATHS["ref: empty frame"]).content.decode()
        assert "vf-page__menu" in frame
        assert 'data-testid="todo-badge"' in frame
        assert 'data-testid="notification-bell"' in frame
