"""The site under a real server: gunicorn on loopback against the configured PostgreSQL,
driven by wrk. Shared by `bench_serve` (requests/s of each page beside a minimal view),
`load_test` (citizens and scorers at once, every acknowledged save checked afterwards)
and the fault test (kill -9 in the middle of saves).

wrk runs one connection per thread for saves, so that each thread's requests and
responses alternate: its Lua script reads the leaf's new version from each answer,
sends the next save with it, and logs every acknowledged save to a file of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from parindex.assessments.models import AssessmentItem, AuditEntry, Cycle, Phase, State
from parindex.org.models import User
from parindex.results.models import ImportedResult, ResultSnapshot

from .bench import make_published_cycle
from .province import load_demo

ROOT = Path(settings.BASE_DIR)
BENCH_YEAR = 2901  # bench_results' year: a published cycle of 3,000 units
BENCH_UNITS = 3000
BENCH_LEAVES = 120
DEMO_YEAR = 2024  # the demo's cycle open for self-assessment
WORKERS = 2


class ServeError(Exception):
    """The server or wrk could not be run, or the data is not there."""


# The data -----------------------------------------------------------------------------


def ensure_data(write: Any = print) -> None:
    """The demo province and bench_results' published 3,000-unit year, built once and
    reused by later runs."""
    if connection.vendor != "postgresql":
        raise ServeError("Set DATABASE_URL to a PostgreSQL database (the production server).")
    if not User.objects.filter(username="so-tu-phap.scorer").exists():
        write("loading the demo province…")
        load_demo()
    if not ResultSnapshot.objects.filter(
        cycle__year=BENCH_YEAR, status=ResultSnapshot.Status.PUBLISHED
    ).exists():
        write(f"building a published year of {BENCH_UNITS} units (once; a minute or two)…")
        Cycle.objects.filter(year=BENCH_YEAR).delete()
        make_published_cycle(year=BENCH_YEAR, units=BENCH_UNITS, leaves=BENCH_LEAVES)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@dataclass(frozen=True)
class Leaf:
    """A yes/no leaf a scorer may save now, with the cookies of the scorer's session."""

    pk: int
    path: str
    version: int
    first: str  # the value of its first save: the opposite of the stored one
    cookie: str
    csrf: str


def session_cookie(user: User) -> tuple[str, str]:
    """A logged-in session of the user (stored in the database the server reads) and a
    CSRF secret to send as cookie and header."""
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return cookie, csrf


def demo_scorer(unit: str) -> User | None:
    return User.objects.filter(username=f"{unit}.scorer").first()


def savable_leaves(
    count: int, *, cycle: Cycle | None = None, scorer_of: Any = demo_scorer
) -> list[Leaf]:
    """`count` yes/no leaves of an open cycle (the demo's by default), spread over its
    units, each with its unit scorer's session (`scorer_of(unit code)`)."""
    cycle = cycle or Cycle.objects.get(year=DEMO_YEAR)
    if cycle.phase != Phase.SELF_ASSESSMENT:
        raise ServeError(f"The {cycle.year} cycle is not open for self-assessment.")
    items = list(
        AssessmentItem.objects.filter(
            assessment__cycle=cycle,
            assessment__state=State.DRAFT,
            criterion__rule_type="yes_no",
        )
        .select_related("assessment__unit", "criterion")
        .order_by("assessment__unit__code", "criterion__position")
    )
    by_unit: dict[str, list[AssessmentItem]] = {}
    for item in items:
        if scorer_of(item.assessment.unit.code) is not None:
            by_unit.setdefault(item.assessment.unit.code, []).append(item)
    # Round-robin over the units: several scorers, as in an office.
    chosen: list[AssessmentItem] = []
    while len(chosen) < count and any(by_unit.values()):
        for queue in by_unit.values():
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    if len(chosen) < count:
        raise ServeError(f"Only {len(chosen)} yes/no leaves are open to save.")
    sessions: dict[str, tuple[str, str]] = {}
    leaves = []
    for item in chosen:
        unit = item.assessment.unit.code
        if unit not in sessions:
            sessions[unit] = session_cookie(scorer_of(unit))
        cookie, csrf = sessions[unit]
        path = f"/assessments/{cycle.year}/{unit}/items/{item.criterion.code}/"
        first = "no" if (item.self_inputs or {}).get("yes") else "yes"
        leaves.append(Leaf(item.pk, path, item.version, first, cookie, csrf))
    return leaves


