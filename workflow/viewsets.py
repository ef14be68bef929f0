"""The change request flow on viewflow's frontend, scoped to the user.

viewflow's inbox, queue, archive, task list, process list, process detail, dashboard
and charts are flow-wide (DESIGN §7). Here each one reads through
``workflow.permissions.tasks_visible_to`` / ``change_requests_visible_to`` and joins
what its rows show, so a page runs a fixed number of queries whatever the number of
rows; and every task URL of the flow (index, detail, assign, unassign, execute,
cancel, undo, revive) first checks that the task is one the user may see: a task of
another county or another township's consultation is a 403, an unknown task a 404.
"""

import copy
from functools import cached_property, update_wrapper

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLResolver, path
from django.utils.html import format_html
from django.views import generic
from viewflow.utils import viewprop
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.status import PROCESS, STATUS

from config.listing import IdUrls

from . import batch_selectors, permissions, selectors
from .filters import STEP_TITLES, ChangeRequestFilter, TaskFilter, TaskListFilter, step_title
from .models import ChangeRequestProcess
from .services.common import deny
from .views.attachments import AttachmentDownloadView, StampedReplyDownloadView
from .views.handover import handover_context
from .views.requests import (
    ChangeRequestCreateView,
    MyChangeRequestListView,
    RequestColumnsMixin,
)

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.ERROR]


def visible_tasks(request, flow_class):
    """The tasks of ``flow_class`` the requesting user may see (a lazy queryset, built
    once per request: the menu counts and the page share it)."""
    cache = request.__dict__.setdefault("_qingdan_visible_tasks", {})
    if flow_class not in cache:
        tasks = flow_class.task_class._default_manager.filter(process__flow_class=flow_class)
        cache[flow_class] = permissions.tasks_visible_to(request.user, tasks, flow_class=flow_class)
    return cache[flow_class]


def inbox_tasks(request, flow_class):
    """Visible tasks assigned to the user and not yet done (待办)."""
    return visible_tasks(request, flow_class).filter(
        owner_id=request.user.pk, status=STATUS.ASSIGNED
    )


def queue_tasks(request, flow_class):
    """Visible unassigned tasks the user may take (待领取): viewflow's queue (which
    matches the permission stored on each task) within the visible tasks."""
    return permissions.queued_tasks(
        request.user, visible_tasks(request, flow_class), flow_class=flow_class
    ).filter(status=STATUS.NEW)


def archive_tasks(request, flow_class):
    """Visible human tasks the user completed (已办)."""
    return visible_tasks(request, flow_class).filter(
        owner_id=request.user.pk, flow_task_type="HUMAN", finished__isnull=False
    )


def task_label(task, party_names: dict) -> str:
    """A task's title, with the consulted party's name for a consultation task."""
    if task.flow_task_type in STEP_TITLES:
        return STEP_TITLES[task.flow_task_type]
    for kind in ("township", "department"):
        pk = task.data.get(kind) if isinstance(task.data, dict) else None
        if pk is not None and (kind, pk) in party_names:
            return f"{task.title}（{party_names[kind, pk]}）"
    return str(task.title)


class UnchangedSessionMixin:
    """viewflow's task lists and dashboard store the page's address in the session on
    every view (the page a finished task returns to), which wrote the session row on
    every view of an unchanged page. When the view leaves the session's contents as
    they were, the session is not saved."""

    def dispatch(self, request, *args, **kwargs):
        session = request.session
        # A deep copy: a value changed in place and marked modified must still be saved.
        before = None if session.modified else copy.deepcopy(dict(session.items()))
        response = super().dispatch(request, *args, **kwargs)
        if before is not None and dict(session.items()) == before:
            session.modified = False
        return response


