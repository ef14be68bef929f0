"""In-app notifications and mail to the people who must act or are affected."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

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
