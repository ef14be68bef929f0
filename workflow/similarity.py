"""Text similarity for the review aid: which existing items look like a proposal.

Chinese text has no word boundaries, so items are compared on character bigrams
(Jaccard over the bigram sets of title and responsibilities, ``duty_lists.text``), with
the title counted twice and the same lead department ranked up.
"""

from dataclasses import dataclass

from duty_lists.models import DutyItem, ItemStatus
from duty_lists.selectors import applies_to_townships, applies_to_villages
from duty_lists.text import bigrams, jaccard

SAME_DEPARTMENT_BONUS = 0.1


@dataclass(frozen=True)
class SimilarItem:
    item: DutyItem
    score: float


def _profile(title: str, department_text: str, local_text: str) -> tuple[set, set]:
    return bigrams(title), bigrams(department_text + local_text)


def similarity(proposal: tuple[set, set], candidate: tuple[set, set]) -> float:
    """Weighted bigram similarity in [0, 1]: title 2/3, responsibilities 1/3."""
    return (2 * jaccard(proposal[0], candidate[0]) + jaccard(proposal[1], candidate[1])) / 3


def similar_items(
    *,
    county_id: int,
    level: str,
    title: str,
    department_responsibilities: str,
    local_responsibilities: str,
    lead_department_id: int | None,
    exclude_item_id: int | None = None,
    township_id: int | None = None,
    villages=None,
    limit: int = 5,
) -> list[SimilarItem]:
    """Up to ``limit`` items in force of the county's ``level`` list most like the
    proposal, best first, with their scores (rounded to 2 places). With
    ``township_id``, only items that apply to that township; with ``villages``
    (``{village id: Place}``), only items of a village-level list that apply to one of
    them (what their users may see). One query."""
    proposal = _profile(title, department_responsibilities, local_responsibilities)
    candidates = DutyItem.objects.filter(
        duty_list__county_id=county_id, duty_list__level=level, status=ItemStatus.IN_FORCE
    )
    if township_id is not None:
        candidates = candidates.filter(applies_to_townships([township_id]))
    if villages is not None:
        candidates = candidates.filter(applies_to_villages(villages))
    candidates = candidates.exclude(pk=exclude_item_id).select_related("lead_department")
    scored = []
    for item in candidates:
        score = similarity(
            proposal,
            _profile(item.title, item.department_responsibilities, item.local_responsibilities),
        )
        if lead_department_id and item.lead_department_id == lead_department_id:
            score += SAME_DEPARTMENT_BONUS
        if score > 0:
            scored.append(SimilarItem(item=item, score=round(min(score, 1.0), 2)))
    scored.sort(key=lambda entry: (-entry.score, entry.item.code))
    return scored[:limit]
