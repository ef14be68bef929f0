"""Reminders and hand-overs of open tasks: the county office's reminder (催办) on an
open consultation or on a round's unfilled score sheets, and a task handed to a
colleague of the same unit (转交).

Each service checks the actor's rights, runs in one transaction under the flow's
process lock, records a row with history (``Urge``, ``TaskTransfer``), writes the
audit log and tells the people concerned through ``notify``.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from evaluation.models import EvaluationRound, ScoreSheet
from evaluation.permissions import can_run_rounds
from organisations.deputies import COLLEAGUE_ROLES
from organisations.models import County, Department, Membership, Role, Township, User
from organisations.text import clean_text

from .. import selectors
from ..models import TaskTransfer, Urge
from ..permissions import can_arbitrate_process, can_review_process
from .common import OPEN_STATUSES, TaskNotOpen, audit_log, deny
from .notifications import notify, task_url

# The tasks the county office may urge: a party's consultation of a request.
URGEABLE_NODES = ("consult",)


def urge_interval() -> datetime.timedelta:
    """The least time between two reminders on one task (``QINGDAN_URGE_INTERVAL_HOURS``)."""
    return datetime.timedelta(hours=settings.QINGDAN_URGE_INTERVAL_HOURS)


def _due_text(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def task_deadline(task) -> datetime.datetime | None:
    """When the open party task ``task`` falls due (its deadline timer), or ``None``."""
    return selectors.task_deadlines([task]).get(task.pk)


def task_urge(*, actor, task_id: int, note: str = "") -> Urge:
    """The county office (or the request's reviewing unit) reminds a consulted party of
    its open consultation: the party's users who may answer (and their deputies) get a
    notification linking to the task.

    Returns the recorded ``Urge``. Raises ``Task.DoesNotExist`` for an unknown task or
    one that is not a consultation, ``PermissionDenied`` (logged) when ``actor`` is not
    the county office or reviewing unit of the request, ``TaskNotOpen`` when the task is
    closed, ``ValidationError`` (``task``) when it was urged less than
    ``urge_interval()`` ago; nothing is written then.
    """
    process_id, node = Task.objects.values_list("process_id", "flow_task").get(pk=task_id)
    if node is None or node.name not in URGEABLE_NODES:
        raise Task.DoesNotExist(f"task {task_id} cannot be urged")
    note = clean_text(note)[:200]
    with node.flow_class.lock(process_id), transaction.atomic():
        task = Task.objects.select_related("process").get(pk=task_id)
        process = task.process.coerced
        if not (can_arbitrate_process(actor, process) or can_review_process(actor, process)):
            raise deny(actor, f"催办任务 #{task_id}")
        if task.status not in OPEN_STATUSES:
            raise TaskNotOpen(task)
        _check_interval(task.pk)
        recipients = selectors.task_actors(task)
        due = task_deadline(task)
        party = selectors.party_names([task]).get(_party_key(task), "")
        lines = [f"{selectors.reviewer_name(process)}催办：请尽快办理{task.flow_task.task_title}。"]
        if due is not None:
            overdue = "（已逾期）" if due <= timezone.now() else ""
            lines.append(f"办理期限：{_due_text(due)}{overdue}")
        if note:
            lines.append(f"说明：{note}")
        told = notify(
            recipients=recipients,
            subject=f"催办：{process}（{party}）" if party else f"催办：{process}",
            body="\n".join(lines),
            url=task_url(task),
            process=process,
        )
        urge = Urge(
            task=task, process_id=process.pk, sent_by=actor, recipient_count=told, note=note
        )
        urge._history_user = actor
        urge._change_reason = "催办"
        urge.save()
    audit_log.info("urged: task #%s by %s (%s told)", task_id, actor, told)
    return urge


def _party_key(task) -> tuple[str, int] | None:
    for kind in ("township", "department"):
        if isinstance(task.data, dict) and kind in task.data:
            return (kind, task.data[kind])
    return None


def _check_interval(task_id: int) -> None:
    last = (
        Urge.objects.filter(task_id=task_id, sent_at__gt=timezone.now() - urge_interval())
        .order_by("-sent_at")
        .first()
    )
    if last is not None:
        hours = settings.QINGDAN_URGE_INTERVAL_HOURS
        raise ValidationError(
            {"task": f"该任务已于 {_due_text(last.sent_at)} 催办过，{hours:g} 小时内不能重复催办。"}
        )


def round_urge(*, actor, round_id: int, note: str = "") -> list[Urge]:
    """The county office reminds the rater units of a round's open score sheets not
    urged within ``urge_interval()``: each unit is told once with the number of its
    sheets, and one ``Urge`` per sheet task is recorded.

    Returns the recorded reminders. Raises ``EvaluationRound.DoesNotExist`` for an
    unknown round, ``PermissionDenied`` (logged) when ``actor`` may not run the round's
    county's rounds, ``ValidationError`` (``round``) when no open sheet may be urged
    now (all submitted, or all urged within the interval); nothing is written then.
    """
    from ..evaluation_flow import EvaluationRoundFlow
    from .evaluating import _notify_rater_units

    note = clean_text(note)[:200]
    evaluation_round = EvaluationRound.objects.select_related("county").get(pk=round_id)
    if not can_run_rounds(actor, evaluation_round.county):
        raise deny(actor, f"催办评价轮次 #{round_id} 的评分表")
    with EvaluationRoundFlow.lock(round_id), transaction.atomic():
        recent = Urge.objects.filter(
            process_id=round_id, sent_at__gt=timezone.now() - urge_interval()
        ).values("task_id")
        tasks = list(
            Task.objects.filter(
                process_id=round_id,
                flow_task=EvaluationRoundFlow.fill_sheet,
                status__in=OPEN_STATUSES,
            )
            .exclude(pk__in=recent)
            .order_by("pk")
        )
        if not tasks:
            raise ValidationError({"round": "没有可催办的评分表：均已提交，或在间隔时间内已催办。"})
        sheet_ids = [task.data["sheet"] for task in tasks]
        deadline = _due_text(evaluation_round.deadline)
        body = f"本单位尚有 {{count}} 张评分表未提交，截止时间 {deadline}。"
        if note:
            body += f"\n说明：{note}"
        told = _notify_rater_units(
            evaluation_round,
            subject=f"催办：{evaluation_round.name} 评分表",
            body=body,
            sheets=ScoreSheet.objects.filter(pk__in=sheet_ids),
        )
        urges = [
            Urge(task=task, process_id=round_id, sent_by=actor, recipient_count=0, note=note)
            for task in tasks
        ]
        for urge in urges:
            urge.sent_at = timezone.now()
        urges = bulk_create_with_history(
            urges, Urge, default_user=actor, default_change_reason="催办评分表"
        )
    audit_log.info(
        "urged: %s sheets of round #%s by %s (%s notices)", len(tasks), round_id, actor, told
    )
    return urges


# --- 转交 ----------------------------------------------------------------------------


def transfer_candidates(task) -> list[User]:
    """Who a task may be handed to: the active users of the unit the task is for (a
    township's or department's heads and staff, a county office's members), by
    username; ``[]`` for a task without a unit."""
    if not task.owner_permission or task.owner_permission_obj_pk is None:
        return []
    model = ContentType.objects.get_for_id(task.owner_permission_content_type_id).model_class()
    pk = int(task.owner_permission_obj_pk)
    if model is County:
        members = Membership.objects.filter(county_id=pk, role=Role.COUNTY_OFFICE)
    elif model in (Township, Department):
        members = Membership.objects.filter(
            role__in=COLLEAGUE_ROLES[model], **{f"{model._meta.model_name}_id": pk}
        )
    else:
        return []
    return list(
        User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("username")
    )


def task_transfer(*, actor, task_id: int, to_user_id: int, reason: str = "") -> TaskTransfer:
    """Hand an open task of the admission flow that ``actor`` may do to a colleague of
    the task's unit (转交): the colleague becomes its owner and may do it, and is told.

    Returns the recorded transfer. Raises ``Task.DoesNotExist`` for an unknown task or
    one that is not a human task of the admission flow, ``PermissionDenied`` (logged)
    when ``actor`` may not do the task, ``TaskNotOpen`` when it is closed,
    ``ValidationError`` (``to_user``) when the receiver is not another active member of
    the unit; nothing is written then.
    """
    from ..flows import ChangeRequestFlow

    process_id, node = Task.objects.values_list("process_id", "flow_task").get(pk=task_id)
    if node is None or node.flow_class is not ChangeRequestFlow or node.task_type != "HUMAN":
        raise Task.DoesNotExist(f"task {task_id} cannot be handed over")
    reason = clean_text(reason)[:200]
    with node.flow_class.lock(process_id), transaction.atomic():
        task = Task.objects.select_related("process", "owner").get(pk=task_id)
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise TaskNotOpen(task)
        if not (node.can_assign(actor, task) or node.can_execute(actor, task)):
            raise deny(actor, f"转交任务 #{task_id}")
        receiver = next((user for user in transfer_candidates(task) if user.pk == to_user_id), None)
        if receiver is None or receiver.pk == actor.pk:
            raise ValidationError({"to_user": "请选择本单位的其他在岗人员作为接收人。"})
        process = task.process.coerced
        task.owner = receiver
        task.status = STATUS.ASSIGNED
        task.assigned = timezone.now()
        task.save(update_fields=["owner", "status", "assigned"])
        transfer = TaskTransfer(
            task=task, process_id=process.pk, from_user=actor, to_user=receiver, reason=reason
        )
        transfer._history_user = actor
        transfer._change_reason = "转交任务"
        transfer.save()
        body = f"转交说明：{reason}" if reason else ""
        notify(
            recipients=[receiver],
            subject=f"{actor}转交给您：{task.flow_task.task_title}：{process}",
            body=body,
            url=task_url(task),
            process=process,
        )
    audit_log.info("task handed over: #%s from %s to %s", task_id, actor, receiver)
    return transfer
