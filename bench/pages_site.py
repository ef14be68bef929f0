"""The URLconf and middleware of the server ``bench_pages.py`` measures (see
``bench.pages_settings``): the product's URLs unchanged, plus a baseline view."""

import functools
import os
import time

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, resolve, reverse

from config.urls import urlpatterns as product_urlpatterns
from organisations.models import County

STATEMENTS_HEADER = "X-Bench-Statements"
CPU_HEADER = "X-Bench-CPU-Microseconds"
WORKER_HEADER = "X-Bench-Worker"


@login_not_required
def baseline(request):
    """The baseline every page is compared with: one small ORM query (the first county's
    name) and a tiny plain-text response, through the same server and middleware. It is
    anonymous, so no session or user is read: exactly one statement."""
    name = County.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(f"baseline {name}", content_type="text/plain; charset=utf-8")


def signed_in(request):
    """The cost every signed-in page pays before it renders anything: the session and
    the user are read (two statements), then a tiny plain-text response."""
    return HttpResponse(f"signed in {request.user.pk}", content_type="text/plain; charset=utf-8")


@functools.cache
def _todo_page_site() -> dict:
    """The site and app viewflow's site middleware gives the 待办 page (read once)."""
    return getattr(resolve(reverse("todo:index")).url_name, "extra", {})


def frame(request):
    """The product's page frame with nothing in it (``qingdan/base_page.html``: header,
    side menu, 待办 badge, notifications), as the 待办 page shows it: the floor under
    every page a person sees. viewflow's site middleware gives the frame its site and
    app from the matched URL; this view borrows those of the 待办 page."""
    for name, value in _todo_page_site().items():
        setattr(request.resolver_match, name, value)
    return TemplateResponse(request, "qingdan/base_page.html", {"title": "frame"})


class StatementCountMiddleware:
    """Counts the SQL statements a request sends through Django's connection (session
    and user lookups, savepoints and, on SQLite, ``BEGIN`` included) with
    ``connection.execute_wrapper``, the hook ``CaptureQueriesContext`` relies on too,
    and measures the CPU time the request's thread spent in Django
    (``time.thread_time``: time the thread waited for a core is not in it, so it does
    not depend on how busy the machine is). Reports both, and the worker's process id,
    in response headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        began = time.thread_time_ns()
        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response[CPU_HEADER] = str((time.thread_time_ns() - began) // 1000)
        response[STATEMENTS_HEADER] = str(count)
        response[WORKER_HEADER] = str(os.getpid())
        return response


urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("bench/signed-in/", signed_in, name="bench-signed-in"),
    path("bench/frame/", frame, name="bench-frame"),
    *product_urlpatterns,
]