# The server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    """The database this process uses (a test database too), for the server's."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise ServeError("The server runs on PostgreSQL: set DATABASE_URL.")
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def server_env() -> dict[str, str]:
    """The production stack's settings, but on loopback and with the benchmark's view."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    env.update(
        {
            "PARINDEX_BENCH": "1",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CONN_MAX_AGE": env.get("CONN_MAX_AGE", "600"),
            "DJANGO_SETTINGS_MODULE": "parindex.settings",
        }
    )
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The master and its workers."""
        found = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def kill_hard(self) -> None:
        """kill -9 the master and every worker, as a crash or the OOM killer would."""
        for pid in self.pids():
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def start_server(port: int | None = None, workers: int = WORKERS, threads: int = 1) -> Server:
    """gunicorn on loopback: sync workers, or with `threads` > 1 threaded ones (a thread
    waiting for PostgreSQL leaves the processor to another)."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "parindex.wsgi",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    # The server's log (a JSON line per request) in a file: thousands of lines a second.
    log = tempfile.NamedTemporaryFile(prefix="parindex-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=server_env(), stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    server = Server(process, port, Path(log.name))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:]
            raise ServeError(f"gunicorn exited with {process.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(f"{server.url}/bench/minimal/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.process.terminate()
    raise ServeError("gunicorn did not answer within 30 s")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill_hard()
    server.log.unlink(missing_ok=True)


@contextmanager
def serving(workers: int = WORKERS, threads: int = 1) -> Iterator[Server]:
    server = start_server(workers=workers, threads=threads)
    try:
        yield server
    finally:
        stop_server(server)


def warm(server: Server, paths: list[str], headers: dict[str, str] | None = None) -> None:
    """Each page once per worker, so that a run measures serving, not the first compute."""
    for path in paths:
        for _ in range(WORKERS * 2):
            request = urllib.request.Request(server.url + path, headers=headers or {})  # noqa: S310
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                answer.read()


# wrk ----------------------------------------------------------------------------------

# Prints the run's figures as one JSON line, which `run_wrk` reads.
DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""

# Rotates over pages, with fixed headers (a session cookie for logged-in pages).
PAGES_LUA = """
local paths = {%(paths)s}
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1], {%(headers)s})
end
"""

# One leaf per thread: each answer's version is the next save's; the value toggles so
# that every save changes the row (and writes its audit row); acknowledged saves logged.
SAVES_LUA = """
local leaves = {%(leaves)s}
local log_dir = "%(log_dir)s"
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  leaf = leaves[id]
  version = leaf[3]
  value = leaf[4]
  log = io.open(log_dir .. "/saves-" .. id .. ".log", "w")
end
function request()
  return wrk.format("POST", leaf[2], {
    ["Cookie"] = leaf[5], ["X-CSRFToken"] = leaf[6], ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded"
  }, "version=" .. version .. "&yes=" .. value)
end
function response(status, headers, body)
  local next_version = body:match('id="v%%-self%%-[^"]*" value="(%%d+)"')
  if status == 200 and body:find("ok%%-text") and next_version then
    log:write(leaf[1], " ", value, " ", next_version, "\\n")
    log:flush()
    version = next_version
    if value == "yes" then value = "no" else value = "yes" end
  elseif next_version then
    version = next_version
  end
