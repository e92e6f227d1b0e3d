#!/usr/bin/env python3
"""Check that every mechanism docs/PAPERS.md names exists.

Reads docs/PAPERS.md, takes every backticked name in the "Plaudit mechanisms" column of its
tables and every backticked name that opens a bullet of its "Mechanisms by family" section, and
checks each against the rewards `plaudit list` prints (`cargo run -q -p plaudit-cli -- list`)
plus the group stage's advantage estimators and options (parsed from
crates/plaudit-core/src/group.rs). Names written without backticks (such as "planned: x") are
not checked. Exits 1 listing the unknown names, 2 when the list of rewards cannot be obtained.

    python3 scripts/check/papers_doc.py [--doc docs/PAPERS.md] [--list-file FILE]

`--list-file` reads a saved `plaudit list` output instead of running cargo.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BACKTICKED = re.compile(r"`([^`]+)`")
MECH_HEADER = "plaudit mechanisms"


def fail(msg: str) -> None:
    print(f"papers_doc: {msg}", file=sys.stderr)
    sys.exit(2)


def reward_names(list_file: str | None) -> set[str]:
    if list_file:
        text = pathlib.Path(list_file).read_text(encoding="utf-8")
    else:
        proc = subprocess.run(
            ["cargo", "run", "-q", "-p", "plaudit-cli", "--", "list"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-4000:])
            fail("`plaudit list` failed; cannot check names")
        text = proc.stdout
    names = {line.split()[0] for line in text.splitlines() if line.strip()}
    if not names:
        fail("`plaudit list` printed no rewards")
    return names


def group_names() -> set[str]:
    src = (ROOT / "crates/plaudit-core/src/group.rs").read_text(encoding="utf-8")
    m = re.search(r"NAMES[^=]*=\s*\[([^\]]*)\]", src, re.S)
    names = set(re.findall(r'"([a-z_]+)"', m.group(1))) if m else set()
    if not names:
        fail("no advantage estimator names found in group.rs")
    return names | {"mark_zero_variance"}


def split_row(line: str) -> list[str]:
    # Cells are separated by `|`; the documents never put a `|` inside a cell.
    return [c.strip() for c in line.strip().strip("|").split("|")]


def doc_names(doc: str) -> dict[str, list[str]]:
    """name -> places (line numbers) where the document uses it as a mechanism."""
    found: dict[str, list[str]] = {}
    col = None
    in_family = False
    for no, line in enumerate(doc.splitlines(), 1):
        if line.startswith("#"):
            in_family = line.lstrip("#").strip().lower().startswith("mechanisms by family")
            col = None
            continue
        if line.startswith("|"):
            cells = split_row(line)
            lowered = [c.lower() for c in cells]
            if MECH_HEADER in lowered:
                col = lowered.index(MECH_HEADER)
                continue
            if col is None or set(line.replace("|", "").strip()) <= set("-: "):
                continue
            if col < len(cells):
                for name in BACKTICKED.findall(cells[col]):
                    found.setdefault(name, []).append(f"line {no}")
            continue
        col = None  # any other line ends the table
        if in_family:
            m = re.match(r"\s*[-*]\s+`([^`]+)`", line)
            if m:
                found.setdefault(m.group(1), []).append(f"line {no}")
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--doc", default=str(ROOT / "docs/PAPERS.md"))
    ap.add_argument("--list-file", help="a saved `plaudit list` output instead of running cargo")
    args = ap.parse_args()

    used = doc_names(pathlib.Path(args.doc).read_text(encoding="utf-8"))
    if not used:
        print("papers_doc: no mechanism names found in the document", file=sys.stderr)
        return 1
    known = reward_names(args.list_file) | group_names()
    unknown = {n: where for n, where in used.items() if n not in known}
    if unknown:
        print(f"papers_doc: {len(unknown)} unknown mechanism name(s):", file=sys.stderr)
        for n in sorted(unknown):
            print(f"  {n}  ({', '.join(unknown[n][:5])})", file=sys.stderr)
        return 1
    print(f"papers_doc: {len(used)} mechanism names, all known")
    return 0


if __name__ == "__main__":
    sys.exit(main())
