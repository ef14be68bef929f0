"""Benchmark complete admissions through the workflow services, against bare flows.

Measures in the same run and on the same database, the three flows taking turns
process by process (so a change in the machine's load hits them alike):

- admission: N change requests, each filed by the department, forwarded by the county
  office and accepted by the heads of its three townships, all through
  ``workflow.services`` as those users; the benchmark county has the standing
  authorisation (常设授权), so an uncontested request is published, and issued as a
  release, at the end of its consultation as before the decision chain (审定) existed;
- bare flow: the issue's baseline, a three-step viewflow flow (start → view → end)
  defined here on viewflow's own Process/Task tables, with the same lock and the same
  kind of user actions (a user starts it, another completes the view task through
  ``run_human_task``, the helper every workflow service uses);
- same shape: the admission's graph node for node (review, a split into three
  consultations each arming a reminder and a deadline timer, join, gateways, a
  function step) doing no domain work: what the graph itself costs;
- raw: single-row ``INSERT`` + ``COMMIT`` into a plain table, in autocommit.

An *executed task* is a task row that reached DONE: the start, the human tasks and the
automatic ones (gateways, split, join, function steps, end); 12 per admission, 3 per
bare flow. Timer tasks a consultation arms and its answer cancels are not counted, but
their cost is. SQL statements are counted with ``connection.execute_wrapper``
(savepoints included, and on SQLite the ``BEGIN IMMEDIATE`` Django sends itself;
``COMMIT`` never); only the service calls are timed and counted, not the harness that
looks up the next task as a user's inbox would.
``--profile`` shows, per flow, which component and which statements the counts come
from.

Run: ``.venv/bin/python bench/bench_admission.py [-n 50] [--profile]``. Without
``DATABASE_URL`` it uses a throwaway SQLite file in a temporary folder; with it (e.g. a
PostgreSQL URL) the given database is migrated and used, and the rows the benchmark
creates stay there (use a throwaway database).
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
import traceback
import types
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The bare flow must live in an installed app's package: viewflow stores
# "app_label/module.Flow.node" in every task row and imports it back from there.
BARE_FLOW_MODULE = "workflow.bench_bare_flow"
TOWNSHIP_NAMES = ["城关街道", "青石镇", "云岭乡"]


def setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    # As in production: no per-query debug records (DEBUG needs no key then, so give
    # the run a throwaway one); mail through Django's mail backend, kept in memory.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def define_bare_flows():
    """The baseline flows, registered as a module of the ``workflow`` app.

    ``BareFlow`` is the issue's baseline: start → one human task → end. ``ShapedFlow``
    has the admission's graph (review, a split into three consultations that each arm
    a reminder and a deadline timer, join, gateways, a function step) with no domain
    work at all: how much of the admission's cost is the graph's, not the services'.
    """
    import datetime

    from viewflow import this
    from viewflow.workflow import flow
    from viewflow.workflow.lock import SelectForUpdateLock

    from workflow.flows import ChangeRequestFlow
    from workflow.nodes import PartySplit

    module = types.ModuleType(BARE_FLOW_MODULE, "Baseline flows of bench/bench_admission.py.")
    sys.modules[BARE_FLOW_MODULE] = module
    lock = ChangeRequestFlow.lock_impl
    assert isinstance(lock, SelectForUpdateLock)

    def no_page(request, **kwargs):  # the flows' URLs are never mounted
        raise NotImplementedError

    class BareFlow(flow.Flow):
        """start → one human task open to any user → end, on viewflow's base models."""

        __module__ = BARE_FLOW_MODULE
        lock_impl = lock

        start = flow.StartHandle(this.start_process).Next(this.approve)
        approve = flow.View(no_page).Next(this.end)
        end = flow.End()

        def start_process(self, activation, user):
            activation.task.owner = user
            return activation.process

    class ShapedFlow(flow.Flow):
        """The admission's graph, node for node, doing nothing but moving tokens."""

        __module__ = BARE_FLOW_MODULE
        lock_impl = lock

        start = flow.StartHandle(this.start_process).Next(this.review)
        review = flow.View(no_page).Next(this.check_review)
        check_review = flow.If(this.yes).Then(this.consult_split).Else(this.rejected)
        consult_split = PartySplit(this.parties).Next(this.consult)
        consult = (
            flow.View(no_page)
            .OnTimeout(datetime.timedelta(days=4), this.remind, interrupting=False)
            .OnTimeout(datetime.timedelta(days=5), this.close_silent)
            .Next(this.join_consult)
        )
        remind = flow.Function(this.nothing).Next(this.reminded)
        reminded = flow.End()
        close_silent = flow.Function(this.nothing).Next(this.join_consult)
        join_consult = flow.Join().Next(this.check_contested)
        check_contested = flow.If(this.no).Then(this.rejected).Else(this.check_standing)
        check_standing = flow.If(this.yes).Then(this.publish).Else(this.rejected)
        publish = flow.Function(this.nothing).Next(this.end)
        end = flow.End()
        rejected = flow.End()

        def start_process(self, activation, user):
            activation.task.owner = user
            return activation.process

        def parties(self, activation):
            return [{"party": index} for index in range(len(TOWNSHIP_NAMES))]

        def yes(self, activation):
            return True

        def no(self, activation):
            return False

        def nothing(self, activation):
            return None

    module.BareFlow, module.ShapedFlow = BareFlow, ShapedFlow
    return BareFlow, ShapedFlow


