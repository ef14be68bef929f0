"""Template helpers of the workflow pages: the unread notification count of the page
header, and the tasks of a list that the user may see."""

from django import template

from duty_lists.columns import amount_text

from .. import attachments, permissions, selectors
from ..viewsets import task_label

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """How many unread notifications the requesting user has (one query per page)."""
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return 0
    return selectors.unread_notification_count(request.user)


@register.simple_tag(takes_context=True)
def todo_count(context) -> int:
    """How many things wait for the requesting user (待办; one query per page)."""
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return 0
    from .. import todo

    return todo.todo_count(request.user)


@register.simple_tag(takes_context=True)
def visible_tasks(context, tasks) -> list:
    """The tasks of ``tasks`` (a related manager or queryset of one flow's tasks) that
    the requesting user may see: another party's consultation task is left out."""
    queryset = tasks.all()
    first = queryset.first()
    if first is None:
        return []
    flow_class = first.flow_task.flow_class
    return list(
        permissions.tasks_visible_to(context["request"].user, queryset, flow_class=flow_class)
    )


@register.filter
def step_title(task) -> str:
    """A task's step title in Chinese (the start and end nodes have none of their own)."""
    return task_label(task, {})


FILE_KIND_LABELS = {
    kind.content_type: kind.label
    for kind in (
        attachments.PDF,
        attachments.DOCX,
        attachments.XLSX,
        attachments.PNG,
        attachments.JPEG,
        attachments.GIF,
        attachments.WEBP,
    )
}


@register.filter
def file_kind(content_type: str) -> str:
    """A readable name of an attachment's type ("PDF 文档"), else the MIME type."""
    return FILE_KIND_LABELS.get(content_type, content_type)


@register.simple_tag
def request_details(process):
    """The proposed item of a change request in words (``selectors.request_details``)."""
    return selectors.request_details(process)


@register.simple_tag
def amendment_rows(record) -> list[tuple[str, str]]:
    """(label, text) of each amended item field of a proposal (拟办意见) or a decision
    (审定) entry, e.g. ("修改后经费金额(万元)", "12.5"); [] for ``None``."""
    if record is None:
        return []
    rows = []
    for name, value in record.amendments().items():
        label = str(record._meta.get_field(f"amended_{name}").verbose_name)
        rows.append((label, amount_text(value) if name == "funding_amount" else value))
    return rows


@register.filter
def percent(score) -> str:
    """A similarity score between 0 and 1 as a whole percentage (0.83 → "83%")."""
    if score is None or score == "":
        return ""
    return f"{round(float(score) * 100)}%"
