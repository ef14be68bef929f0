"""Download of a request's attachments and its parties' stamped replies (盖章意见), only
for users who may see the request."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.views import View

from .. import permissions, selectors
from ..models import Attachment, StampedReply


class AttachmentDownloadView(View):
    """Stream one attachment under its original name; 403 outside the request's scope."""

    def get(self, request, pk: int):
        attachment = Attachment.objects.select_related("process").filter(pk=pk).first()
        if attachment is None:
            raise Http404("没有该附件。")
        if not permissions.can_view_process(request.user, attachment.process):
            raise PermissionDenied("您无权查看该附件。")
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


class StampedReplyDownloadView(View):
    """Stream a consulted party's stamped reply to whoever may read that party's answer
    (``selectors.consultation_list``); 403 otherwise."""

    def get(self, request, pk: int):
        reply = StampedReply.objects.select_related("consultation__process").filter(pk=pk).first()
        if reply is None:
            raise Http404("没有该盖章意见。")
        process = reply.consultation.process
        readable = permissions.can_view_process(request.user, process) and any(
            c.pk == reply.consultation_id
            for c in selectors.consultation_list(request.user, process)
        )
        if not readable:
            raise PermissionDenied("您无权查看该盖章意见。")
        return FileResponse(
            reply.file.open("rb"),
            as_attachment=True,
            filename=reply.original_name,
            content_type=reply.content_type,
        )
