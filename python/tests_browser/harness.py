"""The browser tier's harness (its fixtures are in conftest.py): a page opened in headless Chromium
with every console error, uncaught page error and network request it made recorded."""
import os
import re
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = os.environ.get("PLAUDIT_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = os.environ.get("PLAUDIT_TEST_ARTEFACTS") or os.path.join(
    ROOT, "target", "test-artefacts", "browser")
LOCAL_SCHEMES = ("file", "data", "blob", "about")


class Rendered:
    """One page opened in the browser, with what went wrong while it ran."""

    def __init__(self, page, allowed_origins):
        self.page = page
        self.errors = []
        self._allowed = set(allowed_origins)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.route("**/*", self._on_request)

    def _on_console(self, msg):
        if msg.type == "error":
            loc = msg.location or {}
            where = f"{loc.get('url', '')}:{loc.get('lineNumber', '')}"
            self.errors.append(f"console.error: {msg.text} ({where})")

    def _on_request(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or f"{parts.scheme}://{parts.netloc}" in self._allowed:
            route.continue_()
        else:
            self.errors.append(f"network request (the page must work offline): {url}")
            route.abort()

    def open(self, target):
        url = target if re.match(r"^[a-z]+:", target) else "file://" + os.path.abspath(target)
        self.page.goto(url, wait_until="load")
        return self

    def screenshot(self, name):
        os.makedirs(ARTEFACTS, exist_ok=True)
        path = os.path.join(ARTEFACTS, re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".png")
        self.page.screenshot(path=path, full_page=True)
        return path

    def assert_clean(self):
        assert not self.errors, "the page reported errors:\n  " + "\n  ".join(self.errors)

    def text_shown_as_text(self, selector, text):
        """`text` appears in `selector`'s text and no <script> element was made from it."""
        el = self.page.locator(selector)
        content = el.text_content()
        assert text in content, f"{selector} does not show {text!r} as text: {content[:500]!r}"
        scripts = el.evaluate("e => e.querySelectorAll('script').length")
        assert scripts == 0, \
            f"{selector} holds {scripts} <script> element(s): an untrusted text became markup"
