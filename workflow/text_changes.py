"""Short, readable accounts of how an item's text was amended (for notifications):
one line per changed field, e.g. ``事项名称：「燃气安全入户排查」改为「燃气安全入户检查」``
or, for a longer text, only the changed passages with a few characters around them."""

from difflib import SequenceMatcher

# Texts up to this long are quoted whole, before and after.
WHOLE_TEXT = 40
# Changed passages are quoted up to this long.
PASSAGE = 60
# Characters of unchanged text shown before an insertion, to say where it goes.
CONTEXT = 8
# Unchanged runs this short between two changes are folded into one change: a
# character-level diff of Chinese text otherwise splits one rewording into many.
FOLD = 3
# More separate changes than this (or less than half the text kept) read as a rewrite.
MAX_PASSAGES = 3


def _clip(text: str, limit: int = PASSAGE) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _passages(old: str, new: str) -> list[tuple[str, str, str]] | None:
    """The changed passages as ``(context before, old passage, new passage)``, or
    ``None`` when the texts differ too much to describe passage by passage."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < 0.5:
        return None
    spans: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if spans and i1 - spans[-1][1] <= FOLD and j1 - spans[-1][3] <= FOLD:
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    if len(spans) > MAX_PASSAGES:
        return None
    return [(old[max(0, i1 - CONTEXT) : i1], old[i1:i2], new[j1:j2]) for i1, i2, j1, j2 in spans]


def text_change(old: str, new: str) -> str:
    """How ``old`` became ``new``, in a sentence (both non-empty texts differ)."""
    old, new = old or "", new or ""
    if not old:
        return f"填写为「{_clip(new, 2 * PASSAGE)}」"
    if len(old) <= WHOLE_TEXT and len(new) <= WHOLE_TEXT:
        return f"「{old}」改为「{new}」"
    passages = _passages(old, new)
    if passages is None:
        return f"改写为「{_clip(new, 2 * PASSAGE)}」"
    parts = []
    for before, removed, added in passages:
        if removed and added:
            parts.append(f"「{_clip(removed)}」改为「{_clip(added)}」")
        elif removed:
            parts.append(f"删去「{_clip(removed)}」")
        elif before:
            parts.append(f"在「{before}」后增加「{_clip(added)}」")
        else:
            parts.append(f"开头增加「{_clip(added)}」")
    return "；".join(parts)


def amendment_lines(before: dict, after: dict, labels: dict[str, str]) -> list[str]:
    """One line ``<label>：<change>`` per field of ``after`` whose text differs from
    ``before``'s, in ``after``'s order; ``labels`` names the fields (else the key)."""
    return [
        f"{labels.get(name, name)}：{text_change(str(before.get(name) or ''), str(value))}"
        for name, value in after.items()
        if str(value or "") != str(before.get(name) or "")
    ]