end
"""


@dataclass(frozen=True)
class Measure:
    requests: int
    seconds: float
    p50: float  # ms
    p95: float
    p99: float
    errors: int  # socket errors, timeouts and statuses >= 400
    # Processor time per request: gunicorn's processes, PostgreSQL's backends of the
    # database. Unlike requests/s, it does not depend on what else the machine runs.
    server_cpu_ms: float | None = None
    db_cpu_ms: float | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: set[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return found


def _db_backends() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {int(row[0]) for row in cursor.fetchall()}


@contextmanager
def cpu_meter(server: Server) -> Iterator[dict[str, float]]:
    """The processor seconds the server and the database spent inside the block."""
    spent: dict[str, float] = {}
    server_before = _cpu_seconds(set(server.pids()))
    db_before = _cpu_seconds(_db_backends())
    yield spent
    server_after = _cpu_seconds(set(server.pids()))
    db_after = _cpu_seconds(_db_backends() | set(db_before))
    spent["server"] = sum(t - server_before.get(pid, 0.0) for pid, t in server_after.items())
    spent["db"] = sum(t - db_before.get(pid, 0.0) for pid, t in db_after.items())


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise ServeError("wrk is not installed: apt-get install wrk (make bench-serve does).")
    return found


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string for these characters


def pages_script(paths: list[str], headers: dict[str, str] | None = None) -> str:
    listed = ", ".join(_lua_string(p) for p in paths)
    fixed = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items())
    return PAGES_LUA % {"paths": listed, "headers": fixed} + DONE


def saves_script(leaves: list[Leaf], log_dir: str) -> str:
    rows = []
    for leaf in leaves:
        fields = [str(leaf.pk), _lua_string(leaf.path), str(leaf.version)]
        fields += [_lua_string(leaf.first), _lua_string(leaf.cookie), _lua_string(leaf.csrf)]
        rows.append("{" + ", ".join(fields) + "}")
    listed = ", ".join(rows)
    return SAVES_LUA % {"leaves": listed, "log_dir": log_dir} + DONE


def start_wrk(
    server: Server, script: str, *, connections: int, threads: int, seconds: float
) -> tuple[subprocess.Popen[str], Path]:
    folder = Path(tempfile.mkdtemp(prefix="parindex-wrk-"))
    lua = folder / "script.lua"
    lua.write_text(script, encoding="utf-8")
    command = [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(lua),
        server.url + "/",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    return process, folder


def wrk_result(
    process: subprocess.Popen[str], folder: Path, extra: dict[str, Any] | None = None
) -> Measure:
    """The run's figures; a script's own counts (a line "EXTRA {json}") go into `extra`."""
    output, _err = process.communicate(timeout=600)
    shutil.rmtree(folder, ignore_errors=True)
    line = next((ln for ln in output.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise ServeError(f"wrk gave no result:\n{output}")
    more = next((ln for ln in output.splitlines() if ln.startswith("EXTRA ")), None)
    if more is not None and extra is not None:
        extra.update(json.loads(more.removeprefix("EXTRA ")))
    data = json.loads(line.removeprefix("RESULT "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Measure(data["requests"], data["seconds"], data["p50"], data["p95"], data["p99"], errors)


def run_wrk(
    server: Server,
    script: str,
    *,
    connections: int = 16,
    threads: int = 2,
    seconds: float = 10,
    extra: dict[str, Any] | None = None,
) -> Measure:
    with cpu_meter(server) as spent:
        process, folder = start_wrk(
            server, script, connections=connections, threads=threads, seconds=seconds
        )
        measure = wrk_result(process, folder, extra)
    if not measure.requests:
        return measure
    return replace(
        measure,
        server_cpu_ms=spent["server"] * 1000 / measure.requests,
        db_cpu_ms=spent["db"] * 1000 / measure.requests,
    )


# Checking the saves afterwards ----------------------------------------------------------


@dataclass(frozen=True)
class SaveCheck:
    acknowledged: int
    committed: int  # changes found in the rows (acknowledged or not, if cut off)
    lost: int  # acknowledged saves whose value is not in the database
    audit_mismatches: int  # a change without its audit row, an audit row without its change
    problems: list[str]


def audit_mark() -> int:
    """Audit rows after this one are the run's."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def read_acknowledged(log_dir: Path) -> dict[int, list[tuple[str, int]]]:
    """Per item, its acknowledged saves in order: (value, version after)."""
    found: dict[int, list[tuple[str, int]]] = {}
    for log in sorted(log_dir.glob("saves-*.log")):
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3:
                found.setdefault(int(parts[0]), []).append((parts[1], int(parts[2])))
    return found