# --- measuring -------------------------------------------------------------------------


@dataclass
class Meter:
    """Wall time and SQL statements of the measured calls only."""

    seconds: float = 0.0
    statements: int = 0
    profile: Counter | None = None
    _active: bool = False

    def __call__(self, execute, sql, params, many, context):
        if self._active:
            self.statements += 1
            if self.profile is not None:
                stack = traceback.extract_stack()[:-1]
                self.profile[(statement_kind(sql), caller(stack))] += 1
                self.profile[("component", component(stack))] += 1
        return execute(sql, params, many, context)

    @contextmanager
    def measure(self):
        self._active = True
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start
            self._active = False


def statement_kind(sql: str) -> str:
    """``SELECT organisations_township`` and the like: verb and first table."""
    words = sql.replace('"', " ").replace("`", " ").split()
    verb = words[0].upper() if words else "?"
    keyword = {"SELECT": "FROM", "DELETE": "FROM", "INSERT": "INTO", "UPDATE": "UPDATE"}
    table = ""
    if verb in keyword:
        upper = [w.upper() for w in words]
        if keyword[verb] in upper:
            index = upper.index(keyword[verb]) + 1
            table = words[index] if index < len(words) else ""
        if verb == "SELECT" and "FOR UPDATE" in sql.upper():
            verb = "SELECT…FOR UPDATE"
    return f"{verb} {table}".strip()


def caller(stack) -> str:
    """Where a statement comes from: the innermost project function and, when the
    statement is issued inside viewflow, viewflow's innermost function too."""
    project = library = ""
    for frame in reversed(stack):
        path = frame.filename
        if "bench_admission" in path:
            continue
        if "/viewflow/" in path and not library:
            library = f"viewflow/{path.rsplit('/viewflow/', 1)[1]}:{frame.name}"
        elif str(ROOT) in path and ".venv" not in path:
            project = f"{Path(path).relative_to(ROOT)}:{frame.name}"
            break
    return f"{project} ← {library}" if library else project


