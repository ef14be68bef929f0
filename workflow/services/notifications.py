"""In-app notifications and mail to the people who must act or are affected, and the
notice of a release (发布版本) to every unit whose items it changed."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from duty_lists.models import Release
from organisations.models import Township

from .. import selectors
from ..models import Notification


def notify(*, recipients, subject: str, body: str = "", url: str = "", process=None) -> int:
    """Create one in-app notification per distinct recipient and queue the mail.

    Mail goes through Django's mail backend after the transaction commits (nothing is
    sent for a rolled-back change). Returns the number of notifications created.
    """
    unique = {user.pk: user for user in recipients if user is not None}
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body, url=url, process=process)
        for user in unique.values()
    )
    messages = [
        (
            f"[清单管理] {subject}",
            f"{body}\n\n{url}".strip(),
            settings.DEFAULT_FROM_EMAIL,
            [u.email],
        )
        for u in unique.values()
        if u.email
    ]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
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