def check_saves(
    leaves: list[Leaf], acknowledged: dict[int, list[tuple[str, int]]], since: int
) -> SaveCheck:
    """Every acknowledged save is in the database with its value and audit row; every
    change of a row since the start has exactly one audit row, and the newest audit row
    says what the row holds (every save toggles the value, so each one is a change)."""
    problems: list[str] = []
    lost = mismatches = count = committed = 0
    for leaf in leaves:
        saves = acknowledged.get(leaf.pk, [])
        count += len(saves)
        item = AssessmentItem.objects.get(pk=leaf.pk)
        changes = item.version - leaf.version
        committed += changes
        audited = [
            new.get("yes") if isinstance(new, dict) else None
            for new in AuditEntry.objects.filter(
                item_id=leaf.pk, kind=AuditEntry.Kind.SELF, pk__gt=since
            )
            .order_by("pk")
            .values_list("new", flat=True)
        ]
        if len(audited) != changes:
            mismatches += abs(changes - len(audited))
            problems.append(f"item {leaf.pk}: {changes} changes, {len(audited)} audit rows")
        if audited and audited[-1] != (item.self_inputs or {}).get("yes"):
            mismatches += 1
            problems.append(f"item {leaf.pk}: audit says {audited[-1]}, row {item.self_inputs}")
        for n, (value, version) in enumerate(saves):
            in_audit = n < len(audited) and audited[n] == (value == "yes")
            if version != leaf.version + n + 1 or version > item.version or not in_audit:
                lost += 1
                problems.append(f"item {leaf.pk}: acknowledged save {n + 1} ({value}) missing")
        if (
            saves
            and saves[-1][1] == item.version
            and item.self_inputs != {"yes": saves[-1][0] == "yes"}
        ):
            lost += 1
            problems.append(f"item {leaf.pk}: acknowledged {saves[-1][0]}, has {item.self_inputs}")
    return SaveCheck(count, committed, lost, mismatches, problems)


# The benchmark ------------------------------------------------------------------------

# Issue 10's figures before this work, same machine and stack (2 workers, wrk -c16):
# requests/s, p50 ms, p99 ms (None: not given).
BASELINES: dict[str, tuple[float | None, float | None, float | None]] = {
    "minimal": (None, None, None),
    "year3000": (3.3, None, 7300.0),
    "index": (4.0, None, None),
    "unit3000": (3.8, None, None),
    "demo2023": (94.0, None, None),
    "field": (30.0, 508.0, None),
    "save": (47.0, None, None),
}


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    paths: list[str]
    logged_in: bool = False


def bench_cases() -> list[Case]:
    return [
        Case("minimal", "minimal Django view (/bench/minimal/)", ["/bench/minimal/"]),
        Case(
            "year3000",
            f"{BENCH_UNITS}-unit year (/results/{BENCH_YEAR}/)",
            [f"/results/{BENCH_YEAR}/"],
        ),
        Case("index", "the years (/results/)", ["/results/"]),
        Case(
            "unit3000",
            f"a unit's page ({BENCH_UNITS}-unit group)",
            [f"/results/{BENCH_YEAR}/bench-{BENCH_YEAR}-7/"],
        ),
        Case("demo2023", "demo /results/2023/", ["/results/2023/"]),
        Case(
            "field",
            "self-assessment field of 17 leaves",
            [f"/assessments/{DEMO_YEAR}/so-tu-phap/?field=1"],
            logged_in=True,
        ),
        Case("save", "a leaf save (htmx POST)", []),
    ]


@dataclass(frozen=True)
class Row:
    case: Case
    measure: Measure
    check: SaveCheck | None = None


