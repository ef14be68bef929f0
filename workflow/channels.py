"""Ways a notification leaves the system besides the in-app list (站内通知): mail, DingTalk
work notices (``workflow.dingtalk``), or a deployment's own channel.

``settings.QINGDAN_NOTIFICATION_CHANNELS`` lists the channel classes (dotted paths). The
in-app notification is always written, in the transaction of the change it reports;
the channels deliver after that transaction committed (``notify`` queues ``deliver``
with ``transaction.on_commit``), so a rolled-back change sends nothing, and a channel
that fails is logged and never undoes the change or stops the other channels.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger("qingdan.notifications")

MAIL_SUBJECT_PREFIX = "[清单管理] "


@dataclass(frozen=True)
class OutgoingMessage:
    """One notification to one person, as the channels send it.

    ``link`` is absolute (``QINGDAN_SITE_URL`` before a local path) or empty. The
    recipient's addresses are copied from the user when the notification is made, so
    delivering after the commit reads nothing from the database.
    """

    user_id: int
    username: str
    email: str
    dingtalk_userid: str
    subject: str
    body: str
    link: str


def absolute_link(url: str) -> str:
    """``url`` as the recipient opens it from outside the site: a local path gets the
    site's address (``QINGDAN_SITE_URL``) in front; other values are returned as is."""
    if url.startswith("/") and not url.startswith("//"):
        return f"{settings.QINGDAN_SITE_URL}{url}"
    return url


def message_for(user, *, subject: str, body: str, url: str) -> OutgoingMessage:
    """The outgoing message of one notification to ``user``."""
    return OutgoingMessage(
        user_id=user.pk,
        username=user.username,
        email=user.email or "",
        dingtalk_userid=getattr(user, "dingtalk_userid", "") or "",
        subject=subject,
        body=body,
        link=absolute_link(url),
    )


class Channel:
    """A way out for notifications. Subclasses implement ``send``.

    A channel is built (without arguments) for each delivery, after the commit, so it
    reads its settings then, never at import time.
    """

    #: Named in the log when the channel fails.
    name = "channel"

    def send(self, messages: Sequence[OutgoingMessage]) -> None:
        """Deliver ``messages`` (those of one committed transaction). May raise: the
        dispatcher logs the failure and goes on with the next channel."""
        raise NotImplementedError


class MailChannel(Channel):
    """One mail per recipient with an address, through Django's mail backend
    (``EMAIL_BACKEND``), from ``DEFAULT_FROM_EMAIL``; the link ends the text."""

    name = "mail"

    def send(self, messages: Sequence[OutgoingMessage]) -> None:
        mails = [
            EmailMessage(
                subject=f"{MAIL_SUBJECT_PREFIX}{message.subject}",
                body="\n\n".join(part for part in (message.body, message.link) if part),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.email],
            )
            for message in messages
            if message.email
        ]
        if mails:
            get_connection().send_messages(mails)


def deliver(messages: Sequence[OutgoingMessage]) -> list[str]:
    """Hand ``messages`` to every configured channel, each on its own: a channel that
    cannot be built or fails while sending is logged (``qingdan.notifications``) and the
    others still run. Returns the names of the channels that failed."""
    failed = []
    for path in settings.QINGDAN_NOTIFICATION_CHANNELS:
        try:
            channel = import_string(path)()
            channel.send(messages)
        except Exception:
            failed.append(path)
            logger.exception(
                "notification channel %s failed to deliver %d message(s)", path, len(messages)
            )
    return failed
