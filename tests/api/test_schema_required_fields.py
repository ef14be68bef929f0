"""The schema's required fields are what the server requires, and its optional fields are
optional, for every write endpoint and every body variant.

The schema is read as a client generated from ``/api/schema/`` reads it
(``tests.api.schema_check.openapi``). Each well-formed call of ``test_bad_input`` (plus
the other variants of a filing) is sent once without each field the schema marks
required: the server must refuse it with a 400 whose errors name that field, and write
nothing. It is sent once without each optional field it has: the server must accept it
(the accepted call is rolled back before the next one).
"""

import pytest
from django.db import transaction

from evaluation.models import RoundMode
from tests.evaluation.round_factories import evaluation_world, open_round, sheet_of
from tests.factories import make_item

from .conftest import client_for
from .schema_check import body_variant, openapi, operation, schema_variants
from .test_bad_input import ENDPOINTS, Call, Endpoint, api_world, database_snapshot, send

pytestmark = pytest.mark.django_db


def amend_call(request):
    world = api_world(request)
    item = make_item(county=world.county, lead_department=world.department)
    body = {
        "kind": "amend",
        "initiator": {"type": "department", "id": world.department.pk},
        "target_item": item.pk,
        "title": "燃气安全入户排查（修改）",
        "target_townships": [world.townships[0].pk],
        "reasons": "职责调整。",
    }
    return Call(world.staff, "/api/requests/", body)


def withdraw_call(request):
    world = api_world(request)
    item = make_item(
        county=world.county, lead_department=world.department, townships=[world.townships[0]]
    )
    body = {
        "kind": "withdraw",
        "initiator": {"type": "township", "id": world.townships[0].pk},
        "target_item": item.pk,
        "reasons": "本街道无此类场所。",
    }
    return Call(world.heads[0], "/api/requests/", body)


def simple_sheet_call(action):
    """A sheet of a simple-mode round (满意度评价): its bodies are the ``simple`` variant."""

    def prepare(request):
        world = evaluation_world(with_round=False)
        world.round = open_round(world, mode=RoundMode.SIMPLE)
        sheet = sheet_of(world.round, world.townships[0], world.departments[0])
        body = {"mode": "simple", "rating": "satisfied", "comment": "配合到位"}
        return Call(world.township_head, f"/api/score-sheets/{sheet.pk}/{action}/", body)

    return prepare


CALLS = {
    **ENDPOINTS,
    "request_amend": Endpoint("api:request-list", amend_call, ok=201),
    "request_withdraw": Endpoint("api:request-list", withdraw_call, ok=201),
    "sheet_draft_simple": Endpoint("api:score-sheet-draft", simple_sheet_call("draft")),
    "sheet_submit_simple": Endpoint("api:score-sheet-submit", simple_sheet_call("submit")),
}


def body_schema(call: Call) -> dict:
    """The schema's object for the body ``call`` sends (its variant, for a body with a
    discriminator; an empty object for an endpoint that documents no body, which the
    call must not send)."""
    found = operation("post", call.url)
    assert found is not None, f"the schema has no POST {call.url}"
    media_type = "multipart/form-data" if call.multipart else "application/json"
    schema = found.request_schema(media_type)
    if schema is None:
        assert call.body == {}, f"POST {call.url} documents no {media_type} body"
        return {}
    variant = body_variant(schema, call.body)
    assert variant is not None, f"POST {call.url}: the body names no variant of {schema}"
    return variant


def writable(schema: dict) -> dict:
    return {
        name: spec
        for name, spec in schema.get("properties", {}).items()
        if not spec.get("readOnly")
    }


def without(body: dict, name: str) -> dict:
    """``body`` less ``name``; an uploaded file in it is rewound (each call reads it)."""
    for value in body.values():
        if hasattr(value, "seek"):
            value.seek(0)
    return {key: value for key, value in body.items() if key != name}


@pytest.mark.parametrize("endpoint_name", list(CALLS))
def test_each_documented_required_field_is_required(request, endpoint_name):
    endpoint = CALLS[endpoint_name]
    call = endpoint.prepare(request)
    schema = body_schema(call)
    required = schema.get("required", [])
    # The well-formed call sends every required field, so that leaving one out is
    # the only thing wrong with each call below.
    assert set(required) <= set(call.body), (endpoint_name, required, sorted(call.body))
    client = client_for(call.user)
    before = database_snapshot()

    answers = {name: send(call, without(call.body, name), client=client) for name in required}

    for name, response in answers.items():
        assert response.status_code == 400, (endpoint_name, name, response.content[:300])
        assert name in response.json(), (endpoint_name, name, response.json())
    assert database_snapshot() == before


# Optional fields of which a body must have one (the schema cannot say so; their help
# texts do): an off-list report names its township, or the village reporting through it.
ONE_OF = {"report_create": ("township", "village")}


def test_a_body_without_either_alternative_is_refused_naming_the_first(request):
    call = CALLS["report_create"].prepare(request)
    first, second = ONE_OF["report_create"]
    schema = body_schema(call)
    assert {first, second} <= set(writable(schema)) - set(schema.get("required", []))
    assert second not in call.body
    client = client_for(call.user)
    before = database_snapshot()

    response = send(call, without(call.body, first), client=client)

    assert (response.status_code, list(response.json())) == (400, [first])
    assert database_snapshot() == before


@pytest.mark.parametrize("endpoint_name", list(CALLS))
def test_each_documented_optional_field_is_optional(request, endpoint_name):
    endpoint = CALLS[endpoint_name]
    call = endpoint.prepare(request)
    schema = body_schema(call)
    optional = sorted((set(writable(schema)) - set(schema.get("required", []))) & set(call.body))
    # One of a pair of alternatives is left out only when the other is sent.
    pair = set(ONE_OF.get(endpoint_name, ()))
    optional = [name for name in optional if name not in pair or (pair - {name}) & set(call.body)]
    client = client_for(call.user)

    statuses = {}
    for name in optional:
        with transaction.atomic():
            response = send(call, without(call.body, name), client=client)
            statuses[name] = (response.status_code, response.content[:200])
            transaction.set_rollback(True)

    accepted = {name: status for name, (status, _) in statuses.items()}
    assert accepted == dict.fromkeys(optional, endpoint.ok), statuses


def _operations():
    for path, operations in openapi()["paths"].items():
        for method, spec in operations.items():
            yield f"{method.upper()} {path}", spec


def test_every_error_answer_is_documented_with_its_shape():
    shapeless = [
        f"{name} → {code}"
        for name, spec in _operations()
        for code, response in spec["responses"].items()
        if code.startswith("4") and "application/json" not in response.get("content", {})
    ]

    assert shapeless == []


def test_a_body_whose_every_variant_has_required_fields_is_itself_required():
    optional = [
        name
        for name, spec in _operations()
        if "requestBody" in spec
        and not spec["requestBody"].get("required")
        and all(
            variant.get("required")
            for content in spec["requestBody"]["content"].values()
            for variant in schema_variants(content["schema"])
        )
    ]

    assert optional == []
    assert openapi()["paths"]["/api/tasks/{id}/complete/"]["post"]["requestBody"]["required"]
