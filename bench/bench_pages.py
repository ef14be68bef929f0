"""Benchmark the pages at province scale: throughput and latency under concurrent users.

Builds (or reuses) a Zhejiang-sized data set (``bench.pages_data``: 90 counties, 1,387
real townships, 20,639 villages, 61,917 grids, 24,384 items with 85,370 history
records, 9,254 users, change requests and off-list reports in every state through the
real workflow services, one published evaluation round per county with 97,090 score
sheets and the bench county's open round), serves it with gunicorn on 127.0.0.1
(4 workers, DEBUG off, a throwaway SECRET_KEY, ``bench.pages_settings``), and drives 10
concurrent keep-alive HTTP clients over each page as a county office user, a
department user and a township head of the bench county, each client with its own
login session (pages) or the user's API token (API). Next to the pages, in the same
run, it measures a one-query baseline view (``/bench/baseline/``, only in the bench
URLconf) and prints per page and role: requests/s, p50/p95/p99 latency, SQL statements
and CPU ms per request, response size, and the throughput ratio page ÷ baseline,
against the targets of issue 8 (ratio ≥ 0.33, p95 ≤ 150 ms). Any answer other than
200 stops the run with the page, role and body.

Run ``.venv/bin/python bench/bench_pages.py --help`` for the options; bench/README.md
describes what is measured and how. Without ``DATABASE_URL`` it uses a throwaway SQLite
file (``--reuse`` keeps one under ``var/`` and skips the build when it is complete);
with it the given PostgreSQL database is migrated and used.
"""

import argparse
import json
import logging
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pages_data  # noqa: E402
from bench.pages_flows import FlowCounts  # noqa: E402
from bench.pages_load import (  # noqa: E402
    BASELINE_PATH,
    Client,
    Measurement,
    PageFailed,
    Server,
    balance,
    cpu_seconds,
    free_port,
    measure,
)

ROLES = ("office", "department", "township")
ROLE_LABELS = {"office": "县委编办", "department": "部门经办人", "township": "乡镇负责人"}
TARGET_RATIO = 0.33
TARGET_P95_MS = 150.0


# -- database -------------------------------------------------------------------------


def setup_django(database_url: str, workdir: Path) -> None:
    """Point Django at ``database_url`` (the same settings the server gets) and migrate."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pages_settings"
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("QINGDAN_VAR_DIR", str(workdir / "var"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def data_state(divisions) -> str:
    """``empty``, ``complete`` (the data set of ``divisions``, fully built) or ``other``."""
    from evaluation.models import EvaluationRound, RoundStage
    from organisations.models import County

    codes = set(County.objects.values_list("code", flat=True))
    if not codes:
        return "empty"
    if codes != {d.code for d in divisions}:
        return "other"
    bench = pages_data.bench_county_code(divisions)
    # Published rounds are written last: their presence marks a finished build.
    published = EvaluationRound.objects.filter(county__code=bench, stage=RoundStage.PUBLISHED)
    return "complete" if published.exists() else "other"


def table_counts() -> dict[str, int]:
    """Row counts of the tables the data set fills."""
    from viewflow.workflow.models import Task

    from arbitration.models import OffListReport
    from duty_lists.models import DutyItem
    from evaluation.models import RoundResult, Score, ScoreSheet
    from organisations.models import County, Department, Grid, Membership, Township, User, Village
    from workflow.models import ChangeRequestProcess

    history = DutyItem.history.model
    models = {
        "counties": County,
        "departments": Department,
        "townships": Township,
        "villages": Village,
        "grids": Grid,
        "users": User,
        "memberships": Membership,
        "items": DutyItem,
        "item history records": history,
        "change requests": ChangeRequestProcess,
        "off-list reports": OffListReport,
        "viewflow tasks": Task,
        "score sheets": ScoreSheet,
        "scores": Score,
        "round results": RoundResult,
    }
    return {name: model.objects.count() for name, model in models.items()}


def flush_database() -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


# -- what is measured -------------------------------------------------------------------


@dataclass(frozen=True)
class Subjects:
    """The bench county's measured users and the objects the page URLs name."""

    county_id: int
    county_name: str
    usernames: dict[str, str]
    unit_names: dict[str, str]
    item_id: int
    round_id: int
    as_of: str
    date_from: str
    date_to: str


