"""Pages of the "审定与发布" application: the decision batches (审定批次) of the user's
counties, preparing one from the requests waiting for 审定, a batch with its requests,
public opinions, documents and releases, recording the leadership's decision, and the
batch documents.

Reads go through ``workflow.batch_selectors``; every write calls one service, which
checks the user's rights itself (the pages only decide what to offer).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import generic

from arbitration.batch_services import notice_last_day
from arbitration.models import BatchDocument
from organisations import permissions as org_permissions

from .. import batch_selectors
from ..decision_forms import BODY_SUGGESTIONS, BatchDocumentForm, BatchPrepareForm, BatchRecordForm
from ..services import batch_document_add, decision_batch_prepare, decision_batch_record
from ..services.common import deny
from .tasks import apply_validation_error


def _may_record(user, batch) -> bool:
    return org_permissions.can_act_as_reviewer(
        user, county_id=batch.county_id, department_id=batch.reviewing_department_id
    )


class BatchListView(generic.TemplateView):
    """审定批次: the batches of the user's counties (county office, administrators), and
    how many requests wait for a batch."""

    template_name = "workflow/decisions/batch_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        now = timezone.now()
        batches = [
            (batch, batch.stage_label(now), notice_last_day(batch) if batch.has_notice else None)
            for batch in batch_selectors.batch_list(user)
        ]
        waiting = list(batch_selectors.requests_awaiting_decision(user))
        return super().get_context_data(
            batches=batches,
            waiting=waiting,
            may_prepare=batch_selectors.may_prepare_batches(user),
            **kwargs,
        )


class BatchPrepareView(generic.FormView):
    """提请审定: the county office puts waiting requests into a new batch (on public
    notice, when the county has a notice period)."""

    template_name = "workflow/decisions/batch_form.html"
    form_class = BatchPrepareForm

    def dispatch(self, request, *args, **kwargs):
        if not batch_selectors.may_prepare_batches(request.user):
            raise deny(request.user, "提请审定（仅县委编办和清单审查单位）")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "requests": batch_selectors.requests_awaiting_decision(self.request.user),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="提请审定", **kwargs)

    def form_valid(self, form):
        requests = list(form.cleaned_data["requests"])
        try:
            batch = decision_batch_prepare(
                actor=self.request.user,
                county=requests[0].county,
                title=form.cleaned_data["title"],
                requests=requests,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        if batch.has_notice:
            messages.success(
                self.request,
                f"已提请审定，并在公开页面公示至{notice_last_day(batch):%Y-%m-%d}。",
            )
        else:
            messages.success(self.request, "已提请审定，审定后请登记审定结果。")
        return redirect("decisions:detail", pk=batch.pk)


class BatchDetailView(generic.TemplateView):
    """One batch: its requests (answers, proposal, decision per party), the public's
    opinions, documents, releases, and what the county office may do next."""

    template_name = "workflow/decisions/batch_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        batch = batch_selectors.batch_get(user, self.kwargs["pk"])
        now = timezone.now()
        may_record = _may_record(user, batch)
        return super().get_context_data(
            batch=batch,
            stage=batch.stage_label(now),
            last_day=notice_last_day(batch) if batch.has_notice else None,
            entries=[
                (entry, batch_selectors.entry_parties(entry))
                for entry in batch_selectors.batch_entries(batch)
            ],
            opinions=batch_selectors.batch_opinions(batch),
            documents=list(batch.documents.select_related("uploaded_by").order_by("pk")),
            releases=list(batch.releases.select_related("duty_list__county").order_by("pk")),
            may_record=may_record and batch.may_be_decided(now),
            may_upload=may_record,
            document_form=BatchDocumentForm(),
            **kwargs,
        )


class BatchRecordView(generic.FormView):
    """登记审定结果: the county office records the leadership's decision on a batch."""

    template_name = "workflow/decisions/batch_record.html"
    form_class = BatchRecordForm

    def dispatch(self, request, *args, **kwargs):
        self.batch = batch_selectors.batch_get(request.user, kwargs["pk"])
        if not _may_record(request.user, self.batch):
            raise deny(request.user, f"登记审定批次 #{self.batch.pk} 的审定结果")
        if self.batch.is_decided:
            messages.warning(request, "该批次已登记审定结果。")
            return redirect("decisions:detail", pk=self.batch.pk)
        self.entries = batch_selectors.batch_entries(self.batch)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "entries": self.entries}

    def get_initial(self):
        today = timezone.localdate()
        return {"meeting_date": today, "effective_date": today}

    def get_context_data(self, **kwargs):
        now = timezone.now()
        return super().get_context_data(
            batch=self.batch,
            stage=self.batch.stage_label(now),
            notice_open=not self.batch.may_be_decided(now),
            last_day=notice_last_day(self.batch) if self.batch.has_notice else None,
            bodies=BODY_SUGGESTIONS,
            opinions=batch_selectors.batch_opinions(self.batch),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            decision_batch_record(
                actor=self.request.user,
                batch=self.batch,
                decided_by=data["decided_by"],
                meeting=data["meeting"],
                meeting_date=data["meeting_date"],
                document_number=data["document_number"],
                effective_date=data["effective_date"],
                note=data["note"],
                decisions=form.decisions(),
                amendments=form.amendments(),
                minutes=data["minutes"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"审定结果已登记（{data['document_number']}），清单已按审定结果发布。"
        )
        return redirect("decisions:detail", pk=self.batch.pk)


class BatchDocumentUploadView(generic.FormView):
    """Upload a document (会议纪要 …) to a batch; POST only, from the batch's page."""

    form_class = BatchDocumentForm
    http_method_names = ["post"]

    def form_valid(self, form):
        batch = batch_selectors.batch_get(self.request.user, self.kwargs["pk"])
        try:
            batch_document_add(
                actor=self.request.user,
                batch=batch,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            messages.error(self.request, "；".join(error.messages))
        else:
            messages.success(self.request, "材料已上传。")
        return redirect("decisions:detail", pk=batch.pk)

    def form_invalid(self, form):
        messages.error(self.request, "请选择要上传的文件和材料类型。")
        return redirect("decisions:detail", pk=self.kwargs["pk"])


class BatchDocumentDownloadView(generic.View):
    """One document of a batch, for whoever may see the batch."""

    def get(self, request, pk, document_pk):
        document = get_object_or_404(BatchDocument, pk=document_pk, batch_id=pk)
        if not batch_selectors.batches_visible_to(request.user).filter(pk=pk).exists():
            raise PermissionDenied("您无权查看该审定批次。")
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
