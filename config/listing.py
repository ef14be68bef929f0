"""Links of list pages without reversing a URL pattern for every row.

A 50-row page links each row once or twice; reversing the pattern each time cost about
a tenth of the page. ``IdUrls`` reverses it once and fills in each row's ids.
"""

from collections.abc import Callable

# Placeholder ids reversed in place of real ones; distinctive enough never to occur in
# the rest of a URL (checked: a pattern where they do is reversed row by row instead).
_MARKS = ("9876543201", "9876543202")


class IdUrls:
    """URLs of one pattern whose only variable parts are integer ids.

    ``IdUrls(lambda *ids: reverse("app:detail", args=ids))(42)`` returns what the
    lambda returns for 42, having reversed the pattern once; ``arity`` is the number
    of ids (at most two).
    """

    def __init__(self, reverse: Callable[..., str], arity: int = 1):
        self._reverse = reverse
        marks = _MARKS[:arity]
        url = reverse(*marks)
        parts: list[str] | None = []
        rest = url
        for mark in marks:
            if url.count(mark) != 1 or mark not in rest:
                parts = None
                break
            head, rest = rest.split(mark)
            parts.append(head)
        self._parts = None if parts is None else [*parts, rest]

    def __call__(self, *ids) -> str:
        if self._parts is None:
            return self._reverse(*ids)
        return (
            "".join(f"{part}{pk}" for part, pk in zip(self._parts, ids, strict=False))
            + (self._parts[-1])
        )
