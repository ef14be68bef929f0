"""待办 / 已办 / 我发起的: what waits for a user across every flow, in one list.

The tasks of the admission requests, the off-list reports and the evaluation rounds
are all viewflow ``Task`` rows, so "what waits for me" is one query on that table:

- open human tasks owned by the user (assigned, or handed to it: 转交);
- open human tasks nobody owns whose stored permission the user holds on the stored
  object (viewflow's queue rule, ``TaskQuerySet.user_queue``): a township head's
  consultations, a department's answers and score sheets, the county office's reviews;
  a deputy in force holds its head's grants (``organisations.permissions``), so the
  head's tasks wait for the deputy too;
- requests waiting for the leadership's decision (审定) whose reviewing unit the user
  is: to gather into a batch, or to record once the batch is decided.

No claim step: a task waits for every person of the unit until one of them submits it.
Each list runs a fixed number of queries whatever its length.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from arbitration.models import OffListReport
from evaluation.models import EvaluationRound, ScoreSheet
from organisations import permissions as org_permissions

from .batch_selectors import _reviewed_by
from .models import ChangeRequestProcess
from .selectors import task_deadlines, with_open_step

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# The most rows a list shows (the oldest deadlines first); the rest wait on the next page
# of the flow's own lists.
MAX_ROWS = 200


def _flows():
    from .evaluation_flow import EvaluationRoundFlow
    from .flows import ChangeRequestFlow
    from .offlist_flow import OffListReportFlow

    return ChangeRequestFlow, OffListReportFlow, EvaluationRoundFlow


def _queued_for(user) -> list[Q]:
    """Open tasks nobody owns whose stored permission and object the user holds a grant
    for, one term per granted permission: viewflow stores a task's permission as
    ``"app_label.codename"`` and its object's primary key as text, so each term is
    ``owner_permission = … AND owner_permission_obj_pk IN (…) AND owner_id IS NULL``,
    the columns of the index of ``workflow.0014_task_queue_index`` (reading the grants
    costs no query once the user's scope is read)."""
    object_pks: dict[str, list[str]] = {}
    for app_label, codename, object_pk in org_permissions.object_grants(user):
        object_pks.setdefault(f"{app_label}.{codename}", []).append(object_pk)
    return [
        Q(owner_permission=permission, owner_permission_obj_pk__in=sorted(pks), owner__isnull=True)
        for permission, pks in sorted(object_pks.items())
    ]


def todo_tasks(user) -> QuerySet[Task]:
    """The open tasks waiting for ``user`` in every flow (see the module docstring);
    a lazy queryset (building it reads the user's scope at most).

    The condition is a plain OR of terms that each name their own index (the user's own
    tasks by owner, each queue by permission and object, the decisions by step), so
    that the database looks each up instead of walking every open task."""
    if not user.is_authenticated:
        return Task.objects.none()
    change_request_flow = _flows()[0]
    open_human = {"flow_task_type": "HUMAN", "status__in": OPEN}
    condition = Q(owner_id=user.pk, **open_human)
    for queued in _queued_for(user):
        condition |= queued & Q(**open_human)
    condition |= Q(
        flow_task=change_request_flow.await_decision,
        status__in=OPEN,
        process_id__in=ChangeRequestProcess.objects.filter(_reviewed_by(user)).values("pk"),
    )
    return Task.objects.filter(condition)


def todo_count(user) -> int:
    """How many things wait for ``user`` (the header badge): one query."""
    if not user.is_authenticated:
        return 0
    return todo_tasks(user).count()


@dataclass(frozen=True)
class TodoRow:
    """One line of the 待办 / 已办 lists."""

    flow: str  # 准入申请, 清单外事项, 双向互评, 审定
    number: str  # SQ-2026-0012, 报告 #3, 评分表 #40
    title: str  # what the request, report or sheet is about
    step: str  # the step that waits (征求意见, 部门答复 …)
    sender: str  # who sent it, with the unit
    sent_at: datetime.datetime
    deadline: datetime.datetime | None
    url: str
    finished: datetime.datetime | None = None
    task_id: int | None = None  # the viewflow task the row stands for

    @property
    def is_overdue(self) -> bool:
        return self.deadline is not None and self.finished is None and self.deadline <= _now()


def _now():
    return timezone.now()


def _person(user, unit_name: str = "") -> str:
    if user is None:
        return unit_name
    return f"{user}（{unit_name}）" if unit_name else str(user)


def request_number(process) -> str:
    """The number a request is known by (申请编号, e.g. ``SQ-2026-0017``)."""
    return process.label


def _request_row(task, process, deadline) -> TodoRow:
    node = task.flow_task.name
    reviewer = (
        process.reviewing_department.name
        if process.reviewing_department_id
        else process.county.office_display_name
    )
    filer = _person(process.requested_by, str(process.initiator or ""))
    if node in ("review", "await_decision"):
        sender = filer
    elif node == "arbitrate":
        sender = "征求意见汇总"
    else:
        sender = _person(process.reviewed_by, reviewer)
    if node == "await_decision":
        entry = getattr(process, "batch_entry", None)
        if entry is None:
            step, url = "待提请审定", reverse("decisions:new")
        else:
            step = f"待登记审定结果（{entry.batch.title}）"
            url = reverse("decisions:detail", args=[entry.batch_id])
        return TodoRow(
            "审定",
            request_number(process),
            process.subject_line,
            step,
            sender,
            task.created,
            deadline,
            url,
            task.finished,
        )
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    return TodoRow(
        "准入申请",
        request_number(process),
        process.subject_line,
        task.flow_task.task_title,
        sender,
        task.created,
        deadline,
        url,
        task.finished,
    )


def _report_row(task, report, deadline) -> TodoRow:
    node = task.flow_task.name
    if node == "answer":
        sender = _person(report.reported_by, report.township.name)
        url = reverse("reports:answer", args=[report.pk])
    else:
        sender = _person(report.answered_by, report.department.name)
        url = reverse("reports:rule", args=[report.pk])
    title = report.assignment.splitlines()[0][:60] if report.assignment else ""
    return TodoRow(
        "清单外事项",
        f"报告 #{report.pk}",
        title,
        task.flow_task.task_title,
        sender,
        task.created,
        deadline,
        url,
        task.finished,
    )


def _round_row(task, evaluation_round, sheet, deadline) -> TodoRow:
    office = evaluation_round.county.office_display_name
    if sheet is not None:
        ratee = sheet.ratee_township or sheet.ratee_department
        return TodoRow(
            "双向互评",
            f"评分表 #{sheet.pk}",
            f"{evaluation_round.name}：评价{ratee}",
            task.flow_task.task_title,
            office,
            task.created,
            deadline or evaluation_round.deadline,
            reverse("evaluation:sheet", args=[sheet.pk]),
            task.finished,
        )
    url_name = "round_close" if task.flow_task.name == "close" else "round_publish"
    return TodoRow(
        "双向互评",
        f"轮次 #{evaluation_round.pk}",
        evaluation_round.name,
        task.flow_task.task_title,
        "评分截止",
        task.created,
        deadline,
        reverse(f"evaluation:{url_name}", args=[evaluation_round.pk]),
        task.finished,
    )


def rows_of(tasks: list[Task]) -> list[TodoRow]:
    """The list rows of ``tasks`` (of any flow): at most five queries, whatever their
    number (each flow's records, the sheets, the deadlines)."""
    change_request_flow, report_flow, round_flow = _flows()
    by_flow: dict[type, set[int]] = {}
    for task in tasks:
        by_flow.setdefault(task.flow_task.flow_class, set()).add(task.process_id)
    requests = {}
    if by_flow.get(change_request_flow):
        requests = ChangeRequestProcess.objects.select_related(
            "county",
            "requested_by",
            "reviewed_by",
            "initiator_department",
            "initiator_township",
            "reviewing_department",
            "target_item",
            "batch_entry__batch",
        ).in_bulk(sorted(by_flow[change_request_flow]))
    reports = {}
    if by_flow.get(report_flow):
        reports = OffListReport.objects.select_related(
            "township", "department", "reported_by", "answered_by"
        ).in_bulk(sorted(by_flow[report_flow]))
    rounds, sheets = {}, {}
    if by_flow.get(round_flow):
        rounds = EvaluationRound.objects.select_related("county").in_bulk(
            sorted(by_flow[round_flow])
        )
        sheet_ids = [
            task.data["sheet"]
            for task in tasks
            if isinstance(task.data, dict) and "sheet" in task.data
        ]
        if sheet_ids:
            sheets = ScoreSheet.objects.select_related(
                "ratee_township", "ratee_department"
            ).in_bulk(sorted(sheet_ids))
    deadlines = task_deadlines([task for task in tasks if task.finished is None])
    rows = []
    for task in tasks:
        flow_class, deadline = task.flow_task.flow_class, deadlines.get(task.pk)
        if flow_class is change_request_flow and task.process_id in requests:
            row = _request_row(task, requests[task.process_id], deadline)
        elif flow_class is report_flow and task.process_id in reports:
            row = _report_row(task, reports[task.process_id], deadline)
        elif flow_class is round_flow and task.process_id in rounds:
            sheet = sheets.get(task.data.get("sheet")) if isinstance(task.data, dict) else None
            row = _round_row(task, rounds[task.process_id], sheet, deadline)
        else:
            continue
        rows.append(dataclasses.replace(row, task_id=task.pk))
    return rows


def _by_urgency(row: TodoRow):
    # Deadlines first, the soonest (overdue) on top; then the oldest.
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return (row.deadline or far, row.sent_at)


def todo_rows(user) -> list[TodoRow]:
    """What waits for ``user``: the rows of ``todo_tasks``, overdue and soonest due
    first, at most ``MAX_ROWS``."""
    tasks = list(todo_tasks(user).select_related("owner").order_by("created", "pk")[:MAX_ROWS])
    return sorted(rows_of(tasks), key=_by_urgency)


def done_rows(user) -> list[TodoRow]:
    """已办: the human tasks ``user`` completed in every flow, newest first (at most
    ``MAX_ROWS``)."""
    if not user.is_authenticated:
        return []
    tasks = list(
        Task.objects.filter(owner_id=user.pk, flow_task_type="HUMAN", status=STATUS.DONE).order_by(
            "-finished", "-pk"
        )[:MAX_ROWS]
    )
    return rows_of(tasks)


@dataclass(frozen=True)
class StartedRow:
    """One line of 我发起的: a request or report the user filed, and where it stands."""

    flow: str
    number: str
    title: str
    status: str
    created: datetime.datetime
    url: str


def started_rows(user) -> list[StartedRow]:
    """我发起的: the requests and off-list reports ``user`` filed, newest first (two
    queries)."""
    if not user.is_authenticated:
        return []
    change_request_flow = _flows()[0]
    requests = with_open_step(
        ChangeRequestProcess.objects.filter(requested_by_id=user.pk).select_related("target_item")
    ).order_by("-created", "-pk")[:MAX_ROWS]
    rows = []
    for process in requests:
        if process.open_step is not None:
            status = f"{process.get_outcome_display()}：{process.open_step.task_title}"
        else:
            status = process.get_outcome_display()
        rows.append(
            StartedRow(
                "准入申请",
                request_number(process),
                process.subject_line,
                status,
                process.created,
                change_request_flow.instance.reverse("process_detail", args=[process.pk]),
            )
        )
    reports = OffListReport.objects.filter(reported_by_id=user.pk).order_by("-created", "-pk")
    for report in reports[:MAX_ROWS]:
        status = (
            report.get_ruling_display()
            if report.ruling
            else ("待县委编办裁定" if report.department_answer else "待部门答复")
        )
        title = report.assignment.splitlines()[0][:60] if report.assignment else ""
        rows.append(
            StartedRow(
                "清单外事项",
                f"报告 #{report.pk}",
                title,
                status,
                report.created,
                reverse("reports:detail", args=[report.pk]),
            )
        )
    return sorted(rows, key=lambda row: row.created, reverse=True)