def bench(seconds: float, connections: int = 16, threads: int = 1, write: Any = print) -> list[Row]:
    """Each case for `seconds` under gunicorn, one after the other, in one server."""
    ensure_data(write)
    scorer = User.objects.get(username="so-tu-phap.scorer")
    cookie, _csrf = session_cookie(scorer)
    leaves = savable_leaves(connections)
    since = audit_mark()
    rows: list[Row] = []
    saved: tuple[int, Path] | None = None
    with serving(threads=threads) as server:
        write(
            f"gunicorn on {server.url}, {WORKERS} workers of {threads} thread(s); "
            f"wrk {connections} connections"
        )
        for case in bench_cases():
            headers = {"Cookie": cookie} if case.logged_in else {}
            if case.key == "save":
                log_dir = tempfile.mkdtemp(prefix="parindex-saves-")
                script = saves_script(leaves, log_dir)
                # One connection per thread: each waits for its answer's version.
                measure = run_wrk(
                    server, script, connections=connections, threads=connections, seconds=seconds
                )
                rows.append(Row(case, measure))
                saved = (len(rows) - 1, Path(log_dir))
            else:
                warm(server, case.paths, headers)
                script = pages_script(case.paths, headers)
                rows.append(
                    Row(case, run_wrk(server, script, connections=connections, seconds=seconds))
                )
            write(f"  {case.label}: {rows[-1].measure.rate:.1f} requests/s")
    # Once the server has stopped: wrk leaves saves in flight when its time is up.
    if saved is not None:
        index, folder = saved
        check = check_saves(leaves, read_acknowledged(folder), since)
        shutil.rmtree(folder, ignore_errors=True)
        rows[index] = replace(rows[index], check=check)
    return rows


