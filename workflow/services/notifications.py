"""Notifications: who is told what, when, with a link to the task or the page concerned.

``notify`` writes one in-app notification (站内通知) per recipient in the current
transaction and queues the channels (mail, DingTalk …, see ``workflow.channels``) for
after the commit. The admission flow's events:

- a task opens (``task_opened``, called by the flow's ``onCreate`` hooks): the people
  the task is meant for (``selectors.task_actors``) get a link to the task itself:
  a consultation (the consulted township's heads, or the lead department's users for a
  township's request), a legality review (the reviewing department's users), a review
  (the county office), a revision (the filer), a proposal (the county office);
- the filer hears when its request is forwarded, contested, proposed on (拟办意见),
  decided (审定, with what the proposal and the decision changed in its text) and
  published; every unit whose items a release changed gets the release.
"""

from django.conf import settings
from django.db import transaction
from django.urls import get_resolver, reverse
from django.utils import timezone

from duty_lists.models import Level, Release, local_responsibilities_label
from organisations.models import Township

from .. import channels, selectors
from ..models import ChangeRequestProcess, LegalityReview, Notification, ReviewDecision
from ..text_changes import amendment_lines


def process_url(process) -> str:
    """The request's page (申请详情)."""
    return reverse("changerequest:process_detail", args=[process.pk])


def task_url(task) -> str:
    """The page where a task of the change request flow is done (its form; a task
    already done there sends the user on to the request's page)."""
    # The flow's nodes learn their URL namespace when the URLconf is built, which has
    # not happened yet in a management command (e.g. the timer dispatcher).
    get_resolver().url_patterns  # noqa: B018
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def notify(*, recipients, subject: str, body: str = "", url: str = "", process=None) -> int:
    """Create one in-app notification per distinct recipient and queue the channels.

    ``url`` is where the notification leads (default: the page of ``process``, if
    given). The configured channels (``QINGDAN_NOTIFICATION_CHANNELS``: mail by
    default) deliver after the transaction commits, nothing for a rolled-back change;
    a failing channel is logged and stops neither the others nor the change. Returns
    the number of notifications created.
    """
    unique = {user.pk: user for user in recipients if user is not None}
    if not unique:
        return 0
    if not url and process is not None:
        url = process_url(process)
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body, url=url, process=process)
        for user in unique.values()
    )
    if settings.QINGDAN_NOTIFICATION_CHANNELS:
        messages = [
            channels.message_for(user, subject=subject, body=body, url=url)
            for user in unique.values()
        ]
        transaction.on_commit(lambda: channels.deliver(messages))
    return len(unique)


def notification_mark_read(*, actor, notification_ids) -> int:
    """Mark notifications of ``actor`` as read.

    ``notification_ids`` names the notifications (``None``: every unread one of the
    actor). Only the actor's own unread rows change; ids of other users' notifications
    are ignored, so nobody can touch another user's list. Returns how many were marked.
    """
    if not actor.is_authenticated:
        return 0
    unread = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=[int(pk) for pk in notification_ids])
    return unread.update(read_at=timezone.now())


# --- tasks that open ---------------------------------------------------------------------


def task_opened(task, *, subject: str, body: str = "") -> int:
    """Tell the people ``task`` is meant for that it waits for them, linking to it.
    Returns the number told."""
    process = task.process.coerced
    return notify(
        recipients=selectors.task_actors(task),
        subject=subject,
        body=body,
        url=task_url(task),
        process=process,
    )


def notify_about_task(task, *, recipients, subject: str, body: str = "") -> int:
    """Tell ``recipients`` about ``task``: those it is meant for get a link to the task,
    the others (e.g. a township's staff, who prepare but do not submit) the request's
    page. Returns the number told."""
    process = task.process.coerced
    actors = {user.pk for user in selectors.task_actors(task)}
    doers = [user for user in recipients if user.pk in actors]
    others = [user for user in recipients if user.pk not in actors]
    return notify(
        recipients=doers, subject=subject, body=body, url=task_url(task), process=process
    ) + notify(recipients=others, subject=subject, body=body, process=process)