def find_subjects(divisions) -> Subjects:
    """Read the measured users and objects back from the database (so that a reused data
    set needs nothing else): the bench county's office, its first department's staff
    member and its first township's head; the township-list item applying to every
    township with the most history records; the county's published round."""
    import datetime

    from django.db.models import Count
    from django.utils import timezone

    from duty_lists.models import DutyItem, ItemStatus, Level
    from evaluation.models import EvaluationRound, RoundStage
    from organisations.models import County, Department, Township

    county = County.objects.get(code=pages_data.bench_county_code(divisions))
    department = Department.objects.get(code=pages_data.department_code(county.code, 1))
    township = Township.objects.filter(county=county).order_by("code").first()
    candidates = DutyItem.objects.filter(
        duty_list__county=county,
        duty_list__level=Level.TOWNSHIP,
        applies_to_all=True,
        status=ItemStatus.IN_FORCE,
    ).values("pk")
    item_id = (
        DutyItem.history.filter(id__in=candidates)
        .values("id")
        .annotate(records=Count("history_id"))
        .order_by("-records", "id")
        .values_list("id", flat=True)
        .first()
    )
    evaluation_round = EvaluationRound.objects.filter(
        county=county, stage=RoundStage.PUBLISHED
    ).latest("pk")
    today = timezone.localdate()
    return Subjects(
        county_id=county.pk,
        county_name=county.name,
        usernames={
            "office": pages_data.office_username(county.code),
            "department": pages_data.department_username(department.code),
            "township": pages_data.township_username(township.code),
        },
        unit_names={
            "office": county.name,
            "department": department.name,
            "township": township.name,
        },
        item_id=item_id,
        round_id=evaluation_round.pk,
        as_of=(today - datetime.timedelta(days=90)).isoformat(),
        date_from=(today - datetime.timedelta(days=365)).isoformat(),
        date_to=today.isoformat(),
    )


# Two reference rows, not product pages: a signed-in request that renders nothing (the
# session and the user read), and the product's empty page frame (header, side menu,
# 待办 and notification badges). No page can be faster than the frame it sits in.
REFERENCE_PATHS = {
    "ref: signed in": "/bench/signed-in/",
    "ref: empty frame": "/bench/frame/",
}


def page_paths(s: Subjects) -> dict[str, str]:
    """The measured pages (name → path), in the order they run: the reference rows
    first."""
    county = f"county={s.county_id}&level=township"
    return {
        **REFERENCE_PATHS,
        "list": "/lists/",
        "as-of": f"/lists/as-of/?{county}&on_date={s.as_of}",
        "diff": f"/lists/diff/?{county}&date_from={s.date_from}&date_to={s.date_to}",
        "item history": f"/lists/items/{s.item_id}/",
        "inbox": "/changerequest/inbox/",
        "queue": "/changerequest/queue/",
        "archive": "/changerequest/archive/",
        "process list": "/changerequest/flows/",
        "reports": "/reports/",
        "evaluation results": f"/evaluation/rounds/{s.round_id}/results/",
        "api items": "/api/items/",
        "api tasks": "/api/tasks/",
        "api requests": "/api/requests/",
    }


def verdict(row: Measurement) -> str:
    if row.meets_targets is None:
        return ""
    return "yes" if row.meets_targets else "no"


def print_table(rows: list[Measurement], baselines: list[Measurement]) -> None:
    rates = sorted(b.rps for b in baselines)
    cpu = statistics.median(b.cpu_ms for b in baselines)
    print()
    print(
        f"baseline ({BASELINE_PATH}, 1 statement, {cpu:.2f} CPU ms): {len(rates)} runs, "
        f"{rates[0]:.0f} to {rates[-1]:.0f} req/s (median {statistics.median(rates):.0f})"
    )
    print()
    print(
        "| page | role | req/s | p50 ms | p95 ms | p99 ms | statements | CPU ms | KB | "
        "baseline req/s | ratio | meets targets |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {row.page} | {ROLE_LABELS.get(row.role, row.role)} | {row.rps:.1f} | "
            f"{row.p50_ms:.0f} | {row.p95_ms:.0f} | {row.p99_ms:.0f} | {row.statements} | "
            f"{row.cpu_ms:.1f} | {row.bytes / 1024:.1f} | {row.baseline_rps:.0f} | "
            f"{row.ratio:.3f} | {verdict(row)} |"
        )
    pages = [row for row in rows if row.page not in REFERENCE_PATHS]
    met = sum(bool(row.meets_targets) for row in pages)
    print()
    print(
        f"{met} of {len(pages)} page/role pairs meet both targets "
        f"(ratio ≥ {TARGET_RATIO}, p95 ≤ {TARGET_P95_MS:.0f} ms); the reference rows "
        "(ref: …) are not pages and not counted"
    )


