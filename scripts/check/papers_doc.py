#!/usr/bin/env python3
"""Check that every mechanism docs/PAPERS.md names exists, and that its counts are the rows'.

Reads docs/PAPERS.md, takes every backticked name in the "Plaudit mechanisms" column of its
tables and every backticked name that opens a bullet of its "Mechanisms by family" section, and
checks each against the rewards `plaudit list` prints (`cargo run -q -p plaudit-cli -- list`)
plus the group stage's advantage estimators and options (parsed from
crates/plaudit-core/src/group.rs). Names written without backticks (such as "planned: x") are
not checked. It also checks the rows themselves: every support cell is yes, partial or no; every
"no" row's mechanisms cell is `none: REASON` with REASON one of the bullets `- **REASON** (N)` of
the "Out of scope" section, whose N is the number of "no" rows giving it; and the summary table
(`| `seeds-….md` | rows | yes | partial | no |` and `| all rows | … |`) holds the counts of the
`## seeds-….md` tables. Exits 1 listing the unknown names or wrong counts, 2 when the list of
rewards cannot be obtained.

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


def row_problems(doc: str) -> list[str]:
    """The summary table's and the out-of-scope list's counts against the catalogue tables."""
    problems: list[str] = []
    counts: dict[str, dict[str, int]] = {}
    summary: dict[str, list[int]] = {}
    reasons: dict[str, int] = {}
    given: dict[str, int] = {}
    table = None
    in_scope_list = False
    for no, line in enumerate(doc.splitlines(), 1):
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            m = re.fullmatch(r"(seeds-[0-9-]+\.md)\b.*", heading)
            table = m.group(1) if m else None
            if table:
                counts.setdefault(table, {"yes": 0, "partial": 0, "no": 0})
            in_scope_list = heading.lower() == "out of scope"
            continue
        if in_scope_list:
            m = re.match(r"- \*\*([^*]+)\*\* \((\d+)\)", line)
            if m:
                reasons[m.group(1)] = int(m.group(2))
        if not line.startswith("|"):
            continue
        cells = split_row(line)
        m = re.fullmatch(r"`(seeds-[0-9-]+\.md)`|(all rows)", cells[0])
        if m and len(cells) == 5 and all(c.isdigit() for c in cells[1:]):
            summary[m.group(1) or m.group(2)] = [int(c) for c in cells[1:]]
            continue
        if table and cells[0].isdigit():
            support = cells[2] if len(cells) > 2 else ""
            if support not in ("yes", "partial", "no"):
                problems.append(f"line {no}: support {support!r} is not yes, partial or no")
                continue
            counts[table][support] += 1
            if support == "no":
                mech = cells[3]
                reason = mech[len("none: "):] if mech.startswith("none: ") else None
                if reason is None:
                    problems.append(
                        f"line {no}: a \"no\" row's mechanisms cell must be"
                        f" `none: REASON`, not {mech!r}"
                    )
                else:
                    given[reason] = given.get(reason, 0) + 1
    if not counts:
        return ["no `## seeds-….md` tables found"]
    for reason, n in sorted(given.items()):
        if reason not in reasons:
            problems.append(f"reason {reason!r} ({n} rows) is not in the \"Out of scope\" list")
    for reason, n in sorted(reasons.items()):
        if given.get(reason, 0) != n:
            got = given.get(reason, 0)
            problems.append(f"\"Out of scope\": {reason} says {n} rows, the tables give {got}")
    total = [0, 0, 0, 0]
    for table, c in counts.items():
        want = [c["yes"] + c["partial"] + c["no"], c["yes"], c["partial"], c["no"]]
        total = [a + b for a, b in zip(total, want)]
        if summary.get(table) != want:
            problems.append(
                f"summary row {table}: {summary.get(table)} but the table counts"
                f" (rows, yes, partial, no) {want}"
            )
    if summary.get("all rows") != total:
        got = summary.get("all rows")
        problems.append(f"summary row all rows: {got} but the tables count {total}")
    extra = set(summary) - set(counts) - {"all rows"}
    if extra:
        problems.append(f"summary rows without a table: {sorted(extra)}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--doc", default=str(ROOT / "docs/PAPERS.md"))
    ap.add_argument("--list-file", help="a saved `plaudit list` output instead of running cargo")
    args = ap.parse_args()

    text = pathlib.Path(args.doc).read_text(encoding="utf-8")
    problems = row_problems(text)
    if problems:
        print(f"papers_doc: {len(problems)} problem(s) with the rows' counts:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    used = doc_names(text)
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