class TaskColumnsMixin:
    """Columns of the task lists, computed without a query per row."""

    ordering = "-created"
    filterset_class = TaskFilter
    search_fields = ["process__changerequestprocess__title", "process__changerequestprocess__code"]

    def get_page_data(self, page):
        rows = list(page)
        self.party_names = selectors.party_names(rows)
        return super().get_page_data(rows)

    def task_id(self, task):
        urls = self.task_urls.get(task.flow_task)
        if urls is None:
            node = task.flow_task
            urls = self.task_urls[node] = IdUrls(
                lambda *ids: node.reverse("index", args=ids), arity=2
            )
        url = urls(task.process_id, task.pk)
        return format_html('<a href="{}">#{}/{}</a>', url, task.process_id, task.pk)

    @cached_property
    def task_urls(self) -> dict:
        return {}

    @cached_property
    def process_urls(self) -> IdUrls:
        viewset = self.request.resolver_match.flow_viewset
        return IdUrls(lambda pk: viewset.reverse("process_detail", args=[pk]))

    task_id.short_description = "编号"

    def task_title(self, task):
        return task_label(task, getattr(self, "party_names", {}))

    task_title.short_description = "任务"

    def request_title(self, task):
        url = self.process_urls(task.process_id)
        return format_html('<a href="{}">{}</a>', url, task.process.changerequestprocess)

    request_title.short_description = "申请"

    def owner_name(self, task):
        return task.owner or ""

    owner_name.short_description = "处理人"

    def task_status(self, task):
        return task.get_status_display()

    task_status.short_description = "状态"


class InboxView(UnchangedSessionMixin, TaskColumnsMixin, flow_views.FlowInboxListView):
    """待办: tasks assigned to the user."""

    columns = ("task_id", "task_title", "request_title", "created")

    @viewprop
    def queryset(self):
        return selectors.task_rows(inbox_tasks(self.request, self.flow_class))


class QueueView(UnchangedSessionMixin, TaskColumnsMixin, flow_views.FlowQueueListView):
    """待领取: unassigned tasks the user may take."""

    columns = ("task_id", "task_title", "request_title", "created")

    @viewprop
    def queryset(self):
        return selectors.task_rows(queue_tasks(self.request, self.flow_class))


class ArchiveView(UnchangedSessionMixin, TaskColumnsMixin, flow_views.FlowArchiveListView):
    """已办: tasks the user completed."""

    columns = ("task_id", "task_title", "request_title", "created", "finished")

    @viewprop
    def queryset(self):
        return selectors.task_rows(archive_tasks(self.request, self.flow_class))


class TaskListView(UnchangedSessionMixin, TaskColumnsMixin, flow_views.DashboardTaskListView):
    """Every task the user may see."""

    title = "任务列表"
    columns = ("task_id", "task_title", "request_title", "owner_name", "created", "task_status")
    filterset_class = TaskListFilter

    @viewprop
    def queryset(self):
        return selectors.task_rows(visible_tasks(self.request, self.flow_class))


class ProcessListView(
    UnchangedSessionMixin, RequestColumnsMixin, flow_views.DashboardProcessListView
):
    """申请列表: every request the user may see, filterable and searchable, with the
    step it waits at."""

    title = "申请列表"
    columns = (
        "process_id",
        "request_title",
        "initiator_name",
        "current_step",
        "outcome",
        "created",
    )
    filterset_class = ChangeRequestFilter

    @viewprop
    def queryset(self):
        return selectors.with_open_step(selectors.change_request_list(self.request.user))

    def get_queryset(self):
        # viewflow's own version adds a COUNT over every task; the open step is enough.
        queryset = super(flow_views.DashboardProcessListView, self).get_queryset()
        return queryset.filter(flow_class=self.flow_class)


HUMAN_STEP_TYPES = ("START", "HUMAN_START", "HUMAN", "END")


def _step_actor(task, process) -> str:
    """Who did a step of the request's log: the filer for the start, the task's owner
    for a person's step, nobody for the end."""
    if task.flow_task_type in ("START", "HUMAN_START"):
        return str(process.requested_by)
    if task.flow_task_type == "END":
        return ""
    return str(task.owner) if task.owner_id else ""


