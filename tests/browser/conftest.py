"""End-to-end tests in headless Chromium, driven by Playwright's sync API.

Debian's ``chromium`` package is used (``/usr/bin/chromium``, or ``QINGDAN_CHROMIUM``):
Playwright's own browser download is not available on our machines. Mark tests with
``@pytest.mark.browser`` and ``@pytest.mark.django_db(transaction=True)`` and use
pytest-django's ``live_server``. A failing test leaves a screenshot in
``test-artifacts/``.

Without Chromium the tests fail with the install command in the message (``.ci/run``
installs it).
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in this thread; without
# this, Django refuses the ORM calls that tests make to set up their data.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("QINGDAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

_reports_key = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium shared by the whole session."""
    if not Path(CHROMIUM).is_file():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with "
            "`apt-get install -y chromium fonts-wqy-microhei` or set QINGDAN_CHROMIUM."
        )
        pytest.fail(message, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# Reports every Content-Security-Policy violation of a document to the test.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.qingdanCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`
  );
});
"""


@pytest.fixture
def csp_violations():
    """Content-Security-Policy violations seen by ``page`` so far (a list of strings:
    the browser's console messages about the policy and the documents' violation
    events)."""
    return []


@pytest.fixture
def page(browser, request, csp_violations):
    """A fresh page (own cookies) in Chinese; screenshots itself if the test fails.

    Every test that uses it also fails if a page broke the Content-Security-Policy.
    """
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.expose_binding("qingdanCspViolation", lambda source, text: csp_violations.append(text))
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    reports = request.node.stash.get(_reports_key, {})
    if any(report.failed for report in reports.values()):
        artifacts = request.config.rootpath / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    context.close()
    if csp_violations:
        pytest.fail(f"Content-Security-Policy violations: {csp_violations}", pytrace=False)


@pytest.fixture
def log_in(page, live_server):
    """Log ``username`` in through the login page and wait until it has been left.

    viewflow's frontend submits forms with Turbo (no full page load), so the helper
    waits for the URL to change rather than for a navigation event.
    """

    def log_in(username: str, password: str, next_path: str = "/"):
        page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        # The page's own scripts run before a test types into it.
        page.wait_for_load_state("load")
        return page

    return log_in
