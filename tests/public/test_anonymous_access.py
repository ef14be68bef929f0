"""Nothing but the public pages answers an anonymous visitor.

Every URL pattern of the project is walked (so a page added later is checked too),
turned into a concrete URL and requested without logging in: apart from the public
pages and API (``/public/``, ``/api/public/``) and the pages a visitor needs to log in
or read the API's description, each must refuse: a redirect to a login page, 401 or
403.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

pytestmark = pytest.mark.django_db

# Routes an anonymous visitor may open: the public pages and API, logging in and
# resetting a password, the language switch and translations, the API's token
# endpoint, schema and docs.
OPEN_ROUTES = re.compile(
    r"^(public/|api/public/|accounts/login/|accounts/password_reset/|accounts/reset/"
    r"|admin/login/|i18n/setlang/|jsi18n/|api/token/|api/schema/|api/docs/|api/redoc/)"
)
# Sample values tried, in order, for a URL argument; the first its pattern accepts wins.
# A format suffix gets a format the API knows (an unknown one is a 404 before any
# authentication).
SAMPLES = ("1", "json", "x", "auth", ".json")
FORMAT_SAMPLES = ("json", ".json")
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


def _sample(pattern: str, name: str = "") -> str:
    for sample in (*FORMAT_SAMPLES, *SAMPLES) if name == "format" else SAMPLES:
        if re.fullmatch(pattern, sample):
            return sample
    raise AssertionError(f"no sample value fits {pattern!r}")


def _regex_part(regex: str) -> str:
    text = regex.removeprefix("^").removesuffix("$")
    text = re.sub(r"\(\?P<(\w+)>([^()]*)\)", lambda m: _sample(m.group(2), m.group(1)), text)
    text = re.sub(r"\(([^()?]*)\)", lambda m: _sample(m.group(1)), text)
    return text.replace("/?", "/").replace("\\.", ".")


def _route_part(pattern: RoutePattern) -> str:
    def fill(match):
        converter = pattern.converters[match.group(2)]
        return _sample(converter.regex, match.group(2))

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, str(pattern))


def _part(pattern) -> str:
    if isinstance(pattern, RegexPattern):
        return _regex_part(pattern.regex.pattern)
    return _route_part(pattern)


def project_urls(patterns=None, prefix="", route=""):
    """Yield ``(route, url, callback)`` for every URL pattern of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from project_urls(
                pattern.url_patterns,
                prefix + _part(pattern.pattern),
                route + str(pattern.pattern),
            )
        elif isinstance(pattern, URLPattern):
            yield route + str(pattern.pattern), "/" + prefix + _part(pattern.pattern), pattern


def closed_urls():
    return [
        (route, url, pattern)
        for route, url, pattern in project_urls()
        if not OPEN_ROUTES.match(route)
    ]


def test_the_walk_reaches_every_part_of_the_site():
    routes = [route for route, _, _ in closed_urls()]

    assert len(routes) > 300
    for part in ("admin/", "api/", "lists/", "changerequest/", "reports/", "evaluation/"):
        assert any(route.startswith(part) for route in routes), part
    assert any(route.startswith("api/documents/") for route in routes)
    assert not any(route.startswith(("public/", "api/public/")) for route in routes)


def test_every_generated_url_reaches_its_own_pattern():
    for route, url, pattern in closed_urls():
        match = resolve(url.split("?")[0])
        assert match.func == pattern.callback, (route, url, match.route)


def test_no_page_or_api_outside_the_public_ones_answers_an_anonymous_visitor():
    client = Client()
    answered = {}
    for route, url, _ in closed_urls():
        response = client.get(url)
        refused = response.status_code in (401, 403) or (
            response.status_code == 302 and response["Location"].startswith(LOGIN_PAGES)
        )
        if not refused:
            answered[route] = (url, response.status_code)

    assert answered == {}
