"""The viewflow UI is translated into Simplified Chinese.

viewflow ships a zh_Hans catalogue whose msgstr are all empty, so Qingdan overrides it
with ``config/locale/zh_Hans/LC_MESSAGES/django.po`` (LOCALE_PATHS wins over app
catalogues). These tests read viewflow's own catalogue and check that every one of its
strings comes out translated with zh-hans active, so a missing, stale or uncompiled
project catalogue fails here.
"""

import ast
import json
import re
from pathlib import Path

import pytest
import viewflow
from django.conf import settings
from django.utils import translation

VIEWFLOW_PO = Path(viewflow.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PROJECT_PO = settings.BASE_DIR / "config" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Date/time input placeholders (viewflow/forms/renderers.py). "MM" stands for both month
# and minute, so no single Chinese word fits; the usual YYYY-MM-DD HH:MM:SS notation is kept.
UNTRANSLATED_FORMAT_TOKENS = {"YYYY", "MM", "DD", "HH", "SS"}

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^{}]*\}")
LATIN = re.compile(r"[A-Za-z]")
LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def parse_po(path):
    """Return the entries of a .po file as dicts (msgctxt, msgid, msgid_plural, msgstr...)."""
    entries = []
    entry, key = {}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line and entry:
                entries.append(entry)
                entry, key = {}, None
            continue
        match = LINE.match(line)
        if match:
            key = match.group(1)
            entry[key] = ast.literal_eval(match.group(2))
        else:
            entry[key] += ast.literal_eval(line)
    return [e for e in entries if e.get("msgid")]  # drop the header


def entry_id(entry):
    ctx = entry.get("msgctxt")
    return f"{ctx}|{entry['msgid'].strip()}" if ctx else entry["msgid"].strip()


def translate(entry, n=1):
    msgid, plural, ctx = entry["msgid"], entry.get("msgid_plural"), entry.get("msgctxt")
    with translation.override("zh-hans"):
        if plural is not None:
            if ctx:
                return translation.npgettext(ctx, msgid, plural, n)
            return translation.ngettext(msgid, plural, n)
        if ctx:
            return translation.pgettext(ctx, msgid)
        return translation.gettext(msgid)


def has_latin_text(text):
    return bool(LATIN.search(PLACEHOLDER.sub("", text)))


VIEWFLOW_ENTRIES = parse_po(VIEWFLOW_PO)
PROJECT_ENTRIES = parse_po(PROJECT_PO)


def test_catalogues_parsed():
    assert len(VIEWFLOW_ENTRIES) > 100
    assert len(PROJECT_ENTRIES) >= len(VIEWFLOW_ENTRIES)


def test_project_catalogue_has_every_viewflow_msgid():
    project_keys = {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in PROJECT_ENTRIES}
    missing = [
        entry_id(e)
        for e in VIEWFLOW_ENTRIES
        if (e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) not in project_keys
    ]
    assert not missing


@pytest.mark.parametrize("entry", VIEWFLOW_ENTRIES, ids=entry_id)
def test_viewflow_string_is_translated(entry):
    for n, source in ((1, entry["msgid"]), (2, entry.get("msgid_plural") or entry["msgid"])):
        result = translate(entry, n)
        assert result.strip()
        if has_latin_text(source) and source.strip() not in UNTRANSLATED_FORMAT_TOKENS:
            assert result != source
            assert not has_latin_text(result), result


@pytest.mark.parametrize("entry", PROJECT_ENTRIES, ids=entry_id)
def test_compiled_catalogue_matches_po(entry):
    """The committed .mo is in step with the .po and keeps every placeholder."""
    expected = entry.get("msgstr", entry.get("msgstr[0]"))
    assert translate(entry) == expected
    sources = entry["msgid"] + (entry.get("msgid_plural") or "")
    assert set(PLACEHOLDER.findall(expected)) <= set(PLACEHOLDER.findall(sources))
    if entry.get("msgid_plural") is None:
        assert sorted(PLACEHOLDER.findall(expected)) == sorted(PLACEHOLDER.findall(sources))


def test_sample_ui_strings():
    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == "登录"
        assert translation.gettext("Log out") == "退出登录"
        assert translation.gettext("Filter") == "筛选"
        assert translation.gettext("Inbox") == "待办"
        assert translation.gettext("Viewflow Demo suite") == "清单管理系统"
        assert translation.pgettext("STATUS", "Done") == "已完成"


VIEWFLOW_JS = Path(viewflow.__file__).parent / "static" / "viewflow" / "js" / "viewflow.min.js"
JS_GETTEXT = re.compile(r'\bgt\("((?:[^"\\]|\\.)*)"\)')


def test_every_viewflow_javascript_string_has_a_chinese_translation(client, django_user_model):
    """viewflow's JavaScript translates through the /jsi18n/ catalogue: each of the
    strings it passes to gettext must come back translated (and with its placeholders)."""
    js_strings = set(JS_GETTEXT.findall(VIEWFLOW_JS.read_text(encoding="utf-8")))
    assert "%(sel)s of %(cnt)s selected" in js_strings  # the pattern still finds them
    response = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    catalogue = re.search(r"const newcatalog = (\{.*?\});", body, re.S)
    assert catalogue, "the JavaScript catalogue came back without a catalogue"
    # Plural entries come as lists of forms; zh-hans has a single form.
    translated = {
        key: value[0] if isinstance(value, list) else value
        for key, value in json.loads(catalogue.group(1)).items()
    }
    missing = sorted(s for s in js_strings if not translated.get(s))
    assert not missing, f"untranslated viewflow JavaScript strings: {missing}"
    for msgid in js_strings:
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(translated[msgid]))


def test_list_pagination_summary_is_chinese():
    """viewflow hard-codes "1-2 of 2" in its pagination template; the override translates it."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(list(range(30)), 10).page(2)
    with translation.override("zh-hans"):
        html = render_to_string(
            "viewflow/includes/list_pagination.html",
            {
                "page_obj": page,
                "paginator": page.paginator,
                "view": type("V", (), {"page_kwarg": "page"}),
            },
        )
    assert "第 11-20 条，共 30 条" in html
    assert " of " not in html
