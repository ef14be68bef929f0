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


def uploaded_file_save(
    record,
    uploaded_file,
    *,
    actor,
    reason: str,
    exclude=("file",),
    validate=validate_attachment,
):
    """Check ``uploaded_file`` by its content (``validate``, by default any accepted
    attachment) and save it with its ``record`` (an ``Attachment``-like model: file,
    original_name, content_type, size, sha256, uploaded_by), under a generated name,
    with a history record (``actor``, ``reason``).

    Returns the file's ``FileKind``. Raises ``ValidationError`` (on the field ``validate``
    names) for a refused file or a bad record; nothing is written then. A file whose
    record fails to save is deleted again.
    """
    kind = validate(uploaded_file)
    record.original_name = original_name(uploaded_file)
    record.content_type = kind.content_type
    record.size = uploaded_file.size
    record.sha256 = _sha256(uploaded_file)
    record.uploaded_by = actor
    record.full_clean(exclude=list(exclude))
    record.file.save(f"{secrets.token_hex(16)}{kind.extension}", uploaded_file, save=False)
    try:
        record._history_user = actor
        record._change_reason = reason
        record.save()
    except Exception:
        record.file.storage.delete(record.file.name)
        raise
    return kind


@transaction.atomic
def attachment_add(*, actor, process, uploaded_file) -> Attachment:
    """Attach an uploaded file to a request that is still in progress.

    Who may: users acting for the filing unit (the department, or the township's
    head) and the request's reviewing unit (the county office, or the village or grid
    list's reviewing department). The file's kind is decided by
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
        or permissions.can_review_process(actor, process)
    ):
        raise deny(actor, f"为申请 {process.label} 添加附件")
    name = original_name(uploaded_file)
    if process.status in (PROCESS.DONE, PROCESS.CANCELED):
        raise ValidationError({"attachments": f"申请已办结，不能再添加附件“{name}”。"})
    attachment = Attachment(process=process)
    kind = uploaded_file_save(attachment, uploaded_file, actor=actor, reason=f"上传附件：{name}")
    audit_log.info(
        "attachment added: %s (%s, %d bytes) to request %s by %s",
        attachment.file.name,
        kind.content_type,
        attachment.size,
        process.pk,
        actor,
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor, attachment_id: int) -> Attachment:
    """Remove an attachment from a request that is still in progress (e.g. a file
    replaced while revising a returned request).

    Who may: the same users as ``attachment_add``. The row is deleted with a history
    record naming ``actor`` (what was removed, by whom, when); the stored file stays on
    disk so the history can still name it.

    Returns the removed attachment (unsaved). Raises ``Attachment.DoesNotExist``,
    ``PermissionDenied`` (logged) or ``ValidationError`` (on ``attachments``, for a
    finished request); nothing is written then.
    """
    attachment = Attachment.objects.select_related("process__county").get(pk=attachment_id)
    process = attachment.process
    if not (
        permissions.can_revise_process(actor, process)
        or permissions.can_review_process(actor, process)
    ):
        raise deny(actor, f"删除申请 {process.label} 的附件")
    if process.status in (PROCESS.DONE, PROCESS.CANCELED):
        raise ValidationError(
            {"attachments": f"申请已办结，不能再删除附件“{attachment.original_name}”。"}
        )
    attachment._history_user = actor
    attachment._change_reason = f"删除附件：{attachment.original_name}"
    attachment.delete()
    audit_log.info(
        "attachment removed: %s from request %s by %s",
        attachment.original_name,
        process.pk,
        actor,
    )
    return attachment