# A statement belongs to the first of these components that has a marker
# ("file:function" or "file:") anywhere in its call stack ...
COMPONENTS = [
    (
        "consultation timers (arm, cancel, deadline calendar)",
        [
            "timer.py:",
            "boundary.py:",
            "deadlines.py:",
            "flow_steps.py:reminder_due",
            "nodes.py:_arm",
            "nodes.py:_on_host_finished",
        ],
    ),
    ("notifications", ["notifications.py:", "selectors.py:users_of", "selectors.py:_members"]),
    (
        "rights checks (guardian, scoping)",
        ["nodes.py:_holds_party_permission", "view.py:can_assign", "permissions.py:"],
    ),
    ("publication to the list", ["publishing.py:", "duty_lists/services.py:"]),
]
# ... else to whichever is innermost: project code (the services' own records and
# history) or viewflow and ``run_human_task`` (task rows, lock, gateways, split/join).
ENGINE = "viewflow engine (task rows, lock, gateways, split/join)"
DOMAIN = "domain records and history (services)"


def component(stack) -> str:
    """The part of the system a statement is spent on (see ``COMPONENTS``)."""
    names = [f"{frame.filename}:{frame.name}" for frame in stack]
    for label, markers in COMPONENTS:
        if any(marker in name for marker in markers for name in names):
            return label
    for frame in reversed(stack):
        path = frame.filename
        if "/viewflow/" in path or path.endswith("workflow/services/common.py"):
            return ENGINE
        if str(ROOT) in path and ".venv" not in path and "bench_admission" not in path:
            return DOMAIN
    return "other"


@dataclass
class Result:
    label: str
    processes: int
    meter: Meter
    executed: Counter = field(default_factory=Counter)

    @property
    def tasks(self) -> int:
        return sum(self.executed.values())

    def per_task_ms(self) -> float:
        return 1000 * self.meter.seconds / self.tasks

    def statements_per_task(self) -> float:
        return self.meter.statements / self.tasks