class ProcessDetailView(flow_views.DetailProcessView):
    """One request: its content, the answers and ruling the user may read, and the
    tasks the user may see (another township's consultation is left out)."""

    def get_queryset(self):
        return ChangeRequestProcess.objects.filter(flow_class=self.flow_class).select_related(
            "county",
            "initiator_department",
            "initiator_township",
            "target_item",
            "lead_department",
            "requested_by",
            "reviewed_by",
            "published_item",
        )

    def get_context_data(self, **kwargs):
        process = self.object
        user = self.request.user
        tasks = permissions.tasks_visible_to(
            user,
            self.flow_class.task_class._default_manager.filter(process_id=process.pk),
            flow_class=self.flow_class,
        )
        tasks = list(tasks.select_related("owner").order_by("created", "pk"))
        names = selectors.party_names(tasks)
        context = super().get_context_data(**kwargs)
        context.update(
            # The log shows what people did (filing, review, answers, proposals) and the
            # end; gateways, joins, timers and automatic steps are the engine's business.
            task_list=[
                (task, task_label(task, names), _step_actor(task, process))
                for task in tasks
                if task.flow_task_type in HUMAN_STEP_TYPES
            ],
            target_townships=list(process.target_townships.order_by("code")),
            consultations=selectors.consultation_list(user, process),
            ruling=selectors.ruling_of(user, process),
            legality_reviews=list(
                process.legality_reviews.select_related("department", "reviewed_by")
            ),
            decision=batch_selectors.decision_of(user, process),
            open_task_count=sum(task.status in OPEN_STATUSES for task in tasks),
            request_status=request_status(
                process,
                [
                    step_title(task.flow_task)
                    for task in tasks
                    if task.status in OPEN_STATUSES and task.flow_task_type == "HUMAN"
                ],
            ),
            attachments=list(process.attachments.select_related("uploaded_by").order_by("pk")),
            **handover_context(user, process, tasks, names),
        )
        return context


class DashboardView(UnchangedSessionMixin, flow_views.DashboardView):
    """总览: open tasks per step (at most ``MAX_ROWS`` each; the human steps and the wait
    for 审定) and finished requests, of the requests the user may see."""

    def get_context_data(self, **kwargs):
        visible = selectors.task_rows(visible_tasks(self.request, self.flow_class))
        flow = self.flow_class.instance
        # Human steps, and the wait for the leadership's decision (审定) after them.
        nodes = [
            node
            for node in flow.nodes()
            if node.task_type == "HUMAN" or node is self.flow_class.await_decision
        ]
        order = {
            "review": 0,
            "review_legality": 1,
            "revise": 2,
            "consult": 3,
            "arbitrate": 4,
            "await_decision": 5,
        }
        nodes.sort(key=lambda node: order.get(node.name, len(order)))
        columns = []
        for node in nodes:
            tasks = list(
                visible.filter(Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=node)
                .exclude(status=STATUS.CANCELED)
                .order_by("-created")[: self.MAX_ROWS]
            )
            columns.append({"node": node, "tasks": tasks})
        names = selectors.party_names([task for column in columns for task in column["tasks"]])
        for column in columns:
            column["tasks"] = [(task, task_label(task, names)) for task in column["tasks"]]
        finished = list(
            selectors.change_request_list(self.request.user)
            .filter(flow_class=self.flow_class, finished__isnull=False)
            .order_by("-finished")[: self.MAX_ROWS]
        )
        return {
            "view": self,
            "columns": columns,
            "finished": finished,
            "may_file": bool(selectors.filing_units(self.request.user)),
            **kwargs,
        }


def request_status(process, open_steps) -> str:
    """The one status a request page shows: its outcome once finished, otherwise
    "办理中" with the steps it waits at (``open_steps``, their titles)."""
    if process.status == PROCESS.CANCELED:
        return "已撤销"
    if process.finished or process.status == PROCESS.DONE:
        return process.get_outcome_display()
    if open_steps:
        return f"办理中（当前环节：{'、'.join(dict.fromkeys(open_steps))}）"
    return "办理中"


class ProcessFlowView(generic.TemplateView):
    """The request's flow chart inside a page, with a link back to the request."""

    template_name = "workflow/changerequest/process_flow.html"

    def get_context_data(self, **kwargs):
        process = get_object_or_404(ChangeRequestProcess, pk=self.kwargs["process_pk"])
        if not permissions.can_view_process(self.request.user, process):
            raise deny(self.request.user, f"查看申请 {process.label} 的流程图")
        return super().get_context_data(process=process, **kwargs)


class ChartView(flow_views.FlowChartView):
    """The flow chart (anyone with a role) and one request's chart (only if visible)."""

    def dispatch(self, request, *args, **kwargs):
        process_pk = kwargs.get("process_pk")
        if process_pk is not None:
            process = get_object_or_404(
                ChangeRequestProcess, pk=process_pk, flow_class=self.flow_class
            )
            if not permissions.can_view_process(request.user, process):
                raise deny(request.user, f"查看申请 {process.label} 的流程图")
        return super().dispatch(request, *args, **kwargs)


class BulkAssignView(flow_views.BulkAssignTasksActionView):
    """Take several queued tasks at once; only tasks of the user's queue."""

    flow_class = None

    @viewprop
    def queryset(self):
        return queue_tasks(self.request, self.flow_class)


