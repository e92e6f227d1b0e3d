"""Starts and stops scripts/anchors/judge_server.py (the scriptable OpenAI-compatible judge) for tests.

    with JudgePeer("--max-concurrency", "4") as peer:
        ...  # point a judge at peer.base_url ("http://127.0.0.1:PORT/v1")
        assert len(peer.requests()) == 3

Standard library only, so the tests that use it need no extra package.
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.join(ROOT, "scripts", "anchors", "judge_server.py")


class JudgePeer:
    def __init__(self, *args):
        self.args = [str(a) for a in args]
        self.proc = None
        self.port = None
        self.output = None  # (stdout, stderr) once stopped

    def start(self):
        # stderr to a file, not a pipe nobody reads while the server runs (a full pipe would block it)
        self._err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([sys.executable, SERVER, "--port", "0", *self.args],
                                     stdout=subprocess.PIPE, stderr=self._err, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on "):
            out, err = self.stop()
            raise RuntimeError(f"judge_server did not start: {line + out!r} {err}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def stop(self):
        """Ends the server; returns what it printed after the first line, (stdout, stderr)."""
        if self.proc is not None:
            self.proc.terminate()
            try:
                out, _ = self.proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                out, _ = self.proc.communicate()
            self._err.seek(0)
            self.output = (out, self._err.read())
            self._err.close()
            self.proc = None
        return self.output

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self):
        """What a judge's `base_url` is set to."""
        return self.url + "/v1"

    def _control(self, method, path):
        req = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def requests(self):
        """Every request the peer received since the start or the last reset, in arrival order."""
        return self._control("GET", "/_requests")["requests"]

    def stats(self):
        return self._control("GET", "/_stats")

    def reset(self):
        self._control("POST", "/_reset")