def executed_tasks(process_ids) -> Counter:
    """DONE tasks of the processes by kind: start / human / automatic."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.nodes import StartHandle, View
    from viewflow.workflow.status import STATUS

    kinds = Counter()
    for task in Task.objects.filter(process_id__in=process_ids, status=STATUS.DONE):
        node = task.flow_task
        if isinstance(node, StartHandle):
            kinds["start"] += 1
        elif isinstance(node, View):
            kinds["human"] += 1
        else:
            kinds["automatic"] += 1
    return kinds


# --- the county and its users -------------------------------------------------------


@dataclass
class World:
    county: object
    department: object
    townships: list
    staff: object
    office: object
    heads: list


def make_world(tag: str) -> World:
    from organisations import services as org_services
    from organisations.models import County, Department, Role, Township, User
    from workflow.models import CountyWorkflowSettings

    county = County.objects.create(code=f"B{tag}", name=f"基准{tag}县")
    CountyWorkflowSettings.objects.create(
        county=county, standing_authorisation=True, standing_authorisation_reference="基准授权"
    )
    department = Department.objects.create(
        county=county, code=f"B{tag}D01", name="县住房和城乡建设局"
    )
    townships = [
        Township.objects.create(
            county=county, code=f"B{tag}T{i}", name=name, kind=Township.Kind.TOWN
        )
        for i, name in enumerate(TOWNSHIP_NAMES)
    ]

    def user(username, role, **unit):
        person = User.objects.create_user(
            username=f"{username}-{tag}", email=f"{username}-{tag}@example.org"
        )
        org_services.membership_grant(actor=None, user=person, role=role, county=county, **unit)
        return person

    return World(
        county=county,
        department=department,
        townships=townships,
        staff=user("staff", Role.DEPARTMENT_STAFF, department=department),
        office=user("office", Role.COUNTY_OFFICE),
        heads=[
            user(f"head{i}", Role.TOWNSHIP_HEAD, township=township)
            for i, township in enumerate(townships)
        ],
    )


def fresh(user):
    """The user as a request would see it: loaded again, no cached permissions."""
    return type(user).objects.get(pk=user.pk)


def open_task_id(process, node, **data) -> int:
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    tasks = Task.objects.filter(process_id=process.pk, flow_task=node, status=STATUS.NEW)
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    return tasks.values_list("pk", flat=True).get()


# --- one process of each flow -----------------------------------------------------------


def admission_once(world: World, meter: Meter, serial: int) -> int:
    """File, forward and have all three townships accept one request; its process id."""
    import datetime
    from decimal import Decimal

    from duty_lists.models import Category
    from duty_lists.services import category_seed_defaults
    from workflow import services
    from workflow.flows import ChangeRequestFlow
    from workflow.models import ChangeKind, ConsultationAnswer, Outcome

    staff = fresh(world.staff)
    category_seed_defaults(world.county)  # the county's categories exist before filing
    category = Category.objects.get(county=world.county, code="PA")
    with meter.measure():
        process = services.change_request_file(
            actor=staff,
            county=world.county,
            kind=ChangeKind.ADD,
            level="township",
            department=world.department,
            fields={
                "title": f"燃气安全入户排查（基准{serial}）",
                "category": category,
                "duty_type": "cooperating",
                "department_responsibilities": "负责燃气安全监管和隐患整改执法。",
                "local_responsibilities": "配合开展入户排查，发现隐患及时报告。",
                "basis": "《城镇燃气管理条例》",
                "funding_amount": Decimal("2"),
                "funding_source": "县财政排查经费",
                "staffing": "无",
                "equipment": "无",
                "effective_date": datetime.date(2026, 1, 1),
            },
            target_townships=world.townships,
            reasons="属地需要配合入户排查。",
        )
    task_id = open_task_id(process, ChangeRequestFlow.review)
    office = fresh(world.office)
    with meter.measure():
        services.change_request_review(actor=office, task_id=task_id, decision="forward")
    for township, head in zip(world.townships, world.heads, strict=True):
        task_id = open_task_id(process, ChangeRequestFlow.consult, township=township.pk)
        head = fresh(head)
        with meter.measure():
            services.consultation_answer(
                actor=head, task_id=task_id, answer=ConsultationAnswer.ACCEPT
            )
    process.refresh_from_db()
    assert process.outcome == Outcome.PUBLISHED, process.outcome
    return process.pk


def complete(meter: Meter, task_id: int, user, node_name: str) -> None:
    """A user completes a task of a baseline flow through the same service helper."""
    from workflow.services import run_human_task

    user = fresh(user)
    with meter.measure():
        run_human_task(actor=user, task_id=task_id, node_name=node_name, work=lambda a: None)


def bare_once(bare_flow, world: World, meter: Meter) -> int:
    staff = fresh(world.staff)
    with meter.measure():
        process = bare_flow.start.run(user=staff)
    complete(meter, open_task_id(process, bare_flow.approve), world.office, "approve")
    return process.pk


def shaped_once(shaped_flow, world: World, meter: Meter) -> int:
    staff = fresh(world.staff)
    with meter.measure():
        process = shaped_flow.start.run(user=staff)
    complete(meter, open_task_id(process, shaped_flow.review), world.office, "review")
    for index, head in enumerate(world.heads):
        complete(meter, open_task_id(process, shaped_flow.consult, party=index), head, "consult")
    return process.pk


def run_raw_inserts(rows: int) -> tuple[float, int]:
    """Seconds for ``rows`` single-row inserts, each its own committed transaction."""
    from django.db import connection

    table = connection.ops.quote_name("bench_raw_insert")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608
        cursor.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, payload TEXT)")
    assert connection.get_autocommit()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        sql = f"INSERT INTO {table} (id, payload) VALUES (%s, %s)"  # noqa: S608
        for i in range(rows):
            cursor.execute(sql, [i, "燃气安全入户排查"])
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
    return seconds, rows


# --- report ----------------------------------------------------------------------------


def report(result: Result) -> None:
    seconds = result.meter.seconds
    kinds = ", ".join(f"{kind} {result.executed[kind]}" for kind in ("start", "human", "automatic"))
    print(
        f"{result.label:<10} {result.processes:>5} processes {seconds:7.2f} s  "
        f"{result.processes / seconds:8.1f} processes/s  "
        f"{result.tasks / seconds:8.1f} executed tasks/s  "
        f"{result.per_task_ms():6.2f} ms/task  "
        f"{result.statements_per_task():6.2f} statements/task"
    )
    print(
        f"{'':<10} executed tasks: {result.tasks} ({kinds}); "
        f"statements: {result.meter.statements} "
        f"({result.meter.statements / result.processes:.1f} per process)"
    )


def report_profile(result: Result, top: int) -> None:
    profile = result.meter.profile
    components = {key[1]: n for key, n in profile.items() if key[0] == "component"}
    statements = {key: n for key, n in profile.items() if key[0] != "component"}
    print(f"\nstatements of '{result.label}' per process, by component:")
    for label, count in sorted(components.items(), key=lambda item: -item[1]):
        print(f"  {count / result.processes:6.1f}  {label}")
    print(f"statements of '{result.label}' per process, by statement and caller (top {top}):")
    for (kind, origin), count in Counter(statements).most_common(top):
        print(f"  {count / result.processes:6.1f}  {kind:<44} {origin}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--processes", type=int, default=50)
    parser.add_argument("--raw-rows", type=int, default=2000)
    parser.add_argument(
        "--profile", action="store_true", help="show where the statements of each flow go"
    )
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as tmp:
        setup_django(Path(tmp))
        from django.db import connection

        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        bare_flow, shaped_flow = define_bare_flows()
        world = make_world(tag=f"{os.getpid()}{int(time.time()) % 100000}")
        # label: (run one process, executed tasks per process)
        runs = {
            "admission": (lambda meter, i: admission_once(world, meter, i), 12),
            "same shape": (lambda meter, i: shaped_once(shaped_flow, world, meter), 12),
            "bare flow": (lambda meter, i: bare_once(bare_flow, world, meter), 3),
        }
        meters = {label: Meter(profile=Counter() if args.profile else None) for label in runs}
        process_ids = {label: [] for label in runs}
        with ExitStack() as stack:
            for meter in meters.values():
                stack.enter_context(connection.execute_wrapper(meter))
            # One warm-up process of each (imports, caches), not measured; then the
            # flows take turns, so a change in the machine's load hits all of them.
            for run, _tasks in runs.values():
                run(Meter(), -1)
            for serial in range(args.processes):
                for label, (run, _tasks) in runs.items():
                    process_ids[label].append(run(meters[label], serial))
        results = {}
        for label, (_run, tasks) in runs.items():
            result = Result(label, args.processes, meters[label])
            result.executed = executed_tasks(process_ids[label])
            assert result.tasks == tasks * args.processes, result.executed
            results[label] = result
        raw_seconds, raw_rows = run_raw_inserts(args.raw_rows)

        for result in results.values():
            report(result)
        raw_ms = 1000 * raw_seconds / raw_rows
        print(
            f"{'raw':<10} {raw_rows:>5} rows      {raw_seconds:7.2f} s  "
            f"{raw_rows / raw_seconds:8.1f} single-row insert+commit/s  {raw_ms:6.3f} ms/row"
        )
        admission, bare = results["admission"], results["bare flow"]
        for baseline, target in ((bare, "target ≤ 1.2 / ≤ 1.5"), (results["same shape"], "")):
            print(
                f"ratio per executed task, admission ÷ {baseline.label}: statements "
                f"{admission.statements_per_task() / baseline.statements_per_task():.2f}, "
                f"time {admission.per_task_ms() / baseline.per_task_ms():.2f}"
                + (f"  ({target})" if target else "")
            )
        print(
            "time per executed task ÷ one raw insert+commit: "
            + ", ".join(f"{r.label} {r.per_task_ms() / raw_ms:.0f}" for r in results.values())
        )
        if args.profile:
            for result in results.values():
                report_profile(result, args.top)


if __name__ == "__main__":
    main()
