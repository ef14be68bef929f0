"""Every API write endpoint refuses bad input with a JSON 4xx naming the field, and
writes nothing.

The kinds of bad input: a JSON body nested far too deep (it was a 500, even on the
public token endpoint), a body over Django's size limit (an HTML page), an id that is
not an integer (``1.5`` was taken as 1), and a required text made only of blanks and
invisible characters (it was stored). ``ENDPOINTS`` lists every write endpoint; a test
checks the list against the API's URLs, so a new endpoint cannot be left out.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from config.api_parsers import MAX_JSON_DEPTH, json_depth_exceeds
from evaluation.models import Indicator
from organisations import deputies
from tests.arbitration import world as report_world
from tests.decisions import as_proposed, prepare
from tests.evaluation.round_factories import (
    evaluation_world,
    open_round,
    sheet_of,
    submit_everything,
    xlsx_upload,
)
from tests.factories import SAFETY_LAW, category_of
from workflow import services
from workflow.models import ConsultationAnswer
from workflow.services import evaluating

from .conftest import answer, client_for, file_request, forward, lists_upload, open_task

pytestmark = pytest.mark.django_db

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff \u3000\u00ad\u202e"
TOO_DEEP = f"请求内容的 JSON 嵌套超过 {MAX_JSON_DEPTH} 层，未予处理。"


def too_large() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return f"请求内容过大（表单和 JSON 内容不能超过 {limit} KB，文件另计），未予处理。"


@dataclass
class Call:
    """A valid write: who sends what where."""

    user: object
    url: str
    body: dict
    multipart: bool = False


@dataclass
class Endpoint:
    """One write endpoint, how to make a well-formed call to it and what that call
    answers (``ok``), and its fields that take ids (field → how the bad id is put into
    the body) and required texts (field → the key its error comes under, and the
    message)."""

    route: str
    prepare: Callable[[pytest.FixtureRequest], Call]
    ok: int = 200
    ids: dict[str, Callable[[object], object]] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)


def single(bad):
    return bad


def listed(bad):
    return [bad]


def api_world(request) -> SimpleNamespace:
    return request.getfixturevalue("world")


# --- valid calls, one per endpoint ------------------------------------------------------


def token_call(request):
    world = api_world(request)
    world.staff.set_password("correct-horse-battery")
    world.staff.save()
    return Call(None, "/api/token/", {"username": world.staff.username, "password": "x" * 8})


def logout_call(request):
    return Call(api_world(request).staff, "/api/logout/", {})


def request_create_call(request):
    world = api_world(request)
    body = {
        "kind": "add",
        "level": "township",
        "initiator": {"type": "department", "id": world.department.pk},
        "title": "燃气安全入户排查",
        "category": category_of(world.county, SAFETY_LAW).pk,
        "duty_type": "cooperating",
        "lead_department": world.department.pk,
        "funding_source": "无",
        "staffing": "无",
        "equipment": "无",
        "department_responsibilities": "负责燃气安全监管和隐患整改执法。",
        "local_responsibilities": "配合开展入户排查，发现隐患及时报告。",
        "basis": "《城镇燃气管理条例》",
        "effective_date": "2026-01-01",
        "target_townships": [world.townships[0].pk],
        "reasons": "属地需要配合入户排查。",
    }
    return Call(world.staff, "/api/requests/", body)


def attachment_remove_call(request):
    world = api_world(request)
    process = file_request(world)
    attachment = services.attachment_add(
        actor=world.staff,
        process=process,
        uploaded_file=report_world.pdf(),
    )
    return Call(world.staff, f"/api/requests/{process.pk}/attachments/{attachment.pk}/remove/", {})


def attachment_call(request):
    world = api_world(request)
    process = file_request(world)
    return Call(
        world.staff,
        f"/api/requests/{process.pk}/attachments/",
        {"file": report_world.pdf()},
        multipart=True,
    )


def import_lists_call(request):
    world = api_world(request)
    body = {
        "file": lists_upload(world),
        "county": world.county.pk,
        "document_number": "清委办发〔2026〕12号",
        "effective_date": "2026-07-01",
    }
    return Call(world.office, "/api/lists/import/", body, multipart=True)


def review_call(request):
    world = api_world(request)
    task = open_task(file_request(world), "review")
    return Call(
        world.office,
        task_url(task),
        {"step": "review", "decision": "return", "comment": "请补充。"},
    )


def revise_call(request):
    world = api_world(request)
    process = file_request(world)
    from workflow import services

    services.change_request_review(
        actor=world.office,
        task_id=open_task(process, "review").pk,
        decision="return",
        comment="请补充。",
    )
    body = {
        "step": "revise",
        "title": "燃气安全入户排查（修改）",
        "lead_department": world.department.pk,
        "target_townships": [world.townships[0].pk],
    }
    return Call(world.staff, task_url(open_task(process, "revise")), body)


def consult_call(request):
    world = api_world(request)
    process = file_request(world)
    forward(world, process)
    task = open_task(process, "consult", township=world.townships[0].pk)
    return Call(
        world.heads[0],
        task_url(task),
        {"step": "consult", "answer": "contest", "reason": "人员不足。"},
    )


def arbitrate_call(request):
    world = api_world(request)
    process = file_request(world)
    forward(world, process)
    answer(world, process, 0, ConsultationAnswer.CONTEST, "人员不足。")
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    answer(world, process, 2, ConsultationAnswer.ACCEPT)
    body = {
        "step": "arbitrate",
        "decisions": {f"township:{world.townships[0].pk}": "admit_amended"},
        "reasoning": "经协调会研究决定。",
        "amendments": {"title": "燃气安全入户排查（修改后）"},
    }
    return Call(world.office, task_url(open_task(process, "arbitrate")), body)


def task_url(task) -> str:
    return f"/api/tasks/{task.pk}/complete/"


def report_create_call(request):
    world = report_world.make_world()
    body = {
        "township": world.township.pk,
        "department": world.department.pk,
        "assignment": "要求街道开展自建房结构安全排查。",
        "assigned_on": "2026-09-01",
        "channel": "document",
    }
    return Call(world.head, "/api/reports/", body)


def report_answer_call(request):
    world = report_world.make_world()
    report = report_world.file_report(world)
    return Call(
        world.staff,
        f"/api/reports/{report.pk}/answer/",
        {"answer": "dispute", "reason": "属于部门法定职责。"},
    )


def report_rule_call(request):
    world = report_world.make_world()
    report = report_world.file_report(world)
    report_world.answer(world, report)
    return Call(
        world.office,
        f"/api/reports/{report.pk}/rule/",
        {"ruling": "upheld", "reasoning": "交办事项不在清单内。"},
    )


def round_world():
    world = evaluation_world(with_round=False)
    world.round = open_round(world)
    return world


def round_open_call(request):
    world = evaluation_world(with_round=False)
    open_round(world, name="上一轮")  # creates the county's indicator sets
    body = {
        "county": world.county.pk,
        "name": "2026年度双向互评（第二轮）",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "deadline": "2099-01-31T17:00:00+08:00",
    }
    return Call(world.office, "/api/evaluation-rounds/", body)


def base_scores_call(request):
    world = round_world()
    body = {"department_scores": {str(world.departments[0].pk): "92.5"}}
    return Call(world.assessment, f"/api/evaluation-rounds/{world.round.pk}/base-scores/", body)


def base_scores_import_call(request):
    world = round_world()
    department = world.departments[0]
    file = xlsx_upload([("部门", department.code, department.name, "92.5")])
    return Call(
        world.assessment,
        f"/api/evaluation-rounds/{world.round.pk}/base-scores/import/",
        {"file": file},
        multipart=True,
    )


def _waiting_request(world):
    """A request every consulted township accepted: it waits for 审定."""
    process = file_request(world)
    forward(world, process)
    for index in range(3):
        answer(world, process, index, ConsultationAnswer.ACCEPT)
    return process


def batch_prepare_call(request):
    world = api_world(request)
    process = _waiting_request(world)
    body = {"title": "2026年第一批清单调整事项", "requests": [process.pk]}
    return Call(world.office, "/api/decision-batches/", body)


def batch_record_call(request):
    world = api_world(request)
    process = _waiting_request(world)
    batch = prepare(world.office, process)
    today = timezone.localdate().isoformat()
    body = {
        "decided_by": "县委常委会",
        "meeting_date": today,
        "document_number": "清委办发〔2026〕12号",
        "effective_date": today,
        "entries": [
            {
                "request": process.pk,
                "decisions": as_proposed(process)[process.pk],
                "amendments": {},
            }
        ],
    }
    return Call(world.office, f"/api/decision-batches/{batch.pk}/record/", body)


def batch_document_call(request):
    world = api_world(request)
    batch = prepare(world.office, _waiting_request(world))
    return Call(
        world.office,
        f"/api/decision-batches/{batch.pk}/documents/",
        {"file": report_world.pdf(), "kind": "minutes"},
        multipart=True,
    )


def round_close_call(request):
    world = round_world()
    submit_everything(world)
    return Call(world.office, f"/api/evaluation-rounds/{world.round.pk}/close/", {})


def round_publish_call(request):
    world = round_world()
    submit_everything(world)
    evaluating.evaluation_round_close(actor=world.office, round_id=world.round.pk)
    return Call(world.assessment, f"/api/evaluation-rounds/{world.round.pk}/publish/", {})


def sheet_call(action):
    def prepare(request):
        world = round_world()
        sheet = sheet_of(world.round, world.townships[0], world.departments[0])
        indicators = Indicator.objects.filter(indicator_set=world.round.township_set)
        scores = {str(i.pk): str(i.max_score) for i in indicators}
        body = {"mode": "indicators", "scores": scores, "comment": "好"}
        return Call(world.township_head, f"/api/score-sheets/{sheet.pk}/{action}/", body)

    return prepare


def _consultation(world):
    process = file_request(world)
    forward(world, process)
    return open_task(process, "consult", township=world.townships[0].pk)


def task_urge_call(request):
    world = api_world(request)
    task = _consultation(world)
    return Call(world.office, f"/api/tasks/{task.pk}/urge/", {"note": "请尽快答复。"})


def task_transfer_call(request):
    world = api_world(request)
    task = _consultation(world)
    body = {"to_user": world.township_staff.pk, "reason": "请代为答复。"}
    return Call(world.heads[0], f"/api/tasks/{task.pk}/transfer/", body)


def round_urge_call(request):
    world = round_world()
    return Call(
        world.office, f"/api/evaluation-rounds/{world.round.pk}/urge/", {"note": "请提交。"}
    )


def _deputy_body(world) -> dict:
    now = timezone.now()
    return {
        "unit": {"type": "township", "id": world.townships[0].pk},
        "deputy": world.township_staff.pk,
        "starts_at": now.isoformat(),
        "ends_at": (now + datetime.timedelta(days=3)).isoformat(),
        "reason": "外出学习。",
    }


def deputyship_create_call(request):
    world = api_world(request)
    return Call(world.heads[0], "/api/deputyships/", _deputy_body(world))


def deputyship_end_call(request):
    world = api_world(request)
    body = _deputy_body(world)
    deputyship = deputies.deputyship_set(
        actor=world.heads[0],
        unit=world.townships[0],
        deputy=world.township_staff,
        starts_at=timezone.now(),
        ends_at=timezone.now() + datetime.timedelta(days=3),
        reason=body["reason"],
    )
    return Call(world.heads[0], f"/api/deputyships/{deputyship.pk}/end/", {})


def id_key_of(name):
    """Put the bad id as the (only) key of the dict field ``name``."""

    def put(bad):
        return {str(bad): "80"}

    return put


ENDPOINTS = {
    # A wrong password (400): the token view writes only on success.
    "token": Endpoint("api:token", token_call, ok=400),
    "logout": Endpoint("api:logout", logout_call, ok=204),
    "request_create": Endpoint(
        "api:request-list",
        request_create_call,
        ok=201,
        ids={
            "initiator": lambda bad: {"type": "department", "id": bad},
            "lead_department": single,
            "target_townships": listed,
        },
        texts={
            "title": ("title", "请填写事项名称。"),
            "basis": ("basis", "请填写实施依据。"),
            "reasons": ("reasons", "请填写申请理由。"),
        },
    ),
    "import_lists": Endpoint(
        "api:list-import",
        import_lists_call,
        ids={"county": single},
        texts={"document_number": ("document_number", "请填写文号（或导入理由）。")},
    ),
    "request_attachment": Endpoint("api:request-attachments", attachment_call, ok=201),
    "request_attachment_remove": Endpoint(
        "api:request-attachment-remove", attachment_remove_call, ok=204
    ),
    "task_review": Endpoint(
        "api:task-complete",
        review_call,
        texts={"comment": ("comment", "退回或不予受理时，请说明理由。")},
    ),
    "task_revise": Endpoint(
        "api:task-complete",
        revise_call,
        ids={"lead_department": single, "target_townships": listed},
        texts={"title": ("title", "请填写事项名称。")},
    ),
    "task_consult": Endpoint(
        "api:task-complete",
        consult_call,
        texts={"reason": ("reason", "提出异议时请说明理由。")},
    ),
    "task_arbitrate": Endpoint(
        "api:task-complete",
        arbitrate_call,
        texts={"reasoning": ("reasoning", "请填写拟办理由。")},
    ),
    "report_create": Endpoint(
        "api:report-list",
        report_create_call,
        ok=201,
        ids={"township": single, "department": single},
        texts={"assignment": ("assignment", "请填写交办事项内容。")},
    ),
    "report_answer": Endpoint(
        "api:report-answer",
        report_answer_call,
        texts={"reason": ("reason", "请填写答复理由。")},
    ),
    "report_rule": Endpoint(
        "api:report-rule",
        report_rule_call,
        texts={"reasoning": ("reasoning", "请填写裁定理由。")},
    ),
    "round_open": Endpoint(
        "api:evaluation-round-list",
        round_open_call,
        ok=201,
        ids={"county": single},
        texts={"name": ("name", "请填写轮次名称。")},
    ),
    "round_base_scores": Endpoint(
        "api:evaluation-round-base-scores",
        base_scores_call,
        ids={"department_scores": id_key_of("department_scores")},
    ),
    "round_base_scores_import": Endpoint(
        "api:evaluation-round-base-scores-import", base_scores_import_call
    ),
    "batch_prepare": Endpoint(
        "api:decision-batch-list",
        batch_prepare_call,
        ok=201,
        ids={"requests": listed},
        texts={"title": ("title", "请填写批次名称。")},
    ),
    "batch_record": Endpoint(
        "api:decision-batch-record",
        batch_record_call,
        texts={
            "decided_by": ("decided_by", "请填写审定机关，如县委常委会、县政府常务会议。"),
            "document_number": ("document_number", "请填写印发文号，如清委办发〔2026〕12号。"),
        },
    ),
    "batch_document": Endpoint("api:decision-batch-documents", batch_document_call, ok=201),
    "round_close": Endpoint("api:evaluation-round-close", round_close_call),
    "round_publish": Endpoint("api:evaluation-round-publish", round_publish_call),
    "sheet_draft": Endpoint(
        "api:score-sheet-draft", sheet_call("draft"), ids={"scores": id_key_of("scores")}
    ),
    "sheet_submit": Endpoint(
        "api:score-sheet-submit", sheet_call("submit"), ids={"scores": id_key_of("scores")}
    ),
    "task_urge": Endpoint("api:task-urge", task_urge_call, ok=201),
    "task_transfer": Endpoint(
        "api:task-transfer", task_transfer_call, ok=201, ids={"to_user": single}
    ),
    "round_urge": Endpoint("api:evaluation-round-urge", round_urge_call, ok=201),
    "deputyship_create": Endpoint(
        "api:deputyships",
        deputyship_create_call,
        ok=201,
        ids={"unit": lambda bad: {"type": "township", "id": bad}, "deputy": single},
        texts={"reason": ("reason", "请填写委托事由。")},
    ),
    "deputyship_end": Endpoint("api:deputyship-end", deputyship_end_call),
}

# The error each id field gets for 1.5 (a number) and "1.5" (a string).
ID_ERRORS = {
    "initiator": "部门 id 应为整数，“1.5”无效。",
    "department": "部门 id 应为整数，“1.5”无效。",
    "lead_department": "部门 id 应为整数，“1.5”无效。",
    "target_townships": "乡镇(街道) id 应为整数，“1.5”无效。",
    "township": "乡镇(街道) id 应为整数，“1.5”无效。",
    "county": "县 id 应为整数，“1.5”无效。",
    "requests": "申请 id 应为整数，“1.5”无效。",
    "department_scores": "部门（编号 1.5）不是本轮的参评单位。",
    "scores": "指标（编号 1.5）不属于本评分表的指标体系。",
    "to_user": "用户 id 应为整数，“1.5”无效。",
    "deputy": "用户 id 应为整数，“1.5”无效。",
    "unit": "乡镇(街道) id 应为整数，“1.5”无效。",
}

# Tables every write could touch, compared whole before and after a refused call.
SNAPSHOT_APPS = (
    "organisations",
    "duty_lists",
    "arbitration",
    "workflow",
    "evaluation",
    "viewflow",
    "guardian",
)


def database_snapshot() -> dict:
    """Every row of every table of ``SNAPSHOT_APPS``, in primary-key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for app_label in SNAPSHOT_APPS
        for model in apps.get_app_config(app_label).get_models()
    }


