"""待办 pages: what waits for the user across every flow (待办), what it did (已办),
what it filed (我发起的); its deputies (委托); handing a task to a colleague (转交);
and the county office's reminders (催办) on a consultation or a round's sheets.

Reads go through ``workflow.todo`` and ``organisations.deputies`` (scoped to the user);
each write calls one service, which checks the user's rights itself.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import generic
from viewflow.workflow.models import Task

from duty_lists.selectors import reads_only_own_lists
from evaluation.models import EvaluationRound
from organisations import deputies
from organisations.models import Township

from .. import todo
from ..flows import ChangeRequestFlow
from ..permissions import can_view_task
from ..services.common import TaskNotOpen, deny
from ..services.handover import round_urge, task_transfer, task_urge, transfer_candidates
from .tasks import apply_validation_error


class TodoListView(generic.TemplateView):
    """待办 (default), 已办 (``?tab=done``) and 我发起的 (``?tab=started``)."""

    template_name = "workflow/todo/todo_list.html"
    TABS = {"todo": "待办", "done": "已办", "started": "我发起的"}

    def get(self, request, *args, **kwargs):
        # Village users and grid workers have no tasks: they read their own list.
        if reads_only_own_lists(request.user):
            return redirect("lists:mine")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        tab = self.request.GET.get("tab", "todo")
        if tab not in self.TABS:
            tab = "todo"
        context = {"tab": tab, "tabs": self.TABS.items(), "now": timezone.now()}
        if tab == "todo":
            context["rows"] = todo.todo_rows(user)
        elif tab == "done":
            context["rows"] = todo.done_rows(user)
        else:
            context["started"] = todo.started_rows(user)
        return super().get_context_data(**context, **kwargs)


class DeputyForm(forms.Form):
    """设置代理人: a colleague of one of the head's units, and the period."""

    unit = forms.ChoiceField(label="代理单位")
    deputy = forms.ChoiceField(label="代理人")
    starts_at = forms.DateTimeField(label="开始时间")
    ends_at = forms.DateTimeField(label="结束时间")
    reason = forms.CharField(label="委托事由", max_length=200)

    def __init__(self, *args, actor, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit_key(unit): unit for unit in units}
        self.fields["unit"].choices = [(key, str(unit)) for key, unit in self.units.items()]
        people = {}
        for unit in self.units.values():
            for user in deputies.colleagues_of(actor, unit):
                people.setdefault(str(user.pk), f"{user}（{unit}）")
        self.fields["deputy"].choices = [("", "请选择"), *people.items()]


def unit_key(unit) -> str:
    return f"{'township' if isinstance(unit, Township) else 'department'}:{unit.pk}"


class DeputyListView(generic.FormView):
    """委托/代理: the deputies the user named or stands in for; a head names one."""

    template_name = "workflow/todo/deputies.html"
    form_class = DeputyForm

    def dispatch(self, request, *args, **kwargs):
        self.units = deputies.headed_units(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {
            "unit": unit_key(self.units[0]) if self.units else "",
            "starts_at": now,
            "ends_at": now + datetime.timedelta(days=7),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user, "units": self.units}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            deputyships=list(deputies.deputyships_of(self.request.user)),
            may_set=bool(self.units),
            now=timezone.now(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.units:
            raise deny(request.user, "设置代理人（仅乡镇(街道)和部门负责人）")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        unit = form.units[data["unit"]]
        deputy = deputies.colleagues_of(self.request.user, unit).filter(pk=data["deputy"]).first()
        if deputy is None:
            form.add_error("deputy", f"代理人须是{unit}的其他在岗人员。")
            return self.form_invalid(form)
        try:
            deputyship = deputies.deputyship_set(
                actor=self.request.user,
                unit=unit,
                deputy=deputy,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"已委托{deputyship.deputy}代理{unit}的待办，至"
            f"{timezone.localtime(deputyship.ends_at):%Y-%m-%d %H:%M}。",
        )
        return redirect("todo:deputies")


class DeputyEndView(generic.View):
    """POST: the head ends a deputyship early."""

    def post(self, request, pk: int):
        try:
            deputies.deputyship_end(actor=request.user, deputyship_id=pk)
        except deputies.Deputyship.DoesNotExist:
            raise deny(request.user, f"结束委托 #{pk}") from None
        except ValidationError as error:
            messages.warning(request, "；".join(error.messages))
        else:
            messages.success(request, "委托已结束。")
        return redirect("todo:deputies")


class TransferForm(forms.Form):
    to_user = forms.TypedChoiceField(label="接收人", coerce=int)
    reason = forms.CharField(label="转交说明", max_length=200, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [("", "请选择"), *((u.pk, str(u)) for u in candidates)]


class TaskTransferView(generic.FormView):
    """转交: hand an open task the user may do to a colleague of the task's unit."""

    template_name = "workflow/todo/transfer.html"
    form_class = TransferForm

    def dispatch(self, request, *args, **kwargs):
        self.task = get_object_or_404(Task.objects.select_related("process"), pk=kwargs["pk"])
        node = self.task.flow_task
        if node is None or node.flow_class is not ChangeRequestFlow or node.task_type != "HUMAN":
            raise Http404("只能转交准入申请的办理任务。")
        if not can_view_task(request.user, self.task):
            raise deny(request.user, f"转交任务 #{self.task.pk}")
        if not (
            node.can_assign(request.user, self.task) or node.can_execute(request.user, self.task)
        ):
            raise deny(request.user, f"转交任务 #{self.task.pk}")
        self.candidates = [u for u in transfer_candidates(self.task) if u.pk != request.user.pk]
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": self.candidates}

    def get_context_data(self, **kwargs):
        process = self.task.process.coerced
        return super().get_context_data(
            task=self.task, process=process, task_title=self.task.flow_task.task_title, **kwargs
        )

    def form_valid(self, form):
        try:
            transfer = task_transfer(
                actor=self.request.user,
                task_id=self.task.pk,
                to_user_id=form.cleaned_data["to_user"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        except TaskNotOpen as error:
            messages.warning(self.request, str(error))
            return redirect("todo:index")
        messages.success(self.request, f"已转交给{transfer.to_user}。")
        return redirect("todo:index")


class TaskUrgeView(generic.View):
    """POST: the county office urges an open consultation (催办); back to the request."""

    def post(self, request, pk: int):
        task = get_object_or_404(Task, pk=pk)
        try:
            urge = task_urge(actor=request.user, task_id=pk, note=request.POST.get("note", ""))
        except Task.DoesNotExist:
            raise deny(request.user, f"催办任务 #{pk}") from None
        except (ValidationError, TaskNotOpen) as error:
            text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.warning(request, text)
        else:
            messages.success(request, f"已催办，通知 {urge.recipient_count} 人。")
        return redirect(
            task.flow_task.flow_class.instance.reverse("process_detail", args=[task.process_id])
        )


class RoundUrgeView(generic.View):
    """POST: the county office urges a round's unfilled score sheets (催办)."""

    def post(self, request, pk: int):
        try:
            urges = round_urge(actor=request.user, round_id=pk, note=request.POST.get("note", ""))
        except EvaluationRound.DoesNotExist:
            raise Http404("评价轮次不存在。") from None
        except ValidationError as error:
            messages.warning(request, "；".join(error.messages))
        else:
            messages.success(request, f"已催办 {len(urges)} 张未提交的评分表。")
        return redirect(reverse("evaluation:round", args=[pk]))
