"""The off-list report API: the flow through the API, bad input as 400 naming the
field, 409 for a step already done, the scope of the list, a fixed number of queries,
and every action × every kind of user (401/403/404 with nothing changed)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arbitration.models import OffListReport
from tests.arbitration.world import (
    PDF_BYTES,
    answer,
    conversion,
    database_state,
    file_report,
    make_world,
    open_task,
)
from workflow.models import ChangeRequestProcess
from workflow.services import reporting

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def file_body(world, **overrides) -> dict:
    body = {
        "township": world.township.pk,
        "department": world.department.pk,
        "assignment": "要求街道对辖区全部自建房开展结构安全排查。",
        "assigned_on": "2026-09-01",
        "channel": "meeting",
        "channel_detail": "全县自建房安全工作会议",
    }
    body.update(overrides)
    return body


def test_report_from_filing_to_a_converted_admission_request(world):
    response = client_for(world.head).post(
        "/api/reports/",
        {**file_body(world), "evidence": [SimpleUploadedFile("会议纪要.pdf", PDF_BYTES)]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    report_id = data["id"]
    assert response["Location"].endswith(f"/api/reports/{report_id}/")
    assert (data["step"], data["township"]["name"], data["department"]["name"]) == (
        "answer",
        "城关街道",
        "县住房和城乡建设局",
    )
    assert [e["original_name"] for e in data["evidence"]] == ["会议纪要.pdf"]
    download = client_for(world.staff).get(data["evidence"][0]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES

    response = client_for(world.staff).post(
        f"/api/reports/{report_id}/answer/",
        {"answer": "admission", "reason": "同意按准入程序申请。"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["step"], response.json()["department_answer"]) == (
        "rule",
        "admission",
    )

    response = client_for(world.office).post(
        f"/api/reports/{report_id}/rule/",
        {
            "ruling": "converted",
            "reasoning": "应按准入程序办理。",
            **conversion(world.county),
            "remarks": "由清单外事项报告转入，随申请一并审查。",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    request = ChangeRequestProcess.objects.get()
    assert request.remarks == "由清单外事项报告转入，随申请一并审查。"
    assert (data["step"], data["ruling"], data["admission_request"]) == (
        "done",
        "converted",
        request.pk,
    )
    assert [entry["reason"] for entry in data["trail"]] == [
        "报告清单外事项",
        "部门答复：启动事项准入申请",
        "裁定：转为事项准入申请",
        f"转入事项准入申请 {request.number}",
        "流程办结",
    ]


def test_bad_filing_is_a_400_naming_each_field(world):
    before = database_state()

    response = client_for(world.head).post(
        "/api/reports/",
        file_body(
            world,
            department=world.other_county_department.pk,
            assignment="",
            assigned_on="2999-01-01",
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "department": ["交办部门不属于本县。"],
        "assignment": ["请填写交办事项内容。"],
        "assigned_on": ["交办日期不能晚于今天。"],
    }
    assert database_state() == before


def test_malformed_filing_is_a_400_from_the_serializer(world):
    response = client_for(world.head).post(
        "/api/reports/", file_body(world, assigned_on="yesterday", channel="fax"), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"assigned_on", "channel"}
    assert OffListReport.objects.count() == 0


def test_conversion_without_item_fields_is_a_400_naming_them(world):
    report = file_report(world)
    answer(world, report)
    before = database_state()

    response = client_for(world.office).post(
        f"/api/reports/{report.pk}/rule/",
        {"ruling": "converted", "reasoning": "应按准入程序办理。"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {
        "category",
        "duty_type",
        "department_responsibilities",
        "basis",
        "effective_date",
        "funding_source",
        "staffing",
        "equipment",
    }
    assert database_state() == before


def test_a_step_already_done_is_a_409_for_who_may_act_and_403_or_404_for_others(world):
    report = file_report(world)
    answer(world, report)
    before = database_state()
    body = {"answer": "withdraw", "reason": "撤回。"}

    again = client_for(world.department_head).post(
        f"/api/reports/{report.pk}/answer/", body, format="json"
    )
    onlooker = client_for(world.office).post(
        f"/api/reports/{report.pk}/answer/", body, format="json"
    )
    stranger = client_for(world.other_staff).post(
        f"/api/reports/{report.pk}/answer/", body, format="json"
    )
    early = client_for(world.office).post(
        f"/api/reports/{file_report(world).pk}/rule/",
        {"ruling": "upheld", "reasoning": "理由"},
        format="json",
    )

    assert again.status_code == 409
    assert onlooker.status_code == 403  # sees the report, may not answer it
    assert stranger.status_code == 404  # another department's report
    assert early.status_code == 409
    assert early.json() == {"detail": "该报告尚未进入这一办理环节。"}
    after = database_state()
    assert after["reports"][:1] == before["reports"][:1]


def test_list_is_scoped_and_filterable(world):
    mine = file_report(world)
    other = file_report(world, department=world.other_department)
    answer(world, mine)

    def ids(user, query=""):
        response = client_for(user).get(f"/api/reports/{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(world.head) == [other.pk, mine.pk]
    assert ids(world.staff) == [mine.pk]
    assert ids(world.other_staff) == [other.pk]
    assert ids(world.other_office) == []
    assert ids(world.office, "?department_answer=dispute") == [mine.pk]
    assert ids(world.office, f"?department={world.other_department.pk}") == [other.pk]


def test_an_invisible_report_answers_like_an_unknown_one(world):
    report = file_report(world)

    unknown = client_for(world.office).get("/api/reports/999999/")
    invisible = client_for(world.other_office).get(f"/api/reports/{report.pk}/")

    assert (unknown.status_code, unknown.json()) == (404, {"detail": "没有该清单外事项报告。"})
    assert (invisible.status_code, invisible.json()) == (404, {"detail": "没有该清单外事项报告。"})
    assert client_for(None).get(f"/api/reports/{report.pk}/").status_code == 401


def test_list_runs_the_same_queries_for_5_and_50_reports(world):
    client = client_for(world.office)

    def count_for(total):
        while OffListReport.objects.count() < total:
            file_report(world)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/reports/").status_code == 200
        return len(queries)

    five = count_for(5)
    assert five <= 5
    assert count_for(50) == five


# --- permission matrix ------------------------------------------------------------


def _pdf():
    return SimpleUploadedFile("交办通知.pdf", PDF_BYTES)


def file_action(world):
    return "post", "/api/reports/", file_body(world)


def list_action(world):
    file_report(world)
    return "get", "/api/reports/", None


def read_action(world):
    return "get", f"/api/reports/{file_report(world).pk}/", None


def answer_action(world):
    body = {"answer": "dispute", "reason": "属于部门法定职责。"}
    return "post", f"/api/reports/{file_report(world).pk}/answer/", body


def rule_action(world):
    report = file_report(world)
    answer(world, report)
    return "post", f"/api/reports/{report.pk}/rule/", {"ruling": "upheld", "reasoning": "理由"}


def evidence_action(world):
    report = file_report(world, evidence=[_pdf()])
    return "get", f"/api/reports/{report.pk}/evidence/{report.evidence.get().pk}/", None


EVERYONE = (
    "head",
    "township_staff",
    "other_head",
    "staff",
    "department_head",
    "other_staff",
    "office",
    "county_admin",
    "other_office",
    "other_county_head",
    "other_county_staff",
)
SEES_REPORT = {"head", "township_staff", "staff", "department_head", "office", "county_admin"}
MATRIX = {
    "file": (file_action, {"head": 201}),
    "read": (read_action, dict.fromkeys(SEES_REPORT, 200)),
    "answer": (answer_action, {"staff": 200, "department_head": 200}),
    "rule": (rule_action, {"office": 200}),
    "evidence": (evidence_action, dict.fromkeys(SEES_REPORT, 200)),
}
# Refused: 403 for a user who sees the report (or files one for a township not its
# own), 404 for one who does not, as for an unknown report.
CASES = [
    (action, who, allowed.get(who, 403 if action == "file" or who in SEES_REPORT else 404))
    for action, (_, allowed) in MATRIX.items()
    for who in (None, *EVERYONE)
]


@pytest.mark.parametrize(
    ("action", "who", "expected"),
    [(a, w, 401 if w is None else e) for a, w, e in CASES],
    ids=[f"{a}-{w or 'anonymous'}" for a, w, _ in CASES],
)
def test_api_action_permission(world, action, who, expected):
    method, url, body = MATRIX[action][0](world)
    before = database_state()

    client = client_for(getattr(world, who) if who else None)
    response = getattr(client, method)(url, body, format="json") if body else client.get(url)

    assert response.status_code == expected
    if expected in (401, 403, 404):
        assert database_state() == before


def test_list_shows_nothing_of_other_units_to_anyone(world):
    file_report(world)
    for who in ("other_head", "other_staff", "other_office", "other_county_head"):
        response = client_for(getattr(world, who)).get("/api/reports/")
        assert (response.status_code, response.json()["count"]) == (200, 0)
    assert client_for(None).get("/api/reports/").status_code == 401


def test_service_still_refuses_when_called_directly(world):
    report = file_report(world)
    with pytest.raises(PermissionDenied, match="无权"):
        reporting.report_answer(
            actor=world.head,
            task_id=open_task(report, "answer").pk,
            answer="withdraw",
            reason="x",
        )