def _due(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def consultation_opened(task) -> int:
    """A consultation (征求意见) opened for one party: its heads (a department's staff
    and heads) are asked to answer by the deadline. Returns the number told."""
    process = task.process.coerced
    due = selectors.consultation_deadline_at(process)
    return task_opened(
        task,
        subject=f"请答复征求意见：{process}",
        body=(
            f"{process.initiator}提出的申请需要本单位表态（同意或提出异议），"
            f"请于 {_due(due)} 前答复。"
        ),
    )


def review_opened(task) -> int:
    """The county office's review (形式审查) opened: for a new request, with the filing
    service's notice (``_filing_notice`` on the process it started); after a revision,
    saying the filer resubmitted. Returns the number told."""
    process = task.process.coerced
    notice = getattr(process, "_filing_notice", None)
    if notice is not None:
        return task_opened(task, subject=f"待审查：{process}", body=notice)
    return task_opened(
        task,
        subject=f"待审查（已修改）：{process}",
        body=f"{process.initiator}已修改申请并重新提交，请再次进行形式审查。",
    )


def legality_review_opened(task) -> int:
    """The reviewing department (司法局) is asked for its legality review."""
    process = task.process.coerced
    return task_opened(
        task,
        subject=f"待合法性审查：{process}",
        body=f"{selectors.reviewer_name(process)}形式审查已通过，请进行合法性审查。",
    )


def revision_opened(task) -> int:
    """The filer is asked to revise its request, with the reason it was returned (the
    county office's review, or the legality review's opinion)."""
    process = task.process.coerced
    if process.review_decision == ReviewDecision.RETURN:
        reason = f"{selectors.reviewer_name(process)}退回意见：{process.review_comment}"
    else:
        review = (
            LegalityReview.objects.filter(process=process)
            .select_related("department")
            .order_by("-pk")
            .first()
        )
        reason = f"{review.department}合法性审查意见：{review.opinion}" if review else ""
    return task_opened(
        task,
        subject=f"申请被退回修改：{process}",
        body="\n".join(part for part in (reason, "请修改后重新提交。") if part),
    )


def proposal_opened(task) -> int:
    """The county office is asked for its proposal (拟办意见) once every party answered
    and some contested or stayed silent."""
    process = task.process.coerced
    parties = [
        f"{c.party}（{c.get_answer_display()}）"
        for c in selectors.contested_consultations(process).select_related("township", "department")
    ]
    return task_opened(
        task,
        subject=f"待提出拟办意见：{process}",
        body=f"征求意见已结束。有异议或逾期未答复：{'、'.join(parties)}。请提出拟办意见。",
    )


# --- what the filer hears ----------------------------------------------------------------


def request_forwarded(process: ChangeRequestProcess) -> int:
    """Tell the filer that the county office's review forwarded its request: to the
    legality review, or to the parties it consults. Returns the number told."""
    if process.legality_reviewer_id is not None:
        subject = f"申请已送合法性审查：{process}"
        body = (
            f"{selectors.reviewer_name(process)}形式审查通过，"
            f"已送{process.legality_reviewer}进行合法性审查。"
        )
    else:
        if process.initiator_township_id:
            parties = [str(process.lead_department)]
        else:
            parties = [str(t) for t in selectors.consulted_townships(process)]
        subject = f"申请已转征求意见：{process}"
        body = f"{selectors.reviewer_name(process)}形式审查通过，已向{'、'.join(parties)}征求意见。"
    return notify(
        recipients=selectors.users_of_initiator(process),
        subject=subject,
        body=body,
        process=process,
    )


def _field_labels(process: ChangeRequestProcess) -> dict[str, str]:
    labels = {field.name: str(field.verbose_name) for field in ChangeRequestProcess._meta.fields}
    # The local duties are named by the request's list level (乡镇(街道)职责 …).
    if process.level in Level.values:
        labels["local_responsibilities"] = local_responsibilities_label(process.level)
    return labels


def _requested_text(process: ChangeRequestProcess, names) -> dict:
    return {name: getattr(process, name) for name in names}


def proposal_recorded(process: ChangeRequestProcess, ruling) -> int:
    """Tell the filer the county office's proposal (拟办意见): the proposed decision per
    party, the reasoning and what it would change in the request's text. Returns the
    number told."""
    decisions = [
        f"{row.township or row.department}：{row.get_decision_display()}"
        for row in ruling.decisions.select_related("township", "department").order_by("pk")
    ]
    lines = ["拟办意见（报县委、县政府审定）：", *decisions, f"理由：{ruling.reasoning}"]
    amended = ruling.amendments()
    changes = amendment_lines(_requested_text(process, amended), amended, _field_labels(process))
    if changes:
        lines += ["拟修改申请文本：", *changes]
    return notify(
        recipients=selectors.users_of_initiator(process),
        subject=f"拟办意见已提出：{process}",
        body="\n".join(lines),
        process=process,
    )


def decided_text_changes(process: ChangeRequestProcess, *, ruling=None, entry=None) -> str:
    """What the proposal (``ruling``) and the leadership's decision (``entry``) changed
    in the request's text, as lines for a notification ("" when nothing)."""
    amended = {}
    if ruling is not None:
        amended.update(ruling.amendments())
    if entry is not None:
        amended.update(entry.amendments())
    lines = amendment_lines(_requested_text(process, amended), amended, _field_labels(process))
    return "\n".join(["与申请相比，文本修改如下：", *lines]) if lines else ""


def release_notify(release: Release, *, units) -> int:
    """Tell every unit whose items a release changed that the list was issued, with its
    changes: ``units`` (``publishing.TouchedUnits``) names the lead departments and the
    townships the items applied to before or after (``None``: all of the county).
    Returns the number of people told."""
    township_ids = units.township_ids
    if township_ids is None:
        township_ids = Township.objects.filter(county_id=units.county_id).values_list(
            "pk", flat=True
        )
    changes = release.changes.select_related("item").order_by("item__code")
    lines = [f"{c.get_kind_display()}：{c.item.code} {c.item.title}" for c in changes]
    return notify(
        recipients=selectors.users_of(
            townships=list(township_ids), departments=list(units.department_ids)
        ),
        subject=f"清单已发布：{release.duty_list} {release}",
        body=(
            f"{release.decided_by}审定，{release.decided_on:%Y-%m-%d}；"
            f"自{release.effective_date:%Y-%m-%d}起施行。\n" + "\n".join(lines)
        ),
        url=reverse("lists:release", args=[release.pk]),
    )
