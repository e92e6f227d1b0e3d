#!/usr/bin/env python3
"""Per-sample cost of the structured verifiers (GUI grounding, tool calls, text-to-SQL) through
the release CLI: `target/release/plaudit score --spec SPEC FILE`.

For each family it generates N samples (groups of 8 rollouts of one prompt: right, near, wrong,
malformed and hacking answers), writes a spec with the family's rewards, scores the file with one
worker thread (--jobs 1) and with all cores, and prints µs/sample (wall time of the whole run,
process start and JSON included) and the status counts. There is no public anchor that runs these
verifiers in bulk, so only Plaudit is timed; a run also checks every sample got a result.

Usage: python3 scripts/bench/bench_structured.py [--n 20000] [--repeat 3] [--families gui,tool,sql]
"""

import argparse
import collections
import json
import os
import pathlib
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release" / "plaudit"

SPECS = {
    "gui": """
timeout_ms: 2000
components:
  hit: {reward: gui_point_in_box}
  gauss: {reward: gui_gaussian_point}
  iou: {reward: gui_iou, params: {point_value: 0.5}}
  cover: {reward: gui_gaussian_coverage, params: {point_value: 0.0}}
reward: hit + 0.5 * gauss + 0.25 * iou + 0.25 * cover
""",
    "tool": """
timeout_ms: 2000
components:
  exact: {reward: tool_call_match}
  toolrl: {reward: toolrl_reward}
  checklist: {reward: tool_checklist, params: {checklist: [{max_calls: 2}, {not_called: delete_all}]}}
reward: exact + 0.25 * toolrl + 0.25 * checklist
""",
    "sql": """
timeout_ms: 10000
components:
  exec: {reward: sql_execution_match}
  syntax: {reward: sql_syntax}
  schema: {reward: sql_schema_linking}
  ngram: {reward: sql_ngram_similarity}
  f1: {reward: sql_result_f1}
reward: exec + 0.1 * syntax + 0.1 * schema + 0.1 * ngram + 0.2 * f1
""",
}


def gen_gui(n, rng):
    out = []
    for i in range(n):
        g = i // 8
        r = random.Random(g)
        w, h = 1920, 1080
        x1, y1 = r.randrange(0, w - 200), r.randrange(0, h - 60)
        bw, bh = r.randrange(16, 200), r.randrange(16, 60)
        box = [x1, y1, x1 + bw, y1 + bh]
        cx, cy = x1 + bw / 2, y1 + bh / 2
        k = rng.random()
        if k < 0.4:
            resp = f"<think>the button is there</think>click({cx + rng.uniform(-bw / 3, bw / 3):.1f}, {cy:.1f})"
        elif k < 0.6:
            resp = f'{{"action": "click", "coordinate": [{int(cx + rng.uniform(-bw, bw))}, {int(cy)}]}}'
        elif k < 0.8:
            resp = f"<|box_start|>({x1 - 3},{y1 - 2}),({x1 + bw + 4},{y1 + bh + 1})<|box_end|>"
        elif k < 0.9:
            resp = f"[{x1 + 2}, {y1 + 1}, {x1 + bw - 1}, {y1 + bh}]"
        elif k < 0.95:
            resp = "(2500, 40)"  # off screen
        else:
            resp = "I would click the settings icon."
        out.append({"id": i, "group": g, "task": "gui", "response": resp,
                    "reference": {"box": box, "image_size": [w, h]}})
    return out


FUNCS = [
    ("get_weather", {"city": "string", "unit": "string"}),
    ("search_flights", {"origin": "string", "destination": "string", "max_price": "float"}),
    ("book_table", {"restaurant": "string", "people": "integer", "time": "string"}),
]


def gen_tool(n, rng):
    out = []
    cities = ["Paris", "Rome", "Oslo", "Lima", "Kyoto"]
    for i in range(n):
        g = i // 8
        r = random.Random(g)
        kind = g % 4
        a, b = r.choice(cities), r.choice(cities)
        if kind == 0:
            ref = {"calls": [{"name": "get_weather", "arguments": {"city": a, "unit": "celsius"}}]}
        elif kind == 1:
            ref = {"bfcl": [{"search_flights": {"origin": [a], "destination": [b], "max_price": [500.0, ""]}},
                            {"get_weather": {"city": [b], "unit": ["celsius", ""]}}],
                   "functions": [{"name": f, "parameters": {"type": "dict", "properties": {k: {"type": t} for k, t in ps.items()},
                                                            "required": list(ps)[:2]}} for f, ps in FUNCS]}
        elif kind == 2:
            ref = {"calls": [{"name": "book_table", "arguments": {"restaurant": "Noma", "people": 4, "time": "19:00"}}]}
        else:
            ref = {"bfcl": []}
        k = rng.random()
        if kind == 0:
            good = f'{{"name": "get_weather", "arguments": {{"city": "{a}", "unit": "celsius"}}}}'
            resp = [f"<tool_call>\n{good}\n</tool_call>", f"[get_weather(city='{a}', unit='fahrenheit')]",
                    f"<tool_call>{good}</tool_call><tool_call>{good}</tool_call>", good[:-3]][int(k * 4)]
        elif kind == 1:
            resp = [f"[get_weather(city='{b}'), search_flights(origin='{a}', destination='{b}', max_price=500)]",
                    f"[search_flights(origin='{a}', destination='{b}')]",
                    f'[{{"name": "search_flights", "arguments": {{"origin": "{a}", "destination": "{b}", "max_price": "500"}}}}]',
                    f"search_flights(origin='{a}', destination='{b}', max_price=500.0)\nget_weather(city='{b}', unit='celsius')"][int(k * 4)]
        elif kind == 2:
            resp = ['<tool_call>{"name": "book_table", "arguments": {"restaurant": "noma", "people": 4, "time": "19:00"}}</tool_call>',
                    "book_table(restaurant='Noma', people=4.0, time='19:00')",
                    "book_table(restaurant='Noma', people=4, time='19:00', note='window')",
                    "Booking now!"][int(k * 4)]
        else:
            resp = ["There is no suitable tool for this.", "get_weather(city='Paris')"][int(k * 2)]
        out.append({"id": i, "group": g, "task": "tool", "response": resp, "reference": ref})
    return out


