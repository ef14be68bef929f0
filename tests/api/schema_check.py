"""The OpenAPI schema (``/api/schema/``) checked against what the server does.

``check_exchange`` is called (from ``tests/conftest.py``) for every call a test makes to
``/api/``: the JSON answer must match the schema of its operation and status (every
documented required property present, nothing undocumented, null only where the schema
says nullable), an accepted JSON body must match the operation's request schema, and the
keys of a 400 must be fields of the body that was sent (or query parameters),
``non_field_errors`` or keys the operation's 400 schema documents (``{"detail": …}``
alone for a body that could not be read).

The schema is generated once, as a client would download it, and turned from OpenAPI
3.0 into JSON Schema (``nullable`` becomes a ``null`` type, ``$ref`` points into
``$defs``, response objects refuse undocumented properties).
"""

import functools
import json
import re
from dataclasses import dataclass

import jsonschema
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

NON_FIELD = "non_field_errors"
REF_PREFIX = "#/components/schemas/"
# Paths whose answers are not described by an operation of the schema.
UNDESCRIBED = ("/api/schema/", "/api/docs/", "/api/redoc/")


@functools.cache
def openapi() -> dict:
    """The schema document as JSON (generated once per test run)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def _json_schema(node, *, strict: bool):
    """``node`` (OpenAPI 3.0 schema) as JSON Schema 2020-12; ``strict`` objects refuse
    undocumented properties."""
    if isinstance(node, list):
        return [_json_schema(item, strict=strict) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {}
    for key, value in node.items():
        if key == "$ref":
            converted[key] = "#/$defs/" + value.removeprefix(REF_PREFIX)
        elif key in ("properties", "patternProperties"):
            converted[key] = {k: _json_schema(v, strict=strict) for k, v in value.items()}
        elif key in ("discriminator", "nullable", "example", "readOnly", "writeOnly"):
            continue
        else:
            converted[key] = _json_schema(value, strict=strict)
    if strict and "properties" in node and "additionalProperties" not in node:
        converted["additionalProperties"] = False
    if node.get("nullable"):
        if "type" in converted and "enum" not in converted:
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


@functools.cache
def _definitions(strict: bool) -> dict:
    schemas = openapi()["components"]["schemas"]
    return {name: _json_schema(schema, strict=strict) for name, schema in schemas.items()}


def _validator(schema: dict, *, strict: bool) -> jsonschema.Draft202012Validator:
    root = {**_json_schema(schema, strict=strict), "$defs": _definitions(strict)}
    return jsonschema.Draft202012Validator(root)


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    spec: dict

    def request_schema(self, content_type: str) -> dict | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        return content.get(content_type, {}).get("schema")

    def response_schema(self, status: int) -> dict | None:
        response = self.spec.get("responses", {}).get(str(status))
        if response is None:
            return None
        return response.get("content", {}).get("application/json", {}).get("schema")

    def error_properties(self) -> set[str]:
        """The keys a 400 answer of this operation documents beyond the body's fields
        (e.g. the places of a refused file's problems)."""
        schema = self.response_schema(400)
        return set() if schema is None else set(_resolve(schema).get("properties", {}))

    def parameter_names(self) -> set[str]:
        return {parameter["name"] for parameter in self.spec.get("parameters", [])}


@functools.cache
def _path_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = []
    for template in openapi()["paths"]:
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        patterns.append((re.compile(f"^{regex}$"), template))
    return patterns


def operation(method: str, path: str) -> Operation | None:
    """The schema's operation for ``method`` on ``path`` (None if it has none)."""
    for pattern, template in _path_patterns():
        if pattern.match(path):
            spec = openapi()["paths"][template].get(method.lower())
            return None if spec is None else Operation(template, method.lower(), spec)
    return None


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi()["components"]["schemas"][schema["$ref"].removeprefix(REF_PREFIX)]
    return schema


def body_variant(schema: dict, body) -> dict | None:
    """The object schema a body was sent under: for a ``oneOf`` with a discriminator the
    variant its value names (None when the body names none)."""
    schema = _resolve(schema)
    if "oneOf" not in schema:
        return schema
    discriminator = schema.get("discriminator", {})
    value = body.get(discriminator.get("propertyName")) if isinstance(body, dict) else None
    reference = discriminator.get("mapping", {}).get(value) if isinstance(value, str) else None
    return None if reference is None else _resolve({"$ref": reference})


def documented_fields(schema: dict, body) -> set[str]:
    """The properties of the body variant the body was sent under (of every variant,
    when it names none)."""
    variant = body_variant(schema, body)
    variants = [variant] if variant is not None else [_resolve(s) for s in schema_variants(schema)]
    return {name for variant in variants for name in variant.get("properties", {})}


def schema_variants(schema: dict) -> list[dict]:
    """The alternatives of a body schema (itself when it has none)."""
    schema = _resolve(schema)
    return schema.get("oneOf", [schema])


class SchemaMismatch(AssertionError):
    """An answer or an accepted body that the schema does not describe."""


def _problems(validator, instance) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(body)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ][:10]


def check_exchange(
    *, method: str, path: str, content_type: str, body: bytes, status: int, answer
) -> None:
    """Raise ``SchemaMismatch`` when one API call disagrees with the schema (see the
    module docstring); ``answer`` is the decoded JSON answer or None."""
    if path == "/api/" or path.startswith(UNDESCRIBED):  # the browsable root, the docs
        return
    found = operation(method, path)
    where = f"{method} {path} → {status}"
    if found is None:
        # A call the schema does not offer (a GET of a POST-only path, say) must be
        # refused with a plain error.
        refused = 400 <= status < 500 and (answer is None or set(answer) == {"detail"})
        if refused:
            return
        raise SchemaMismatch(f"{where}: the schema has no such operation")
    sent = None
    media_type = content_type.split(";")[0].strip()
    if media_type == "application/json" and body:
        try:
            sent = json.loads(body)
        except (ValueError, RecursionError):  # the server refuses such a body itself
            sent = None
    request_schema = found.request_schema(media_type) if media_type else None
    if 200 <= status < 300 and request_schema is not None and sent is not None:
        problems = _problems(_validator(request_schema, strict=False), sent)
        if problems:
            raise SchemaMismatch(f"{where}: accepted a body the schema refuses: {problems}")
    if answer is None:
        return
    if status == 400 and isinstance(answer, dict) and set(answer) != {"detail"}:
        allowed = {NON_FIELD} | found.parameter_names() | found.error_properties()
        if request_schema is not None:
            allowed |= documented_fields(request_schema, sent)
        else:
            for alternative in found.spec.get("requestBody", {}).get("content", {}).values():
                allowed |= documented_fields(alternative["schema"], sent)
        unknown = set(answer) - allowed
        if unknown:
            raise SchemaMismatch(f"{where}: error keys {sorted(unknown)} are not documented")
    response_schema = found.response_schema(status)
    if response_schema is not None:
        problems = _problems(_validator(response_schema, strict=True), answer)
        if problems:
            raise SchemaMismatch(f"{where}: the answer does not match the schema: {problems}")
