"""In-app notifications and mail to the people who must act or are affected."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

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
