"""`plaudit report`'s page in the browser: the README's first score (examples/quickstart.jsonl) plus a
rollout whose response is a script (and one whose prompt opens an HTML comment and a script),
reported, opened offline in headless Chromium. No console error, charts drawn, the rollout browser
filled, and the hostile text shown as text and never run."""
import json
import os
import subprocess

import pytest

from harness import ROOT

PWNED = "<script>window.__pwned=1</script>"
PROMPT = 'What is 1 + 0? <img src=x onerror="window.__pwned=2">'
# After the script response: "<!--<script>" would swallow the page's own script if the embedded data were
# not escaped (before it, the response's "</script>" would close the data block).
SWALLOW = "<!--<script>"


@pytest.fixture(scope="module")
def plaudit_bin():
    exe = os.environ.get("PLAUDIT_BIN") or os.path.join(ROOT, "target", "debug", "plaudit")
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        pytest.fail(f"{exe} is missing: cargo build -p plaudit-cli (scripts/test.sh builds it first)")
    return exe


@pytest.fixture(scope="module")
def report(plaudit_bin, tmp_path_factory):
    """(samples, results, report.html): the quickstart samples plus two hostile ones, scored and reported."""
    d = tmp_path_factory.mktemp("report")
    with open(os.path.join(ROOT, "examples", "quickstart.jsonl")) as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    hostile = {"id": "xss-1", "group": "xss", "task": "math", "prompt": PROMPT, "response": PWNED,
               "reference": "1"}
    lines.append(json.dumps(hostile))
    lines.append(json.dumps({"id": "xss-2", "group": "xss", "task": "math", "prompt": SWALLOW,
                             "response": "<answer>1</answer>", "reference": "1"}))
    samples = d / "samples.jsonl"
    samples.write_text("\n".join(lines) + "\n")
    results = d / "results.jsonl"
    subprocess.run([plaudit_bin, "score", "--quiet", "--out", str(results), str(samples)], check=True)
    assert len(results.read_text().splitlines()) == len(lines)
    html = d / "report.html"
    subprocess.run([plaudit_bin, "report", str(results), "--input", str(samples), "-o", str(html)],
                   check=True)
    return samples, results, html


def test_report_renders_offline_with_charts_and_rollouts(render, report):
    r = render(str(report[2]))
    p = r.page
    assert p.locator("#headline").is_visible()
    assert "37 samples" in p.locator("#headline").inner_text()  # 35 quickstart samples + 2 hostile ones
    assert p.locator("#charts svg").count() > 0
    assert p.locator("#failures").count() == 1  # quickstart has no_answer and invalid_input samples
    assert p.locator("#rollouts tr.rollout").count() > 0
    assert p.evaluate("typeof window.__pwned") == "undefined"


def test_opened_rollout_shows_a_script_response_as_text(render, report):
    r = render(str(report[2]))
    p = r.page
    row = p.locator("#rollouts tr.rollout", has_text="xss-1")
    assert row.count() == 1, "the hostile rollout is not in the rollout table"
    row.click()
    r.text_shown_as_text("#rollout-detail", PWNED)
    r.text_shown_as_text("#rollout-detail", PROMPT)
    assert p.evaluate("typeof window.__pwned") == "undefined"
    assert p.locator("#rollout-detail img").count() == 0
    p.locator("#rollouts tr.rollout", has_text="xss-2").click()
    r.text_shown_as_text("#rollout-detail", SWALLOW)


def test_report_of_results_alone(render, report, plaudit_bin, tmp_path):
    """Without --input (results carry no prompt or response) the page still renders cleanly."""
    html = tmp_path / "alone.html"
    subprocess.run([plaudit_bin, "report", str(report[1]), "-o", str(html)], check=True)
    r = render(str(html))
    assert r.page.locator("#charts svg").count() > 0
    assert r.page.locator("#rollouts tr.rollout").count() > 0


def test_filters_and_sort(render, report):
    r = render(str(report[2]))
    p = r.page
    rows = p.locator("#rollouts tr.rollout")
    assert rows.count() == 37
    p.select_option("#filter-status", "invalid_input")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").nth(2).text_content() for i in range(3)] == ["invalid_input"] * 3
    p.select_option("#filter-status", "")
    p.select_option("#sort", "reward-desc")
    rewards = [float(t or "-inf") for t in rows.evaluate_all("rs => rs.map(r => r.cells[4].textContent)")]
    assert rewards == sorted(rewards, reverse=True) and rewards[0] == 1.0


def test_compare_shows_the_confusion_table_and_opens_a_flipped_rollout(render, report, plaudit_bin, tmp_path):
    """`plaudit report --compare A B`: B is A with the hostile rollout failing and the first one timed out."""
    samples, results, _ = report
    rows = [json.loads(line) for line in results.read_text().splitlines()]
    ids = [r.get("id") for r in rows]
    b = [dict(r) for r in rows]
    x = ids.index("xss-1")
    assert rows[x]["reward"] == 1.0  # its response ends up holding the answer, 1
    b[x].update(reward=0.0, status="no_answer", error="no answer")
    b[0].update(reward=0.0, status="timeout", error="deadline passed")
    other = tmp_path / "b.jsonl"
    other.write_text("".join(json.dumps(r) + "\n" for r in b))
    html = tmp_path / "compare.html"
    subprocess.run([plaudit_bin, "report", "--compare", str(results), str(other), "--input", str(samples),
                    "-o", str(html)], check=True)
    r = render(str(html))
    p = r.page
    assert "37" in p.locator("#compare-headline").inner_text()
    assert p.locator("#confusion table").count() >= 2
    assert p.locator("#charts svg").count() > 0
    flipped = p.locator("#rollouts tr.rollout.flipped")
    assert flipped.count() == 1 + (rows[0]["reward"] > 0.5)
    first = p.locator("#rollouts tr.rollout").first
    assert "flipped" in first.get_attribute("class")
    row = p.locator("#rollouts tr.rollout", has_text="xss-1")
    assert "pass→fail" in row.inner_text()
    row.click()
    r.text_shown_as_text("#rollout-detail", PWNED)
    assert p.locator("#rollout-detail table.pair").count() == 1
    assert p.evaluate("typeof window.__pwned") == "undefined"