def _figure(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def bench_table(rows: list[Row]) -> str:
    """Markdown, for README's performance section."""
    minimal = next((r.measure.rate for r in rows if r.case.key == "minimal"), 0.0)
    lines = [
        "| page | requests/s | p50 ms | p99 ms | errors | CPU ms/request (server + db) "
        "| before: requests/s | p50 ms | p99 ms | × |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        before_rate, before_p50, before_p99 = BASELINES.get(row.case.key, (None, None, None))
        m = row.measure
        ratio = (
            f"{m.rate / before_rate:,.1f}"
            if before_rate
            else (
                f"{m.rate / minimal:.0%} of minimal"
                if minimal and row.case.key != "minimal"
                else "—"
            )
        )
        lines.append(
            f"| {row.case.label} | {_figure(m.rate)} | {_figure(m.p50)} | {_figure(m.p99)} "
            f"| {m.errors} | {_figure(m.server_cpu_ms, 2)} + {_figure(m.db_cpu_ms, 2)} "
            f"| {_figure(before_rate)} | {_figure(before_p50, 0)} "
            f"| {_figure(before_p99, 0)} | {ratio} |"
        )
    for row in rows:
        if row.check is not None:
            c = row.check
            lines.append(
                f"\n{row.case.label}: {c.acknowledged} saves acknowledged, {c.committed} in the "
                f"database, {c.lost} lost, {c.audit_mismatches} audit mismatches."
            )
    return "\n".join(lines)


# Faults: kill -9 in the middle of saves -------------------------------------------------


@dataclass(frozen=True)
class FaultReport:
    acknowledged_before: int
    interrupted: SaveCheck  # the saves around the kill, checked after the restart
    after_restart: SaveCheck  # saves once the server is back
    after_rate: float


def fault_run(
    leaves_of: Any, *, before_kill: float = 3.0, after: float = 3.0, write: Any = print
) -> FaultReport:
    """Saves at full speed; kill -9 the master and its workers in the middle; restart;
    check that every acknowledged save is there with its audit row and that no change is
    half-written; save again on the restarted server and check those too."""
    leaves = leaves_of()
    since = audit_mark()
    log_dir = Path(tempfile.mkdtemp(prefix="parindex-fault-"))
    server = start_server()
    try:
        process, folder = start_wrk(
            server,
            saves_script(leaves, str(log_dir)),
            connections=len(leaves),
            threads=len(leaves),
            seconds=before_kill + 30,
        )
        time.sleep(before_kill)
        acknowledged = sum(len(v) for v in read_acknowledged(log_dir).values())
        write(f"kill -9 gunicorn (pids {server.pids()}) after {acknowledged} saves")
        server.kill_hard()
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        stop_server(server)
    interrupted = check_saves(leaves, read_acknowledged(log_dir), since)
    shutil.rmtree(log_dir, ignore_errors=True)
    write(
        f"after the kill: {interrupted.acknowledged} acknowledged, {interrupted.committed} "
        f"committed, {interrupted.lost} lost, {interrupted.audit_mismatches} audit mismatches"
    )
    leaves = leaves_of()
    since = audit_mark()
    log_dir = Path(tempfile.mkdtemp(prefix="parindex-fault-"))
    with serving() as server:
        measure = run_wrk(
            server,
            saves_script(leaves, str(log_dir)),
            connections=len(leaves),
            threads=len(leaves),
            seconds=after,
        )
    restarted = check_saves(leaves, read_acknowledged(log_dir), since)
    shutil.rmtree(log_dir, ignore_errors=True)
    write(
        f"after the restart: {restarted.acknowledged} acknowledged ({measure.rate:.1f}/s), "
        f"{restarted.lost} lost, {restarted.audit_mismatches} audit mismatches"
    )
    return FaultReport(acknowledged, interrupted, restarted, measure.rate)


# Load: citizens and scorers at once ------------------------------------------------------


def citizen_paths(units: int = 200) -> list[str]:
    """What citizens read: the years, each year's tables (sorted, by field, page by
    page), units' pages of the 3,000-unit year and of the demo's."""
    paths = ["/results/", "/results/2023/", "/results/2023/fields/"]
    paths += [f"/results/{BENCH_YEAR}/", f"/results/{BENCH_YEAR}/fields/"]
    paths += [f"/results/{BENCH_YEAR}/?sort=name", f"/results/{BENCH_YEAR}/?sort=self"]
    paths += [f"/results/{BENCH_YEAR}/?group=bench-{BENCH_YEAR}&page={n}" for n in range(1, 6)]
    paths += [f"/results/{BENCH_YEAR}/bench-{BENCH_YEAR}-{n * 13}/" for n in range(units)]
    paths += [
        f"/results/2023/{code}/"
        for code in ImportedResult.objects.filter(year=2023).values_list("unit__code", flat=True)
    ]
    return paths


@dataclass(frozen=True)
class LoadReport:
    citizens: Measure
    scorers: Measure
    check: SaveCheck


def load_run(
    citizens: int = 200,
    scorers: int = 40,
    seconds: float = 60,
    threads: int = 1,
    write: Any = print,
) -> LoadReport:
    """`citizens` connections on the public pages and `scorers` saving leaves (one leaf
    each, one unit each where the demo has enough), at once, for `seconds`."""
    ensure_data(write)
    leaves = savable_leaves(scorers)
    since = audit_mark()
    log_dir = Path(tempfile.mkdtemp(prefix="parindex-load-"))
    with serving(threads=threads) as server:
        write(
            f"gunicorn on {server.url}, {WORKERS} workers of {threads} thread(s): "
            f"{citizens} citizens, {scorers} scorers"
        )
        public, public_folder = start_wrk(
            server,
            pages_script(citizen_paths()),
            connections=citizens,
            threads=2,
            seconds=seconds,
        )
        saving, saving_folder = start_wrk(
            server,
            saves_script(leaves, str(log_dir)),
            connections=scorers,
            threads=scorers,
            seconds=seconds,
        )
        citizens_measure = wrk_result(public, public_folder)
        scorers_measure = wrk_result(saving, saving_folder)
    check = check_saves(leaves, read_acknowledged(log_dir), since)
    shutil.rmtree(log_dir, ignore_errors=True)
    return LoadReport(citizens_measure, scorers_measure, check)


def load_table(report: LoadReport, citizens: int, scorers: int) -> str:
    lines = [
        "| who | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for label, m in (
        (f"{citizens} citizens on the public results pages", report.citizens),
        (f"{scorers} scorers saving leaves", report.scorers),
    ):
        lines.append(
            f"| {label} | {m.rate:,.1f} | {m.p50:,.1f} | {m.p95:,.1f} | {m.p99:,.1f} | {m.errors} |"
        )
    c = report.check
    lines.append(
        f"\nSaves: {c.acknowledged} acknowledged, {c.committed} in the database, "
        f"{c.lost} lost, {c.audit_mismatches} audit mismatches."
    )
    lines += c.problems[:10]
    return "\n".join(lines)
