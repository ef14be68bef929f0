"""Post-processing of the OpenAPI schema (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)
so that it says what the server does in two places drf-spectacular leaves open.

- **Error answers have a shape.** Every API error is JSON: a 400 maps each body field
  (or ``non_field_errors``) to its messages, or is ``{"detail": …}`` for a body that
  could not be read; every other 4xx is ``{"detail": …}``. An error response an
  endpoint documents by its description only gets that shape (``ValidationErrors`` or
  ``ErrorDetail``), so that a generated client reads the messages instead of dropping
  them. An endpoint that documents its own 400 schema keeps it.
- **A body with a discriminator is required.** drf-spectacular marks a request body
  required when its serializer has a required field, but not a ``oneOf`` body (a
  filing by ``kind``, a task completion by ``step``, a ruling by ``ruling``), whose
  every variant has required fields; the server refuses an empty body there.
"""

REF_PREFIX = "#/components/schemas/"
ERROR_DETAIL = "ErrorDetail"
VALIDATION_ERRORS = "ValidationErrors"

ERROR_SCHEMAS = {
    ERROR_DETAIL: {
        "type": "object",
        "description": "错误说明",
        "properties": {"detail": {"type": "string", "description": "错误信息"}},
        "required": ["detail"],
        "additionalProperties": False,
    },
    VALIDATION_ERRORS: {
        "type": "object",
        "description": (
            "按字段给出的错误：键为请求体中的字段名（或查询参数名），值为错误信息列表"
            "（嵌套字段为按其子字段给出的对象）；与字段无关的错误在 non_field_errors 下；"
            "请求体无法解析时只有 detail"
        ),
        "properties": {
            "non_field_errors": {
                "type": "array",
                "items": {"type": "string"},
                "description": "与字段无关的错误（如对象的状态不允许该操作）",
            },
            "detail": {"type": "string", "description": "请求体无法解析时的说明"},
        },
        "additionalProperties": {
            "description": "该字段的错误信息（字符串列表；嵌套字段为对象）",
        },
    },
}


def _reference(name: str) -> dict:
    return {"$ref": REF_PREFIX + name}


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].removeprefix(REF_PREFIX)]
    return schema


def describe_errors_and_bodies(result, generator, request, public):
    """drf-spectacular post-processing hook: returns the schema ``result`` with shapes
    for the error answers documented without one and the discriminated request bodies
    marked required (see the module docstring)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.update(ERROR_SCHEMAS)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if not code.startswith("4") or "content" in response:
                    continue
                name = VALIDATION_ERRORS if code == "400" else ERROR_DETAIL
                response["content"] = {"application/json": {"schema": _reference(name)}}
            body = operation.get("requestBody")
            if body is None or body.get("required"):
                continue
            schemas = [_resolve(c["schema"], components) for c in body["content"].values()]
            if schemas and all("discriminator" in s or s.get("required") for s in schemas):
                body["required"] = True
    return result