# -- main -------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    data = parser.add_argument_group("data set")
    data.add_argument("--counties", type=int, default=pages_data.FULL_COUNTIES)
    data.add_argument("--data-dir", type=Path, default=pages_data.DEFAULT_DATA_DIR)
    data.add_argument(
        "--reuse",
        action="store_true",
        help="keep the data set (SQLite: --sqlite file; PostgreSQL: DATABASE_URL's "
        "database) and skip the build when it is already complete",
    )
    data.add_argument(
        "--sqlite",
        type=Path,
        help="SQLite file for --reuse (default var/bench_pages_<counties>.sqlite3)",
    )
    data.add_argument("--seed", type=int, default=20250101)
    flows = FlowCounts()
    data.add_argument("--bench-requests", type=int, default=flows.bench_requests)
    data.add_argument("--requests-per-county", type=int, default=flows.requests_per_county)
    data.add_argument("--bench-reports", type=int, default=flows.bench_reports)
    data.add_argument("--reports-per-county", type=int, default=flows.reports_per_county)
    data.add_argument("--build-only", action="store_true", help="build (or check) and stop")
    load = parser.add_argument_group("load")
    load.add_argument("--clients", type=int, default=10)
    load.add_argument("--workers", type=int, default=4)
    load.add_argument("--duration", type=float, default=10.0, help="seconds per page and role")
    load.add_argument(
        "--requests", type=int, help="requests per page and role (instead of --duration)"
    )
    load.add_argument("--warmup", type=int, default=1, help="uncounted requests per client")
    load.add_argument(
        "--baseline-duration", type=float, default=4.0, help="seconds per baseline run"
    )
    load.add_argument(
        "--baseline-every", type=int, default=1, help="page runs between two baseline runs"
    )
    load.add_argument("--pages", help="regular expression: only the matching pages")
    load.add_argument("--roles", default=",".join(ROLES), help="comma-separated roles")
    load.add_argument("--json", type=Path, help="also write the results to this file")
    return parser.parse_args(argv)


def build_or_reuse(args, divisions, state: str, database_is_temporary: bool) -> None:
    """Build the data set into an empty database (``state`` as ``data_state`` says), or
    check that a complete one is there to reuse (``--reuse``). Raises ``SystemExit``
    naming what to do when the database holds something else."""
    from django.db import connection

    if state == "complete" and args.reuse:
        print("data set: reused")
    elif state == "complete":
        raise SystemExit(
            "the database already holds this data set: pass --reuse to use it, or empty it"
        )
    elif state == "empty":
        flows = FlowCounts(
            bench_requests=args.bench_requests,
            requests_per_county=args.requests_per_county,
            bench_reports=args.bench_reports,
            reports_per_county=args.reports_per_county,
        )
        print(f"building the data set ({connection.vendor}, {args.counties} counties) …")
        # The services log every filing and answer to the audit log: thousands of lines.
        logging.getLogger("qingdan.audit").setLevel(logging.WARNING)
        started = time.perf_counter()
        pages_data.Builder(divisions, seed=args.seed, flows=flows).run()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"built in {time.perf_counter() - started:.0f} s")
    elif database_is_temporary:
        raise AssertionError("a new database is not empty")
    else:
        raise SystemExit(
            "the database holds another or an unfinished data set: empty it "
            "(or delete the SQLite file), or pass --reuse for a complete one of this scale"
        )
    for name, count in table_counts().items():
        print(f"  {name}: {count:,}")


