"""The load side of ``bench_pages.py``: the gunicorn server it measures, keep-alive HTTP
clients (logged in through the login page, or with an API token), and the timed runs
of a few clients in parallel on one path, with their latencies, statement counts and
CPU time per request read from the bench middleware's headers (``bench.pages_site``)."""

import http.client
import json
import math
import os
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from . import pages_data

ROOT = Path(__file__).resolve().parent.parent
BASELINE_PATH = "/bench/baseline/"


# -- server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the data set on 127.0.0.1 (gthread workers, one thread each: a
    worker runs one request at a time, like a sync worker, and keeps connections alive)."""

    def __init__(self, *, port: int, workers: int, workdir: Path):
        self.port = port
        self.log = workdir / "gunicorn.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "PYTHONPATH": str(ROOT),
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            "--threads=1",
            "--keep-alive=600",
            "--timeout=600",
            "--log-level=warning",
            f"--error-logfile={self.log}",
        ]
        # The server's own output (the audit log of every login …) goes to the log file.
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            probe = Client(self.port)
            try:
                if probe.get(BASELINE_PATH)[0] == 200:
                    return
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) used so far by this process and by its finished
    children (the gunicorn master, which has waited for its workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


# -- clients --------------------------------------------------------------------------------


class Client:
    """One HTTP/1.1 keep-alive connection with its own cookies (a browser tab) or an API
    token; reconnects once if the server closed an idle connection."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.worker = ""
        from bench.pages_site import WORKER_HEADER

        self.worker_header = WORKER_HEADER

    def connect(self) -> None:
        self.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, body=None, headers=None):
        """Send one request; returns ``(status, response, body bytes)``."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connect()
            sent = {**self.headers, **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.close()
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
            self.worker = response.getheader(self.worker_header, "")
            if response.will_close:
                self.close()
            return response.status, response, data
        raise AssertionError("unreachable")

    def get(self, path: str):
        return self.request("GET", path)

    def log_in(self, username: str) -> None:
        """Log in through the login page (CSRF token, form POST) like a browser."""
        status, _, body = self.get("/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or match is None:
            raise SystemExit(f"login page answered {status} without a CSRF token")
        form = urlencode(
            {
                "username": username,
                "password": pages_data.PASSWORD,
                "csrfmiddlewaretoken": match.group(1).decode(),
            }
        )
        status, _, body = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {username} failed ({status}): {body[:300]!r}")

    def use_token(self, username: str) -> None:
        """Obtain the user's API token from ``/api/token/`` and send it from now on."""
        body = json.dumps({"username": username, "password": pages_data.PASSWORD})
        status, _, data = self.request(
            "POST", "/api/token/", body=body, headers={"Content-Type": "application/json"}
        )
        if status != 200:
            raise SystemExit(f"token for {username} refused ({status}): {data[:300]!r}")
        self.headers["Authorization"] = f"Token {json.loads(data)['token']}"


def balance(clients: list[Client], workers: int) -> None:
    """Spread the clients' connections evenly over the gunicorn workers (a keep-alive
    connection stays with the worker that accepted it, and uneven spreads would make
    latencies depend on chance): reconnect a client whose worker already serves its
    share. The baseline view tells which worker answered."""
    share = math.ceil(len(clients) / workers)
    served: dict[str, int] = {}
    for client in clients:
        for _ in range(60):
            client.connect()
            client.get(BASELINE_PATH)
            if served.get(client.worker, 0) < share:
                break
        served[client.worker] = served.get(client.worker, 0) + 1


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Measurement:
    """One page measured as one role (or the baseline)."""

    page: str
    role: str
    path: str
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    statements_min: int = 0
    statements_max: int = 0
    bytes: int = 0
    cpu_ms: float = 0.0
    statuses: dict = field(default_factory=dict)
    baseline_rps: float | None = None
    ratio: float | None = None
    meets_targets: bool | None = None

    @property
    def statements(self) -> str:
        if self.statements_min == self.statements_max:
            return str(self.statements_min)
        return f"{self.statements_min}–{self.statements_max}"


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def measure(
    clients: list[Client], page: str, role: str, path: str, *, duration, count, warmup
) -> Measurement:
    """Run the clients in parallel on ``path``: ``warmup`` requests each, not counted,
    then for ``duration`` seconds (or ``count`` requests in all). Each client sends its
    next request as soon as it has read the previous answer."""
    from bench.pages_site import CPU_HEADER, STATEMENTS_HEADER

    for client in clients:
        for _ in range(warmup):
            client.get(path)
    samples: list[list[tuple]] = [[] for _ in clients]
    remaining = [count]
    lock = threading.Lock()
    start = threading.Barrier(len(clients) + 1)
    clock = {}

    failures: list[BaseException] = []

    def run(client: Client, out: list) -> None:
        start.wait()
        try:
            send(client, out)
        except Exception as error:  # re-raised in the main thread
            failures.append(error)

    def send(client: Client, out: list) -> None:
        while True:
            began = time.perf_counter()
            if count is None:
                if began >= clock["deadline"]:
                    return
            else:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
            status, response, body = client.get(path)
            ended = time.perf_counter()
            statements = int(response.getheader(STATEMENTS_HEADER, "-1"))
            cpu = int(response.getheader(CPU_HEADER, "-1")) / 1000
            out.append((ended - began, status, len(body), statements, ended, body[:400], cpu))

    threads = [
        threading.Thread(target=run, args=(client, out), daemon=True)
        for client, out in zip(clients, samples, strict=True)
    ]
    for thread in threads:
        thread.start()
    clock["deadline"] = time.perf_counter() + (duration or 0)
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    rows = [row for out in samples for row in out]
    result = Measurement(page=page, role=role, path=path)
    if not rows:
        return result
    latencies = sorted(row[0] for row in rows)
    result.requests = len(rows)
    result.seconds = max(row[4] for row in rows) - began
    result.rps = len(rows) / result.seconds
    result.p50_ms = percentile(latencies, 0.50) * 1000
    result.p95_ms = percentile(latencies, 0.95) * 1000
    result.p99_ms = percentile(latencies, 0.99) * 1000
    statements = [row[3] for row in rows]
    result.statements_min, result.statements_max = min(statements), max(statements)
    result.bytes = int(statistics.median(row[2] for row in rows))
    result.cpu_ms = statistics.median(row[6] for row in rows)
    for row in rows:
        result.statuses[row[1]] = result.statuses.get(row[1], 0) + 1
    bad = [row for row in rows if row[1] != 200]
    if bad:
        raise PageFailed(result, bad[0][1], bad[0][5])
    return result


class PageFailed(Exception):
    def __init__(self, measurement: Measurement, status: int, body: bytes):
        self.measurement, self.status, self.body = measurement, status, body
        super().__init__(
            f"{measurement.page} as {measurement.role} ({measurement.path}) answered "
            f"{status}: {body.decode(errors='replace')}"
        )
