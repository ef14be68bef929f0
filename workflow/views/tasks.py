"""Pages of the human tasks: review, legality review, revise, consult, proposal
(拟办意见, node ``arbitrate``).

Each validates its form and calls one workflow service, which completes the task
under the flow's lock and checks the user's rights itself.
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.views import generic

from duty_lists.columns import cooperation_text
from duty_lists.selectors import category_choices
from organisations.models import Department, Township

from .. import selectors
from ..attachments import validate_attachment
from ..forms import ConsultForm, LegalityReviewForm, ReviewForm, ReviseForm, RulingForm
from ..models import ITEM_FIELDS
from ..services import (
    CONFLICT_MESSAGE,
    TaskNotOpen,
    attachment_add,
    attachment_remove,
    change_request_review,
    change_request_revise,
    change_request_rule,
    consultation_answer,
    legality_review,
    party_key,
)
from ..services.filing import request_cooperations
from ..similarity import similar_items

logger = logging.getLogger("qingdan.workflow")


def apply_validation_error(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields it names."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


class ServiceTaskView(generic.FormView):
    """Shows the request and a task form; on submit calls ``submit(form)``."""

    template_name = "workflow/task_form.html"
    success_message = "已提交。"

    def dispatch(self, request, *args, **kwargs):
        self.task = request.activation.task
        self.process = self.task.process.coerced
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        deadline = selectors.task_deadlines([self.task]).get(self.task.pk)
        return super().get_context_data(
            deadline=deadline,
            deadline_passed=deadline is not None and deadline <= timezone.now(),
            process=self.process,
            task=self.task,
            task_title=self.task.flow_task.task_title,
            target_townships=list(self.process.target_townships.order_by("code")),
            consultations=list(
                self.process.consultations.select_related(
                    "township", "department", "answered_by", "stamped_reply"
                )
            ),
            # The request's files are read where it is decided on (审查、征求意见、拟办意见).
            attachments=list(self.process.attachments.select_related("uploaded_by").order_by("pk")),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.submit(form)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        except TaskNotOpen as error:
            messages.warning(self.request, str(error))
            return redirect(self.request.resolver_match.flow_viewset.get_success_url(self.request))
        except IntegrityError as error:
            # Rolled back whole; the same form can simply be sent again.
            logger.warning("write refused by the database: %s", error, exc_info=error)
            form.add_error(None, CONFLICT_MESSAGE)
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        viewset = self.request.resolver_match.flow_viewset
        messages.success(
            self.request,
            format_html(
                '{} <a href="{}">查看申请 {}</a>',
                self.success_message,
                viewset.reverse("process_detail", args=[self.process.pk]),
                self.process.label,
            ),
        )
        return redirect(viewset.get_success_url(self.request))

    def submit(self, form):
        raise NotImplementedError


class ReviewTaskView(ServiceTaskView):
    """形式审查: the county office forwards, returns or rejects; similar items shown."""

    form_class = ReviewForm
    success_message = "审查意见已提交。"

    def get_context_data(self, **kwargs):
        process = self.process
        return super().get_context_data(
            similar=similar_items(
                county_id=process.county_id,
                level=process.level,
                title=process.title,
                department_responsibilities=process.department_responsibilities,
                local_responsibilities=process.local_responsibilities,
                lead_department_id=process.lead_department_id,
                exclude_item_id=process.target_item_id,
            ),
            **kwargs,
        )

    def submit(self, form):
        change_request_review(
            actor=self.request.user,
            task_id=self.task.pk,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )


class LegalityReviewTaskView(ServiceTaskView):
    """合法性审查: the reviewing department (司法局) passes the request or returns it."""

    form_class = LegalityReviewForm
    success_message = "合法性审查意见已提交。"

    def get_context_data(self, **kwargs):
        # The reviewer reads the request, not the parties' answers (there are none yet).
        return super().get_context_data(**kwargs) | {"consultations": []}

    def submit(self, form):
        legality_review(
            actor=self.request.user,
            task_id=self.task.pk,
            decision=form.cleaned_data["decision"],
            opinion=form.cleaned_data["opinion"],
        )


class ReviseTaskView(ServiceTaskView):
    """The filer edits a returned request and resubmits it."""

    form_class = ReviseForm
    success_message = "已重新提交审查。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            departments=Department.objects.filter(county_id=self.process.county_id),
            townships=Township.objects.filter(county_id=self.process.county_id),
            categories=category_choices(self.process.county_id),
            attachments=self.process.attachments.order_by("pk"),
        )
        return kwargs

    def get_initial(self):
        process = self.process
        initial = {
            name: getattr(process, name)
            for name in (*ITEM_FIELDS, "applies_to_all", "village_kind", "reasons")
            if name not in ("code", "lead_department", "category")
        }
        initial["category"] = process.category_id
        initial["lead_department"] = process.lead_department_id
        initial["cooperation"] = cooperation_text(
            (department.name, duties) for department, duties in request_cooperations(process)
        )
        initial["target_townships"] = list(process.target_townships.values_list("pk", flat=True))
        initial["target_villages"] = list(process.target_villages.values_list("pk", flat=True))
        return initial

    def submit(self, form):
        files = form.cleaned_data["attachments"]
        # Every new file is checked before anything is written (nothing left on disk).
        for uploaded_file in files:
            validate_attachment(uploaded_file)
        with transaction.atomic():
            for attachment in form.cleaned_data.get("remove_attachments") or ():
                attachment_remove(actor=self.request.user, attachment_id=attachment.pk)
            for uploaded_file in files:
                attachment_add(
                    actor=self.request.user, process=self.process, uploaded_file=uploaded_file
                )
            change_request_revise(
                actor=self.request.user,
                task_id=self.task.pk,
                fields=form.item_fields(),
                applies_to_all=form.cleaned_data["applies_to_all"],
                target_townships=form.cleaned_data["target_townships"],
                target_villages=form.cleaned_data["target_villages"],
                village_kind=form.cleaned_data["village_kind"],
                reasons=form.cleaned_data["reasons"],
            )


class ConsultTaskView(ServiceTaskView):
    """征求意见: the township head (or lead department) accepts or contests."""

    form_class = ConsultForm
    success_message = "意见已提交。"

    def get_context_data(self, **kwargs):
        # A township sees its own answer only, never another township's.
        return super().get_context_data(**kwargs) | {"consultations": []}

    def submit(self, form):
        consultation_answer(
            actor=self.request.user,
            task_id=self.task.pk,
            answer=form.cleaned_data["answer"],
            reason=form.cleaned_data["reason"],
            counter_proposal=form.cleaned_data["counter_proposal"],
            stamped_reply=form.cleaned_data["stamped_reply"],
        )


class ArbitrateTaskView(ServiceTaskView):
    """拟办意见: one proposed decision per contested or silent party; the request then
    waits for the county leadership's decision (审定)."""

    form_class = RulingForm
    success_message = "拟办意见已提交，待审定。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["parties"] = [
            (party_key(c), str(c.party)) for c in selectors.contested_consultations(self.process)
        ]
        return kwargs

    def submit(self, form):
        change_request_rule(
            actor=self.request.user,
            task_id=self.task.pk,
            decisions=form.decisions(),
            reasoning=form.cleaned_data["reasoning"],
            meeting_record=form.cleaned_data["meeting_record"],
            amendments=form.amendments(),
        )
