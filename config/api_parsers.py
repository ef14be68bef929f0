"""Request body parsers of the API: JSON with a nesting limit.

Python's JSON decoder recurses once per nesting level, so a body of a hundred thousand
``[`` raised ``RecursionError`` (a 500) before any view code ran, even on the public
token endpoint. No body the API takes nests deeper than three levels.
"""

import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import get_encoding
from rest_framework.utils import json

MAX_JSON_DEPTH = 32
TOO_DEEP_MESSAGE = f"请求内容的 JSON 嵌套超过 {MAX_JSON_DEPTH} 层，未予处理。"


def too_large_message() -> str:
    """What a client is told when a form or JSON body exceeds Django's limit."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return f"请求内容过大（表单和 JSON 内容不能超过 {limit} KB，文件另计），未予处理。"


# A JSON string (escapes included), and everything that is not a bracket.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in the JSON ``text`` nest deeper than ``limit``.

    Brackets inside strings do not count. Stops at the first level past the limit, so
    a hostile body costs one pass over its brackets at most.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than ``MAX_JSON_DEPTH``.

    Returns the parsed data. Raises ``ParseError`` (400, ``{"detail": …}``) for a body
    that is not UTF-8 (or the declared charset), nests too deep, or is not JSON.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"请求内容不是有效的 {encoding} 文本。") from error
        if json_depth_exceeds(text):
            raise ParseError(TOO_DEEP_MESSAGE)
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as error:
            raise ParseError(f"请求内容不是有效的 JSON：{error}") from error
