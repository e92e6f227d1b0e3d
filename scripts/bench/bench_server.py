#!/usr/bin/env python3
"""Load test of `plaudit serve`, side by side with a FastAPI + math-verify reference server.

Both servers get the same OpenRLHF `/get_reward` load on loopback: --clients concurrent clients,
each sending batches of --batch math samples (2-6 KB responses from scripts/gen/mathgen.py) over a
keep-alive connection, until --requests requests have been answered or --seconds have passed
(bounded in count and time). Both use the same cores (plaudit --jobs N, uvicorn --workers N).
Prints, per server: samples/s, requests/s, p50/p99 latency, errors; the throughput ratio; and how
often the two agree on the rewards.

    bash scripts/venv.sh && .venv/bin/python scripts/bench/bench_server.py
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "gen"))
import mathgen  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port, proc, seconds=60):
    t = time.time()
    while time.time() - t < seconds:
        if proc.poll() is not None:
            sys.exit(f"server on port {port} exited with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"server on port {port} did not become healthy")


def load(port, bodies, clients, max_requests, seconds):
    """Run the load; returns (latencies, errors, samples, wall seconds, rewards by body index)."""
    lock = threading.Lock()
    state = {"next": 0}
    lat, errors, rewards = [], [], {}
    deadline = time.time() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            with lock:
                i = state["next"]
                if i >= max_requests or time.time() > deadline:
                    return
                state["next"] += 1
            body, n = bodies[i % len(bodies)]
            t = time.perf_counter()
            try:
                conn.request("POST", "/get_reward", body=body, headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                dt = time.perf_counter() - t
                out = json.loads(data)
                ok = resp.status == 200 and len(out.get("rewards", [])) == n
            except Exception as e:  # noqa: BLE001 (any failure is an error of the run)
                dt, ok, out = time.perf_counter() - t, False, {"error": repr(e)}
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            with lock:
                lat.append(dt)
                if ok:
                    rewards.setdefault(i % len(bodies), out["rewards"])
                else:
                    errors.append(out)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    samples = sum(bodies[i % len(bodies)][1] for i in range(len(lat))) - 0
    return lat, errors, samples, wall, rewards


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def report(name, lat, errors, samples, wall):
    print(f"{name:<28} {samples / wall:>10,.0f} samples/s  {len(lat) / wall:>8.1f} req/s  "
          f"p50 {pct(lat, 0.5) * 1e3:>8.1f} ms  p99 {pct(lat, 0.99) * 1e3:>8.1f} ms  "
          f"requests {len(lat)}  errors {len(errors)}")
    return samples / wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400, help="requests sent to plaudit (default 400)")
    ap.add_argument("--ref-requests", type=int, default=24, help="requests sent to the reference (default 24)")
    ap.add_argument("--seconds", type=float, default=120, help="time limit per server")
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()

    pairs = mathgen.pairs(a.batch * 16, 5, long=True)
    bodies = []
    for k in range(16):
        chunk = pairs[k * a.batch:(k + 1) * a.batch]
        prompts = [f"Problem {p['id']}: solve it and put the final answer in \\boxed{{}}.\n" for p in chunk]
        body = {"query": [pr + p["response"] for pr, p in zip(prompts, chunk)], "prompts": prompts,
                "labels": [p["reference"] for p in chunk]}
        bodies.append((json.dumps(body).encode(), len(chunk)))
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "plaudit-cli"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "plaudit")

    print(f"load: {a.clients} clients, batches of {a.batch} math samples (2-6 KB), {a.cores} cores per server, loopback")
    port = free_port()
    srv = subprocess.Popen([exe, "serve", "--addr", f"127.0.0.1:{port}", "--jobs", str(a.cores),
                            "--spec", os.path.join(ROOT, "scripts", "bench", "bench_server_spec.yaml")],
                           stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, srv)
        lat, err, n, wall, pl_rewards = load(port, bodies, a.clients, a.requests, a.seconds)
        pl = report("plaudit serve", lat, err, n, wall)
        p99 = pct(lat, 0.99)
    finally:
        srv.terminate()
        srv.wait(30)

    port = free_port()
    ref = subprocess.Popen([sys.executable, "-m", "uvicorn", "ref_server:app", "--app-dir", os.path.join(ROOT, "scripts", "anchors"),
                            "--workers", str(a.cores), "--port", str(port), "--log-level", "warning"],
                           stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, ref)
        lat, err, n, wall, ref_rewards = load(port, bodies, a.clients, a.ref_requests, a.seconds)
        rf = report("FastAPI + math-verify", lat, err, n, wall)
    finally:
        ref.terminate()
        ref.wait(30)

    both = [i for i in pl_rewards if i in ref_rewards]
    agree = sum(x == y for i in both for x, y in zip(pl_rewards[i], ref_rewards[i]))
    total = sum(len(pl_rewards[i]) for i in both)
    print(f"throughput ratio: {pl / rf:.0f}x   plaudit p99 {p99 * 1e3:.1f} ms   "
          f"reward agreement on {total} shared samples: {agree}/{total}")


if __name__ == "__main__":
    main()