def send(call: Call, body, *, raw: bytes | None = None, client=None):
    client = client or client_for(call.user)
    if raw is not None:
        return client.generic("POST", call.url, raw, content_type="application/json")
    if call.multipart:
        return client.post(call.url, body, format="multipart")
    return client.post(call.url, body, format="json")


def nested(depth: int):
    """A JSON value ``depth`` arrays deep."""
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


def refused(request, endpoint_name, make_body=None, *, raw=None):
    """Prepare the endpoint, send the bad call, and check nothing was written."""
    call = ENDPOINTS[endpoint_name].prepare(request)
    client = client_for(call.user)  # its token first: not part of the refused call
    before = database_snapshot()
    body = make_body(dict(call.body)) if make_body else call.body
    response = send(call, body, raw=raw, client=client)
    assert response["Content-Type"] == "application/json", response.content[:300]
    assert database_snapshot() == before
    return response


def test_every_api_write_endpoint_is_covered():
    routes = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "api":
                methods = _write_methods(pattern.callback)
                if methods:
                    routes.add(f"api:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    assert routes == {endpoint.route for endpoint in ENDPOINTS.values()}


def _write_methods(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return set(actions) & {"post", "put", "patch", "delete"}
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return {m for m in ("post", "put", "patch", "delete") if hasattr(view_class, m)}


@pytest.mark.parametrize("endpoint_name", list(ENDPOINTS))
def test_the_calls_spoiled_below_are_well_formed(request, endpoint_name):
    """So that each refusal below is the bad part's doing."""
    endpoint = ENDPOINTS[endpoint_name]
    call = endpoint.prepare(request)

    response = send(call, call.body)

    assert response.status_code == endpoint.ok, response.content[:300]


@pytest.mark.parametrize("endpoint_name", list(ENDPOINTS))
def test_deeply_nested_json_is_a_400(request, endpoint_name):
    depth = 100_000
    raw = json.dumps({"title": nested(10)})[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"

    response = refused(request, endpoint_name, raw=raw.encode())

    assert (response.status_code, response.json()) == (400, {"detail": TOO_DEEP})


@pytest.mark.parametrize("endpoint_name", list(ENDPOINTS))
def test_oversized_body_is_a_413_in_json(request, endpoint_name):
    padding = "填" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)

    response = refused(request, endpoint_name, lambda body: {**body, "padding": padding})

    assert (response.status_code, response.json()) == (413, {"detail": too_large()})


ID_CASES = [
    (name, field_name, bad)
    for name, endpoint in ENDPOINTS.items()
    for field_name in endpoint.ids
    for bad in (1.5, "1.5")
]


@pytest.mark.parametrize(("endpoint_name", "field_name", "bad"), ID_CASES)
def test_non_integer_id_is_a_400_naming_the_field(request, endpoint_name, field_name, bad):
    put = ENDPOINTS[endpoint_name].ids[field_name]

    response = refused(request, endpoint_name, lambda body: {**body, field_name: put(bad)})

    assert response.status_code == 400
    assert response.json() == {field_name: [ID_ERRORS[field_name]]}


TEXT_CASES = [
    (name, field_name) for name, endpoint in ENDPOINTS.items() for field_name in endpoint.texts
]


@pytest.mark.parametrize(("endpoint_name", "field_name"), TEXT_CASES)
def test_text_of_invisible_characters_is_a_400_naming_the_field(request, endpoint_name, field_name):
    key, message = ENDPOINTS[endpoint_name].texts[field_name]

    response = refused(request, endpoint_name, lambda body: {**body, field_name: INVISIBLE})

    assert response.status_code == 400
    assert response.json() == {key: [message]}


@pytest.mark.parametrize(
    ("text", "exceeds"),
    [
        (json.dumps(nested(MAX_JSON_DEPTH)), False),
        (json.dumps(nested(MAX_JSON_DEPTH + 1)), True),
        (json.dumps({"a": {"b": nested(MAX_JSON_DEPTH - 1)}}), True),
        (json.dumps({"title": "[" * 1000 + '\\"{' * 100}), False),  # brackets in a string
        (json.dumps([[1], [2], {"x": [3]}] * 1000), False),  # many, but shallow
    ],
)
def test_json_depth_counts_only_nesting_outside_strings(text, exceeds):
    assert json_depth_exceeds(text) is exceeds


def test_token_endpoint_parses_a_body_within_the_limit(world):
    world.staff.set_password("correct-horse-battery")
    world.staff.save()
    body = {"username": world.staff.username, "password": "correct-horse-battery"}
    body["extra"] = nested(MAX_JSON_DEPTH - 1)

    response = client_for(None).post("/api/token/", body, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires"}


@pytest.mark.parametrize("charset", ["bz2_codec", "no-such-charset"])
def test_body_in_a_charset_that_is_no_text_encoding_is_a_400(world, charset):
    before = database_snapshot()

    response = client_for(None).generic(
        "POST",
        "/api/token/",
        json.dumps({"username": "x", "password": "y"}).encode(),
        content_type=f"application/json; charset={charset}",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert database_snapshot() == before