def sql_setup(db):
    r = random.Random(db)
    rows = ", ".join(f"({k}, 'singer{k}', {r.randrange(18, 70)}, '{r.choice(['US', 'FR', 'JP', 'BR'])}')" for k in range(200))
    conc = ", ".join(f"({k}, {r.randrange(200)}, {r.randrange(2000, 2024)})" for k in range(400))
    return (f"CREATE TABLE singer(id INTEGER PRIMARY KEY, name TEXT, age INT, country TEXT); INSERT INTO singer VALUES {rows};"
            f" CREATE TABLE concert(id INTEGER PRIMARY KEY, singer_id INT, year INT); INSERT INTO concert VALUES {conc};")


GOLDS = [
    ("SELECT name, age FROM singer WHERE country = 'FR' ORDER BY age DESC",
     ["SELECT name, age FROM singer WHERE country = 'FR' ORDER BY age DESC",
      "SELECT * FROM singer WHERE country = 'FR' ORDER BY age DESC",
      "SELECT name, age FROM singer WHERE country = 'FR' ORDER BY age",
      "SELECT name, age FROM singer WHERE country = 'FR' ORDER BY age DESC, id"]),
    ("SELECT country, count(*) FROM singer GROUP BY country",
     ["SELECT country, COUNT(id) FROM singer GROUP BY country",
      "SELECT count(*), country FROM singer GROUP BY country",
      "SELECT country FROM singer GROUP BY country",
      "SELECT country, count(*) FROM singer GROUP BY"]),
    ("SELECT s.name FROM singer s JOIN concert c ON c.singer_id = s.id WHERE c.year = 2020",
     ["SELECT singer.name FROM concert JOIN singer ON singer.id = concert.singer_id WHERE concert.year = 2020",
      "SELECT DISTINCT s.name FROM singer s JOIN concert c ON c.singer_id = s.id WHERE c.year = 2020",
      "SELECT name FROM singer WHERE id IN (SELECT singer_id FROM concert WHERE year >= 2020)",
      "SELECT s.nam FROM singer s"]),
    ("SELECT avg(age) FROM singer WHERE country = 'JP'",
     ["SELECT AVG(age) FROM singer WHERE country = 'JP'",
      "SELECT sum(age) * 1.0 / count(*) FROM singer WHERE country = 'JP'",
      "SELECT avg(age) FROM singer",
      "DELETE FROM singer"]),
]


def gen_sql(n, rng):
    out = []
    for i in range(n):
        g = i // 8
        db = g % 20
        gold, preds = GOLDS[g % len(GOLDS)]
        p = rng.choice(preds)
        form = rng.random()
        if form < 0.6:
            resp = f"<think>join the tables</think>\n```sql\n{p};\n```"
        elif form < 0.9:
            resp = f"The query.\nSQL: {p}"
        else:
            resp = "I cannot write this query."
        out.append({"id": i, "group": g, "task": "sql", "response": resp,
                    "reference": {"sql": gold, "setup": sql_setup(db)}})
    return out


GEN = {"gui": gen_gui, "tool": gen_tool, "sql": gen_sql}


def run(spec, data, jobs):
    cmd = [str(BIN), "score", "--quiet", "--spec", str(spec), str(data)]
    if jobs:
        cmd[2:2] = ["--jobs", str(jobs)]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, p.stdout


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--families", default="gui,tool,sql")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--bin", default=str(BIN), help="the plaudit binary (default: the release build)")
    a = ap.parse_args()
    BIN = pathlib.Path(a.bin)
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-cli"], cwd=ROOT, check=True)
    rng = random.Random(7)
    cores = os.cpu_count()
    print(f"{'family':<6} {'samples':>8} {'µs/sample 1 thread':>19} {'µs/sample all cores':>20}  statuses (mean reward)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for fam in a.families.split(","):
            spec = tmp / f"{fam}.yaml"
            spec.write_text(SPECS[fam])
            data = tmp / f"{fam}.jsonl"
            with data.open("w") as f:
                for s in GEN[fam](a.n, rng):
                    f.write(json.dumps(s) + "\n")
            times = {}
            out = ""
            for jobs in (1, 0):
                ts = []
                for _ in range(a.repeat):
                    dt, out = run(spec, data, jobs)
                    ts.append(dt)
                times[jobs] = min(ts)
            results = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
            results = [r for r in results if "status" in r]
            if len(results) != a.n:
                sys.exit(f"{fam}: {len(results)} results for {a.n} samples")
            st = collections.Counter(r["status"] for r in results)
            mean = statistics.fmean(r["reward"] for r in results)
            print(f"{fam:<6} {a.n:>8} {1e6 * times[1] / a.n:>19.1f} {1e6 * times[0] / a.n:>20.1f}  "
                  f"{dict(st)} ({mean:.3f}); {cores} cores")


if __name__ == "__main__":
    main()
