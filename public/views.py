"""The public pages (公开查询): no login, read-only, one county at a time.

Every page of a county goes through ``caching.public_county_view``: 404 when the county
does not publish, 304 when the reader's copy is current, cacheable otherwise. Every read
goes through ``public.selectors``; templates are the app's own light, mobile-first pages
(no scripts).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from duty_lists.documents import FILE_FORMATS, document_response, list_document

from . import selectors
from .caching import MAX_AGE, public_county_view

SEARCH_MAX_LENGTH = 100


@login_not_required
@require_safe
def county_index(request):
    """/public/: the counties whose public pages are on."""
    response = render(
        request, "public/county_index.html", {"counties": list(selectors.public_counties())}
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@public_county_view
def county_home(request, county):
    """A county's front page: its three lists in force, townships, departments, the
    latest releases, the search box and the current 公示."""
    lists = selectors.lists_in_force(county)
    latest = selectors.latest_releases(county)
    return render(
        request,
        "public/county_home.html",
        {
            "county": county,
            "lists": [(entry, latest.get(entry.duty_list.pk)) for entry in lists],
            "townships": selectors.county_townships(county),
            "directory": selectors.county_directory(county, lists),
            "today": timezone.localdate(),
        },
    )


@public_county_view
def level_list(request, county, level):
    """One list in force today, every item, with its documents."""
    duty_list = selectors.county_list_get(county, level)
    (entry,) = selectors.lists_in_force(county, levels=(duty_list.level,))
    return render(
        request,
        "public/level_list.html",
        {"county": county, "entry": entry, "today": timezone.localdate()},
    )


@public_county_view
def township_page(request, county, township_code):
    """一乡一单: what applies to one township on each list, with its documents."""
    township = selectors.township_get(county, township_code)
    lists = selectors.township_lists(selectors.lists_in_force(county), township)
    return render(
        request,
        "public/township.html",
        {"county": county, "township": township, "lists": lists, "today": timezone.localdate()},
    )


@public_county_view
def department_page(request, county, department_code):
    """部门目录: the items a department has a role in on each list, with documents."""
    department = selectors.department_get(county, department_code)
    lists = selectors.department_lists(selectors.lists_in_force(county), department)
    return render(
        request,
        "public/department.html",
        {
            "county": county,
            "department": department,
            "lists": lists,
            "today": timezone.localdate(),
        },
    )


@public_county_view
def item_page(request, county, item_id):
    """One item's public fields and public change history."""
    item = selectors.public_item(selectors.item_get(county, item_id))
    return render(request, "public/item.html", {"county": county, "item": item})


@public_county_view
def release_list(request, county):
    """The county's releases with their 文号 and what each changed (counts)."""
    return render(
        request,
        "public/release_list.html",
        {"county": county, "releases": selectors.county_releases(county)},
    )


@public_county_view
def release_page(request, county, release_id):
    """One release: its 文号, decision, dates, the items it changed, its documents."""
    release = selectors.release_get(county, release_id)
    return render(
        request,
        "public/release.html",
        {
            "county": county,
            "release": release,
            "changes": selectors.release_changes(release),
        },
    )


@public_county_view
def search_page(request, county):
    """这件事在清单上吗？ The answer for a query (``q``), for one township or all."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    townships = selectors.county_townships(county)
    township_code = request.GET.get("township", "")
    township = next((t for t in townships if t.code == township_code), None)
    result = None
    if query:
        result = selectors.search(selectors.lists_in_force(county), query, township)
    return render(
        request,
        "public/search.html",
        {
            "county": county,
            "query": query,
            "townships": townships,
            "township": township,
            "result": result,
        },
    )


@public_county_view
def off_list_help(request, county):
    """How a township reports a demand that is not on its lists (清单外事项)."""
    return render(request, "public/off_list.html", {"county": county})


@public_county_view
def document(request, county, level, file_format):
    """A list document: the whole level, or ``?township=`` / ``?department=`` (codes),
    as of today or ``?release=`` (number), as Excel, PDF or the printable page."""
    if file_format not in FILE_FORMATS:
        raise Http404("没有该格式的文件。")
    duty_list = selectors.county_list_get(county, level)
    township = department = release = None
    if request.GET.get("township"):
        township = selectors.township_get(county, request.GET["township"])
    if request.GET.get("department"):
        department = selectors.department_get(county, request.GET["department"])
    if township is not None and department is not None:
        raise Http404("请只选择乡镇(街道)或部门之一。")
    if request.GET.get("release"):
        number = request.GET["release"]
        if not number.isdigit():
            raise Http404("没有该发布版本。")
        release = selectors.release_by_number(duty_list, int(number))
    content = list_document(duty_list, township=township, department=department, release=release)
    return document_response(content, file_format)
