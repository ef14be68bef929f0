"""这件事在清单上吗？ Which items of a list cover a duty someone describes.

A query is split into keywords (``duty_lists.text.keywords``). An item **covers** the
query when every keyword occurs, width- and case-insensitively, in its code, title,
department responsibilities, cooperating departments and their duties, local
responsibilities, basis or remarks. When no item covers it,
items are **near** matches when they contain at least ``NEAR_THRESHOLD`` of the query's
character bigrams ("燃气排查" is near "燃气安全入户排查"), so that a query worded
differently from the list still finds something to look at.

The functions work on any objects with those attributes (``ItemSnapshot`` or
``DutyItem``) and run no query.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .text import bigrams, coverage, keywords, normalise

# (attribute, label) of the searched fields, in the order a reader sees them.
# The local duties are named by the item's level where it says (``ItemSnapshot.
# local_responsibilities_label``, e.g. "乡镇(街道)职责").
SEARCHED_FIELDS = (
    ("code", "事项编码"),
    ("title", "事项名称"),
    ("department_responsibilities", "部门职责"),
    ("cooperation_text", "协同部门及职责"),
    ("local_responsibilities", "属地职责"),
    ("basis", "实施依据"),
    ("remarks", "备注"),
)
NEAR_THRESHOLD = 0.5
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class ItemMatch:
    """One item found for a query.

    ``covers`` is True when every keyword occurs in the item; ``score`` orders matches
    (higher first): for covering items the share of keywords found in the title plus 1,
    for near items the share of the query's bigrams found; ``fields`` are the labels of
    the fields in which a keyword (or, for near items, a bigram) was found.
    """

    item: object
    covers: bool
    score: float
    fields: tuple[str, ...]


@dataclass(frozen=True)
class SearchResult:
    """What a search found: ``matches`` best first, covering ones before near ones."""

    query: str
    keywords: tuple[str, ...]
    matches: tuple[ItemMatch, ...]

    @property
    def is_covered(self) -> bool:
        """True if at least one item contains every keyword."""
        return any(match.covers for match in self.matches)


def search_items(query: str, items: Iterable, *, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """Return the items of ``items`` that cover ``query``, or else its near matches.

    Covering items are returned when there is at least one; otherwise near matches
    (bigram coverage >= ``NEAR_THRESHOLD``). At most ``limit`` matches, ordered by score
    and then code. A query without letters or digits finds nothing.
    """
    words = tuple(keywords(query))
    if not words:
        return SearchResult(query=query, keywords=(), matches=())
    prepared = [(item, _normalised_fields(item)) for item in items]
    covering = [match for item, fields in prepared if (match := _cover(item, fields, words))]
    if covering:
        matches = covering
    else:
        wanted = set().union(*(bigrams(word) for word in words if len(word) > 1))
        matches = [match for item, fields in prepared if (match := _near(item, fields, wanted))]
    matches.sort(key=lambda match: (-match.score, match.item.code))
    return SearchResult(query=query, keywords=words, matches=tuple(matches[:limit]))


def _normalised_fields(item) -> tuple[tuple[str, str], ...]:
    return tuple(
        (_label(item, name, label), normalise(getattr(item, name, "") or ""))
        for name, label in SEARCHED_FIELDS
    )


def _label(item, name: str, label: str) -> str:
    if name == "local_responsibilities":
        return getattr(item, "local_responsibilities_label", label)
    return label


def _cover(item, fields, words) -> ItemMatch | None:
    found_in = [label for label, text in fields if any(word in text for word in words)]
    if not all(any(word in text for _, text in fields) for word in words):
        return None
    title = dict(fields)["事项名称"]
    in_title = sum(word in title for word in words) / len(words)
    return ItemMatch(item=item, covers=True, score=1 + in_title, fields=tuple(found_in))


def _near(item, fields, wanted: set) -> ItemMatch | None:
    if not wanted:
        return None
    found = set().union(*(bigrams(text) for _, text in fields))
    score = coverage(wanted, found)
    if score < NEAR_THRESHOLD:
        return None
    found_in = [label for label, text in fields if wanted & bigrams(text)]
    return ItemMatch(item=item, covers=False, score=round(score, 2), fields=tuple(found_in))
