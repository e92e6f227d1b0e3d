"""The browser tier: pages rendered in headless Chromium (Debian's /usr/bin/chromium, installed by
scripts/browser.sh) through Playwright (pinned in scripts/requirements-dev.txt; no `playwright install`).

`render(target)` opens a file path or URL and records every console message of type error, every
uncaught page error and every request that would leave the machine (a report must open offline; only
file:, data:, blob:, about: and the origins a test allows are served, the rest is aborted and counted as
an error). When the test ends the fixture saves a full-page screenshot to target/test-artefacts/browser/
and fails the test if anything was recorded (PLAUDIT_TEST_ARTEFACTS names another folder).
"""
import os

import pytest

from harness import CHROMIUM, Rendered

pytest_plugins = ["pytester"]  # test_harness.py runs a test of its own through the fixture


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/browser.sh (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


@pytest.fixture
def render(browser, request):
    """render(target, allow=()) -> Rendered: opens `target` (a path or URL) in a fresh page. At the
    end of the test: a screenshot named after the test, then a failure if the page reported errors."""
    opened = []

    def _render(target, allow=()):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        r = Rendered(ctx.new_page(), allow)
        opened.append((ctx, r))
        return r.open(target)

    yield _render
    try:
        for i, (_ctx, r) in enumerate(opened):
            r.screenshot(request.node.name + (f"-{i}" if i else ""))
        for _ctx, r in opened:
            r.assert_clean()
    finally:
        for ctx, _r in opened:
            ctx.close()
