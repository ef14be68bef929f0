"""Download of a request's attachments, only for users who may see the request."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.views import View

from .. import permissions
from ..models import Attachment


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
