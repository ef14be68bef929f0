"""Matching Chinese duty texts: normalisation, keywords and character bigrams.

Chinese has no word boundaries and people type the same text in full- or half-width
forms and mixed case ("ＡＢＣ", "abc"), so texts are compared after Unicode NFKC
normalisation and case folding, with whitespace and punctuation left out. Similar texts
are compared on their character bigrams (adjacent pairs), the review aid's measure of
likeness (``workflow.similarity``) and the public search's fallback.
"""

import unicodedata


def normalise(text: str) -> str:
    """Return ``text`` NFKC-normalised and case-folded, keeping only letters and digits
    (CJK characters included); "" for an empty text."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def keywords(query: str) -> list[str]:
    """Return the distinct normalised keywords of ``query``, in order.

    Whitespace and punctuation (、，；。 and their ASCII forms included) separate
    keywords: "燃气　入户，排查" gives ["燃气", "入户", "排查"]. Returns [] when the
    query has no letter or digit.
    """
    folded = unicodedata.normalize("NFKC", query or "").casefold()
    words, current = [], []
    for ch in folded:
        if ch.isalnum():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return list(dict.fromkeys(words))


def bigrams(text: str) -> set[str]:
    """The set of adjacent character pairs of ``text`` (whitespace and punctuation kept
    out); a one-character text gives itself."""
    cleaned = "".join(ch for ch in text if ch.isalnum())
    if len(cleaned) < 2:
        return {cleaned} if cleaned else set()
    return {cleaned[i : i + 2] for i in range(len(cleaned) - 1)}


def jaccard(left: set, right: set) -> float:
    """|left ∩ right| / |left ∪ right|; 0.0 when either set is empty."""
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def coverage(wanted: set, found: set) -> float:
    """The share of ``wanted`` that is in ``found`` (0.0 when ``wanted`` is empty)."""
    if not wanted:
        return 0.0
    return len(wanted & found) / len(wanted)
