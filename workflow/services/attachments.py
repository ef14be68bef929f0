"""Attachments (附件) filed with a change request."""

import hashlib
import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from viewflow.workflow.status import PROCESS

from .. import permissions
from ..attachments import original_name, validate_attachment
from ..models import Attachment, ChangeRequestProcess
from .common import deny

audit_log = logging.getLogger("qingdan.audit")


def _sha256(uploaded_file) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def attachment_add(*, actor, process, uploaded_file) -> Attachment:
    """Attach an uploaded file to a request that is still in progress.

    Who may: users acting for the filing unit (the department, or the township's
    head) and the county office of the request's county. The file's kind is decided by
    its content (PDF, DOCX, XLSX, PNG, JPEG, GIF, WebP; at most 10 MB). It is stored
    as ``requests/<process pk>/<random name><extension of its kind>`` under
    ``MEDIA_ROOT``; the uploader's file name is kept for display.

    Returns the attachment, with a history record naming ``actor``. Raises
    ``PermissionDenied`` (logged) or ``ValidationError`` (on ``attachments``, naming
    the file); nothing is written then, on disk or in the database. A file written by
    a call whose surrounding transaction later rolls back stays on disk unreferenced.
    """
    # Re-read: the caller's instance may be stale (the request finished meanwhile).
    process = ChangeRequestProcess.objects.select_related("county").get(pk=process.pk)
    if not (
        permissions.can_revise_process(actor, process)
        or permissions.can_arbitrate_process(actor, process)
    ):
        raise deny(actor, f"为申请 #{process.pk} 添加附件")
    name = original_name(uploaded_file)
    if process.status in (PROCESS.DONE, PROCESS.CANCELED):
        raise ValidationError({"attachments": f"申请已办结，不能再添加附件“{name}”。"})
    kind = validate_attachment(uploaded_file)
    attachment = Attachment(
        process=process,
        original_name=name,
        content_type=kind.content_type,
        size=uploaded_file.size,
        sha256=_sha256(uploaded_file),
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file"])
    attachment.file.save(f"{secrets.token_hex(16)}{kind.extension}", uploaded_file, save=False)
    try:
        attachment._history_user = actor
        attachment._change_reason = f"上传附件：{name}"
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    audit_log.info(
        "attachment added: %s (%s, %d bytes) to request %s by %s",
        attachment.file.name,
        kind.content_type,
        attachment.size,
        process.pk,
        actor,
    )
    return attachment
