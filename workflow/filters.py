"""Filters of the change request flow's list pages (steps by their Chinese titles)."""

import django_filters
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .models import ChangeRequestProcess

# The flow's start and end nodes carry no Chinese title of their own.
STEP_TITLES = {"START": "提出申请", "END": "结束"}


def step_title(node) -> str:
    """The Chinese title of a flow step."""
    return STEP_TITLES.get(node.task_type, str(node.task_title))


def flow_task_choices(tasks) -> list[tuple[str, str]]:
    """Filter choices of the steps present in ``tasks``, by their Chinese titles."""
    nodes = tasks.order_by().values_list("flow_task", flat=True).distinct()
    return sorted(
        ((get_task_ref(node), step_title(node)) for node in nodes if node is not None),
        key=lambda choice: choice[1],
    )


class TaskFilter(django_filters.FilterSet):
    """Filters of 待办/待领取/已办: the step and when the task was created."""

    flow_task = django_filters.ChoiceFilter(label="任务")
    created = django_filters.DateRangeFilter(label="创建时间")

    class Meta:
        model = Task
        fields = ("flow_task", "created")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["flow_task"].field.choices = flow_task_choices(self.queryset)


class TaskListFilter(TaskFilter):
    """Filters of the task list: also the status and when the task finished."""

    status = django_filters.MultipleChoiceFilter(label="状态", choices=STATUS.choices)
    finished = django_filters.DateRangeFilter(label="完成时间")

    class Meta:
        model = Task
        fields = ("flow_task", "status", "created", "finished")


class ChangeRequestFilter(django_filters.FilterSet):
    """Filters of the request list: kind, level, outcome, process status, date."""

    created = django_filters.DateRangeFilter(label="提交时间")

    class Meta:
        model = ChangeRequestProcess
        fields = ["kind", "level", "outcome", "status", "created"]