def main(argv=None) -> int:
    args = parse_args(argv)
    roles = [role.strip() for role in args.roles.split(",") if role.strip()]
    divisions = pages_data.read_divisions(args.data_dir, args.counties)
    workdir = Path(tempfile.mkdtemp(prefix="bench_pages_"))
    given_url = os.environ.get("DATABASE_URL")
    temporary = False
    if given_url:
        database_url = given_url
    elif args.reuse:
        sqlite = args.sqlite or ROOT / "var" / f"bench_pages_{args.counties}.sqlite3"
        sqlite.parent.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{sqlite.resolve()}"
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        temporary = True
    server = None
    # A given database is emptied at the end only if it was empty and is not kept.
    flush_at_end = False
    try:
        setup_django(database_url, workdir)
        from django.db import connection

        vendor = connection.vendor
        state = data_state(divisions)
        flush_at_end = bool(given_url) and not args.reuse and state == "empty"
        build_or_reuse(args, divisions, state, temporary)
        if args.build_only:
            return 0
        subjects = find_subjects(divisions)
        connection.close()
        paths = page_paths(subjects)
        if args.pages:
            paths = {name: p for name, p in paths.items() if re.search(args.pages, name)}
        port = free_port()
        server = Server(port=port, workers=args.workers, workdir=workdir)
        server.wait_ready()
        print(
            f"\nserving on 127.0.0.1:{port} ({vendor}, gunicorn {args.workers} workers); "
            f"{args.clients} clients per run; bench county {subjects.county_name}; users: "
            + ", ".join(f"{subjects.usernames[r]} ({subjects.unit_names[r]})" for r in roles)
        )
        started, (client_cpu, server_cpu) = time.perf_counter(), cpu_seconds()
        rows, baselines = run_all(args, server, subjects, paths, roles)
        server.stop()
        wall = time.perf_counter() - started
        client_cpu, server_cpu = (
            after - before
            for after, before in zip(cpu_seconds(), (client_cpu, server_cpu), strict=True)
        )
    except PageFailed as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        if server is not None:
            print(server.log_tail(), file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        if flush_at_end:
            flush_database()
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(rows, baselines)
    print(
        f"CPU while measuring: server {server_cpu:.0f} s, benchmark clients {client_cpu:.0f} s, "
        f"in {wall:.0f} s of wall time on {os.cpu_count()} cores"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "database": vendor,
                    "counties": args.counties,
                    "clients": args.clients,
                    "workers": args.workers,
                    "duration": args.duration,
                    "requests": args.requests,
                    "baseline_duration": args.baseline_duration,
                    "cpu_seconds": {"server": server_cpu, "clients": client_cpu, "wall": wall},
                    "baseline": [asdict(b) for b in baselines],
                    "rows": [asdict(r) for r in rows],
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


def run_all(args, server: Server, subjects: Subjects, paths: dict, roles: list):
    """Log the clients in, check every page once, then measure page by page with the
    baseline measured before, between (every ``--baseline-every`` page runs) and after;
    a page's ratio is taken against the mean of the baseline runs around it."""
    anonymous = [Client(server.port) for _ in range(args.clients)]
    sessions = {role: [Client(server.port) for _ in range(args.clients)] for role in roles}
    tokens = {role: [Client(server.port) for _ in range(args.clients)] for role in roles}
    logins = [(client, subjects.usernames[role]) for role in roles for client in sessions[role]]
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        list(pool.map(lambda login: login[0].log_in(login[1]), logins))
    for role in roles:
        tokens[role][0].use_token(subjects.usernames[role])
        for client in tokens[role][1:]:
            client.headers.update(tokens[role][0].headers)
    runs = [
        (page, role, path, (tokens if page.startswith("api") else sessions)[role])
        for page, path in paths.items()
        for role in roles
    ]
    for page, role, path, clients in runs:
        status, response, body = clients[0].get(path)
        if status != 200:
            probe = Measurement(page=page, role=role, path=path)
            raise PageFailed(probe, status, body[:400])
    options = {"duration": args.duration, "count": args.requests, "warmup": args.warmup}

    def baseline() -> Measurement:
        balance(anonymous, args.workers)
        result = measure(
            anonymous,
            "baseline",
            "anonymous",
            BASELINE_PATH,
            duration=args.baseline_duration,
            count=None,
            warmup=args.warmup,
        )
        if result.statements_max != 1:
            raise SystemExit(f"the baseline sent {result.statements_max} statements, not 1")
        print(f"  baseline: {result.rps:.0f} req/s, p95 {result.p95_ms:.0f} ms")
        return result

    baselines = [baseline()]
    pending: list[Measurement] = []
    rows = []
    for number, (page, role, path, clients) in enumerate(runs, start=1):
        balance(clients, args.workers)
        result = measure(clients, page, role, path, **options)
        print(
            f"  {page} / {role}: {result.rps:.1f} req/s, p95 {result.p95_ms:.0f} ms, "
            f"{result.statements} statements, {result.cpu_ms:.1f} CPU ms, "
            f"{result.bytes / 1024:.1f} KB"
        )
        pending.append(result)
        if number % args.baseline_every == 0 or number == len(runs):
            before = baselines[-1]
            baselines.append(baseline())
            reference = (before.rps + baselines[-1].rps) / 2
            for row in pending:
                row.baseline_rps = reference
                row.ratio = row.rps / reference
                row.meets_targets = row.ratio >= TARGET_RATIO and row.p95_ms <= TARGET_P95_MS
            rows += pending
            pending = []
    for client in anonymous + [
        c for group in (*sessions.values(), *tokens.values()) for c in group
    ]:
        client.close()
    return rows, baselines


if __name__ == "__main__":
    sys.exit(main())