class BulkUnassignView(flow_views.BulkUnassignTasksActionView):
    """Give back several tasks at once; only tasks of the user's inbox."""

    flow_class = None

    @viewprop
    def queryset(self):
        return inbox_tasks(self.request, self.flow_class)


def _may_open(node, user, task) -> bool:
    """The check viewflow's task index page lacks: a human task is opened by whoever
    may view, take or do it; other tasks by whoever may view them."""
    if task.flow_task_type == "HUMAN":
        return (
            node.can_view(user, task) or node.can_assign(user, task) or node.can_execute(user, task)
        )
    return node.can_view(user, task)


def _opens_the_form(node, request, task) -> bool:
    """True if the request only reads (GET/HEAD) and its user may take the open, unowned
    human task ``task`` (what viewflow's task index sends to its claim page, 认领)."""
    return (
        request.method in ("GET", "HEAD")
        and task.flow_task_type == "HUMAN"
        and task.status == STATUS.NEW
        and node.can_assign(request.user, task)
    )


def scoped_task_view(node, url_name: str, view):
    """Wrap one task URL of ``node``: the task must exist in the URL's request (else
    404) and be visible to the user (else 403, logged); the index page also needs a
    right on the task. The node's own checks (can_assign, can_execute, manage rights
    for cancel/undo/revive) still run in the wrapped view."""

    def scoped(request, *args, process_pk, task_pk, **kwargs):
        task = (
            node.flow_class.task_class._default_manager.select_related("process")
            .filter(pk=task_pk, process_id=process_pk)
            .first()
        )
        if task is None or task.flow_task != node:
            raise Http404("No task matches the given query.")
        if not permissions.can_view_task(request.user, task):
            raise deny(request.user, f"访问任务 #{task_pk}")
        if url_name == "index" and not _may_open(node, request.user, task):
            raise deny(request.user, f"打开任务 #{task_pk}")
        if url_name in ("index", "assign") and _opens_the_form(node, request, task):
            # No claim step: whoever may take an open task goes straight to its form;
            # the task becomes theirs when they submit it.
            return redirect(node.reverse("execute", args=[process_pk, task_pk]))
        return view(request, *args, process_pk=process_pk, task_pk=task_pk, **kwargs)

    update_wrapper(scoped, view)
    scoped.qingdan_scoped = True
    return scoped


def scope_task_urls(patterns) -> None:
    """Wrap, in place, every task URL under the node resolvers of a flow's patterns."""
    for entry in patterns:
        if not isinstance(entry, URLResolver):
            continue
        node = getattr(entry, "extra", {}).get("node")
        for child in entry.url_patterns:
            if isinstance(child, URLResolver):
                scope_task_urls([child])
            elif node is not None and not getattr(child.callback, "qingdan_scoped", False):
                child.callback = scoped_task_view(node, child.name, child.callback)


class ChangeRequestViewset(FlowAppViewset):
    """The "事项准入/调整申请" application: viewflow's flow pages, scoped, plus
    filing a new request (提出申请) and the requests of the user's unit (我的申请)."""

    menu_template_name = "workflow/flow_menu.html"

    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    task_list_view_class = TaskListView
    process_list_view_class = ProcessListView
    process_detail_view_class = ProcessDetailView
    dashboard_view_class = DashboardView
    chart_view_class = ChartView
    tasks_assign_view_class = BulkAssignView
    tasks_unassign_view_class = BulkUnassignView

    new_path = path("new/", ChangeRequestCreateView.as_view(), name="new")
    mine_path = path("mine/", MyChangeRequestListView.as_view(), name="mine")
    process_flow_path = path(
        "<int:process_pk>/flow/",
        ProcessFlowView.as_view(),
        name="process_flow",
    )
    attachment_path = path(
        "attachments/<int:pk>/", AttachmentDownloadView.as_view(), name="attachment"
    )
    stamped_reply_path = path(
        "stamped-replies/<int:pk>/", StampedReplyDownloadView.as_view(), name="stamped_reply"
    )

    def get_context_data(self, request):
        return {
            "user_inbox": inbox_tasks(request, self._flow_class),
            "user_queue": queue_tasks(request, self._flow_class),
        }

    def _get_urls(self):
        urls = super()._get_urls()
        scope_task_urls(urls)
        return urls
