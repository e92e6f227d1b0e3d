"""Regenerates docs/report.png, the README's picture of `plaudit report`: the shipped example
rollouts scored with the default spec, reported, and the top of the page (headline and first
charts) captured in headless Chromium.

    bash scripts/venv.sh && bash scripts/browser.sh && cargo build -p plaudit-cli
    .venv/bin/python scripts/gen/report_screenshot.py [--bin target/debug/plaudit]
"""

import argparse
import pathlib
import subprocess
import tempfile

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(ROOT / "target/debug/plaudit"))
    ap.add_argument("-o", default=str(ROOT / "docs/report.png"))
    args = ap.parse_args()
    samples = ROOT / "examples/quickstart.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        results = pathlib.Path(tmp) / "results.jsonl"
        page = pathlib.Path(tmp) / "report.html"
        with open(results, "w") as out:
            subprocess.run([args.bin, "score", str(samples)], stdout=out, check=True)
        subprocess.run([args.bin, "report", str(results), "--input", str(samples), "-o", str(page)],
                       check=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            tab = browser.new_page(viewport={"width": 1000, "height": 1200})
            tab.goto(page.as_uri())
            tab.screenshot(path=args.o, clip={"x": 0, "y": 0, "width": 1000, "height": 1152})
            browser.close()
    print(f"written: {args.o}")


if __name__ == "__main__":
    main()
