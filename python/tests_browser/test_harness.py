"""The browser tier's harness on pages of its own: it passes a clean page, and it fails a test whose
page logs a console error, throws, reaches the network or turns an untrusted text into markup."""
import os
import textwrap

import pytest

from harness import Rendered

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "report_like.html")
PWNED = "<script>window.__pwned=1</script>"


def page(tmp_path, body, name="page.html"):
    path = tmp_path / name
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>")
    return str(path)


def bare(browser, target):
    """The harness without the fixture's teardown check, to look at what it recorded."""
    ctx = browser.new_context()
    r = Rendered(ctx.new_page(), ())
    r.open(target)
    r.page.wait_for_timeout(0)  # let pending console events arrive
    return ctx, r


def test_report_like_page_renders_and_shows_script_as_text(render, request):
    r = render(FIXTURE)
    p = r.page
    assert p.locator("#headline").inner_text().startswith("3 samples")
    assert p.locator("#charts svg").count() == 1
    assert p.locator("#rollouts tr.rollout").count() == 3
    assert p.locator("#rollout-detail").inner_text() == ""
    p.locator("#rollouts tr.rollout").nth(1).click()
    r.text_shown_as_text("#rollout-detail", PWNED)
    assert p.locator("#rollout-detail pre.response").text_content() == PWNED
    assert p.evaluate("typeof window.__pwned") == "undefined"
    # The entity in row 2 stays as written, not decoded twice.
    assert p.locator("#rollouts tr.rollout").nth(2).locator("td").nth(2).text_content() == "4 &amp; done"
    shot = r.screenshot(request.node.name + "-opened")
    assert os.path.getsize(shot) > 1000


def test_console_error_page_error_and_network_are_recorded(browser, tmp_path):
    target = page(tmp_path, """<script>console.error("boom from the page")</script>
        <img src="https://cdn.example.invalid/x.png">
        <script>setTimeout(() => { throw new Error("late failure") }, 0)</script>""")
    ctx, r = bare(browser, target)
    try:
        r.page.wait_for_timeout(50)
        text = "\n".join(r.errors)
        assert "console.error: boom from the page" in text
        assert "page error: late failure" in text
        assert "network request (the page must work offline): https://cdn.example.invalid/x.png" in text
        with pytest.raises(AssertionError, match="boom from the page"):
            r.assert_clean()
    finally:
        ctx.close()


def test_markup_made_from_untrusted_text_is_caught(browser, tmp_path):
    # innerHTML: the <script> does not run, but it became an element: the check must say so.
    target = page(tmp_path, """<pre id="out"></pre>
        <script>document.getElementById("out").innerHTML =
          "shown: <" + "script>window.__pwned=1<" + "/script>";</script>""")
    ctx, r = bare(browser, target)
    try:
        with pytest.raises(AssertionError, match="<script> element"):
            r.text_shown_as_text("#out", "shown")
    finally:
        ctx.close()


def test_fixture_fails_the_test_on_a_console_error(pytester, monkeypatch, tmp_path):
    """A test using `render` on a page that logs an error fails at teardown, and still leaves its
    screenshot."""
    shots = tmp_path / "shots"
    monkeypatch.setenv("PLAUDIT_TEST_ARTEFACTS", str(shots))
    pytester.makeconftest(open(os.path.join(HERE, "conftest.py")).read())
    pytester.makepyfile(harness=open(os.path.join(HERE, "harness.py")).read())
    bad = pytester.path / "bad.html"
    bad.write_text("<!doctype html><p>hello</p><script>console.error('harness must see this')</script>")
    pytester.makepyfile(test_inner=textwrap.dedent(f"""
        def test_opens_a_bad_page(render):
            r = render({str(bad)!r})
            assert r.page.inner_text("p") == "hello"
    """))
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*console.error: harness must see this*"])
    assert (shots / "test_opens_a_bad_page.png").stat().st_size > 1000
