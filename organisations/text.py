"""Text rules every app shares (``organisations`` is the app all others build on).

- User-entered text is cleaned the same way everywhere (``clean_text``): invisible
  format characters (zero-width spaces and joiners, byte-order marks, direction marks,
  soft hyphens) and control characters other than line breaks and tabs are removed,
  line breaks normalised and the ends stripped, so a title made only of invisible
  characters or blanks is empty and refused like an empty one.
- Messages refer to units the user may not see by kind and id, never by name
  (``unit_reference``, ``invalid_ids_message``): an error must not tell one county the
  names of another's townships or departments.
"""

import unicodedata
from collections.abc import Iterable

# Kept although they are controls (Cc): they shape multi-line text.
_KEPT_CONTROLS = {"\n", "\t"}
# Unicode categories removed from user text: Cc control, Cf format (zero-width space
# U+200B, joiners U+200C/U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD,
# bidirectional marks and overrides) and Cs lone surrogates (which UTF-8 cannot store).
# Private-use characters stay: some systems encode rare characters of names there.
_REMOVED_CATEGORIES = {"Cc", "Cf", "Cs"}


def clean_text(value) -> str:
    """``value`` as clean text: ``None`` becomes ``""``; CR LF and CR become LF;
    invisible and control characters (see the module docstring) are removed; each
    line loses its trailing blanks and the whole its leading and trailing blanks
    (ideographic space U+3000 and no-break space included). Returns the text."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = "".join(
            ch
            for ch in text
            if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in _REMOVED_CATEGORIES
        )
    else:
        text = "".join(ch for ch in text if ch in _KEPT_CONTROLS or " " <= ch != "\x7f")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def clean_text_fields(instance, names, exclude=()) -> dict[str, list[str]]:
    """Clean the text fields ``names`` of a model ``instance`` in place (``clean_text``),
    skipping those in ``exclude``. Returns ``{field: [message]}`` for each required one
    (``blank=False``) left empty, the message naming the field; for a model's
    ``clean_fields``, which should then not check those fields again."""
    errors = {}
    for name in names:
        if name in exclude:
            continue
        value = clean_text(getattr(instance, name))
        setattr(instance, name, value)
        field = instance._meta.get_field(name)
        if not value and not field.blank:
            errors[name] = [f"{field.verbose_name}不能为空，也不能只包含空白或不可见字符。"]
    return errors


def unit_reference(unit, viewer) -> str:
    """How a message shown to ``viewer`` names a county, department, township, village
    or grid: its name in quotes (``“城关街道”``) when ``viewer`` holds a role in the
    unit's county (or is a superuser), else its kind and id (``乡镇(街道)（id 12）``), an
    id the viewer sent. One query (two for a village or grid)."""
    from .models import Membership
    from .permissions import unit_county_id

    county_id = unit_county_id(unit)
    if getattr(viewer, "is_superuser", False) or (
        getattr(viewer, "is_authenticated", False)
        and Membership.objects.filter(user=viewer, county_id=county_id).exists()
    ):
        return f"“{unit.name}”"
    return f"{unit._meta.verbose_name}（id {unit.pk}）"


def invalid_ids_message(kind: str, ids: Iterable) -> str:
    """The message for ids of ``kind`` (e.g. ``乡镇(街道)``) that do not exist or lie
    outside the user's county; both read the same, so the message tells neither."""
    return f"{kind} id 无效：{'、'.join(str(pk) for pk in ids)}。"
