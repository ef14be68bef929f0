"""The callables the off-list report flow's nodes point at (``offlist_flow``).

Each condition reads the report; each Function step calls one service of
``services.reporting``. Kept apart from the flow module so that it only declares the graph.
"""

from django.shortcuts import redirect
from django.urls import reverse

from arbitration.models import OffListReport, ReportRuling
from organisations.models import County

from .flow_steps import remind_best_effort
from .services import reporting


def start_report(activation, *, fields: dict):
    """StartHandle callback: copy the filed report's fields onto the new process and
    record the reporter (``reported_by``) as the owner of the start task. Returns the
    process."""
    for name, value in fields.items():
        setattr(activation.process, name, value)
    activation.task.owner = fields.get("reported_by")
    return activation.process


def report_of(process) -> OffListReport:
    """The report row of a (base or coerced) process."""
    return process if isinstance(process, OffListReport) else process.coerced


def report_county(process) -> County:
    """The county of a report (the rule task's permission object)."""
    return report_of(process).county


def answering_department(activation) -> list[dict]:
    """The one party that answers: ``[{"department": pk}]``."""
    return [{"department": report_of(activation.process).department_id}]


def reminder_due(activation):
    """When the answer's reminder timer fires (computed once at filing)."""
    return report_of(activation.process).answer_remind_at


def deadline_due(activation):
    """When the answer's deadline timer fires (computed once at filing)."""
    return report_of(activation.process).answer_due_at


def send_reminder(activation) -> None:
    remind_best_effort(reporting.report_remind, activation)


def record_no_answer(activation) -> None:
    reporting.report_close_unanswered(timer_task=activation.task.previous.get())


def is_converted(activation) -> bool:
    return report_of(activation.process).ruling == ReportRuling.CONVERTED


def convert(activation) -> None:
    reporting.report_convert(report=report_of(activation.process))


def task_page(request, process_pk, task_pk=None, **kwargs):
    """The flow's node views are not mounted (the "清单外事项" application holds the
    pages); should one ever be, it leads to the report's page there."""
    return redirect(reverse("reports:detail", args=[process_pk]))
