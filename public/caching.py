"""HTTP caching of the public pages: every page of a county carries an ETag and a
Last-Modified date that change when anything it may show changes, so browsers and
proxies revalidate cheaply (304) and may keep a page for ``MAX_AGE`` seconds.

What a county's pages show changes when an item, a release, a township, a department,
the county itself or its settings get a history record, and at midnight (items take
effect or are withdrawn on dates). The version is read in one query.
"""

import datetime
import hashlib
from collections.abc import Callable
from functools import wraps
from importlib import metadata

from django.contrib.auth.decorators import login_not_required
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from duty_lists.models import DutyItem, Release
from organisations.models import County, Department, Township
from workflow.models import CountyWorkflowSettings

from . import selectors

MAX_AGE = 60


def _latest(model, **lookups) -> Subquery:
    records = model.history.model.objects.filter(**lookups).order_by("-history_date")
    return Subquery(records.values("history_date")[:1])


def county_last_modified(county: County) -> datetime.datetime:
    """The last moment the county's public pages may have changed: the newest history
    record of its items, releases, townships, departments, the county and its settings,
    or the start of today (Asia/Shanghai), whichever is later. One query."""
    county_ref = OuterRef("pk")
    row = (
        County.objects.filter(pk=county.pk)
        .annotate(
            changed_items=_latest(DutyItem, duty_list__county=county_ref),
            changed_releases=_latest(Release, duty_list__county=county_ref),
            changed_townships=_latest(Township, county=county_ref),
            changed_departments=_latest(Department, county=county_ref),
            changed_county=_latest(County, id=county_ref),
            changed_settings=_latest(CountyWorkflowSettings, county=county_ref),
        )
        .values_list(
            "changed_items",
            "changed_releases",
            "changed_townships",
            "changed_departments",
            "changed_county",
            "changed_settings",
        )
        .get()
    )
    today = timezone.localdate()
    midnight = datetime.datetime.combine(
        today, datetime.time.min, tzinfo=timezone.get_default_timezone()
    )
    return max([midnight, *(moment for moment in row if moment is not None)])


def _etag(county: County, last_modified: datetime.datetime) -> str:
    # The release of the code is part of the tag: a new release may render differently.
    version = metadata.version("qingdan")
    seed = f"{county.pk}:{last_modified.isoformat()}:{timezone.localdate()}:{version}"
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


def _mark_cacheable(response: HttpResponse, etag: str, last_modified: datetime.datetime):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def public_county_view(view: Callable) -> Callable:
    """Make ``view(request, county, **kwargs)`` a public page of ``county_code``.

    The wrapped view needs no login, answers only GET and HEAD, answers 404 when the
    county does not publish (``selectors.public_county_get``), answers 304 to a request
    whose ETag or date is still current, and marks its 200 answers cacheable.
    """

    @login_not_required
    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, county_code: str, **kwargs) -> HttpResponse:
        county = selectors.public_county_get(county_code)
        last_modified = county_last_modified(county)
        etag = _etag(county, last_modified)
        unchanged = get_conditional_response(
            request, etag=etag, last_modified=int(last_modified.timestamp())
        )
        if unchanged is not None:
            return _mark_cacheable(unchanged, etag, last_modified)
        response = view(request, county, **kwargs)
        if response.status_code == 200:
            _mark_cacheable(response, etag, last_modified)
        return response

    return wrapper
