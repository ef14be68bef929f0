"""Pages of the "清单外事项" application: the report list, a new report (with the
closest existing items of the township's list), a report with its trail, the
department's answer, the county office's ruling, evidence download and flow charts.

Every read goes through ``arbitration.report_selectors`` (scoped to the user); every
write calls one service, which checks the user's rights itself. The flow's own node
views are not mounted.
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.views import generic
from viewflow.utils import viewprop
from viewflow.views import ListModelView
from viewflow.workflow.flow.views import FlowChartView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from arbitration import report_selectors
from arbitration.models import OffListReport
from arbitration.report_permissions import (
    can_add_report_evidence,
    can_answer_report,
    can_rule_report,
)
from config.listing import IdUrls
from duty_lists.selectors import category_choices
from organisations.models import Department, Township, Village
from organisations.permissions import Place

from ..offlist_flow import OffListReportFlow
from ..permissions import may_use_reports
from ..report_forms import AnswerForm, EvidenceForm, ReportFilter, ReportForm, RulingForm
from ..services import TaskNotOpen
from ..services.common import deny
from ..services.reporting import report_answer, report_evidence_add, report_file, report_rule
from ..similarity import similar_items
from .tasks import apply_validation_error

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
CHECK_MIN_LENGTH = 4


def report_step(report: OffListReport) -> str:
    """Where a report stands, in words."""
    if report.ruling:
        return "已办结"
    if report.department_answer:
        return "待县委编办裁定"
    return "待部门答复"


def open_task_of(report: OffListReport, node) -> Task | None:
    """The report's open task of ``node`` (answer or rule), if any."""
    return Task.objects.filter(process_id=report.pk, flow_task=node, status__in=OPEN).first()


class ReportListView(ListModelView):
    """清单外事项报告 list: the reports the user may see, filterable and searchable; one
    query for the rows whatever their number."""

    model = OffListReport
    title = "清单外事项报告"
    filterset_class = ReportFilter
    columns = (
        "report_id",
        "report_title",
        "township",
        "department",
        "assigned_on",
        "channel",
        "step",
        "ruling",
    )
    object_link_columns = ("report_id", "report_title")
    search_fields = ["assignment", "channel_detail", "department_reason", "ruling_reasoning"]
    ordering = "-created"
    paginate_by = 25
    template_name = "workflow/reports/report_list.html"

    @viewprop
    def queryset(self):
        return report_selectors.report_list(self.request.user, with_people=False)

    def has_view_permission(self, user, obj=None):
        return may_use_reports(user)

    def get_object_url(self, obj):
        return self.detail_urls(obj.pk)

    @cached_property
    def detail_urls(self) -> IdUrls:
        return IdUrls(lambda pk: reverse("reports:detail", args=[pk]))

    def get_context_data(self, **kwargs):
        user = self.request.user
        may_file = report_selectors.report_townships_of(user) or (
            report_selectors.report_villages_of(user)
        )
        return super().get_context_data(may_file=bool(may_file), **kwargs)

    def report_id(self, report):
        return f"#{report.pk}"

    report_id.short_description = "编号"
    report_id.orderby_column = "pk"

    def report_title(self, report):
        return str(report).removeprefix("清单外事项报告：")

    report_title.short_description = "交办事项"

    def step(self, report):
        return report_step(report)

    step.short_description = "办理环节"


def _similar(township, assignment: str, department_id, village=None):
    """The items most like the described assignment of the township's list that apply
    to ``township``, or, for a ``village``, of the village list that apply to it (what
    its users may see, never another unit's items)."""
    if (township is None and village is None) or len((assignment or "").strip()) < (
        CHECK_MIN_LENGTH
    ):
        return []
    if village is not None:
        place = Place(village.pk, village.township_id, village.township.county_id, village.kind)
        where = {"level": "village", "villages": {village.pk: place}}
    else:
        where = {"level": "township", "township_id": township.pk}
    return similar_items(
        county_id=(township or village.township).county_id,
        title=assignment,
        department_responsibilities="",
        local_responsibilities=assignment,
        lead_department_id=department_id,
        **where,
    )


class ReportCreateView(generic.FormView):
    """报告清单外事项 (township heads; a village's secretary or director through its
    township). "检查清单" shows the closest items of the unit's list without filing;
    "提交报告" files the report."""

    form_class = ReportForm
    template_name = "workflow/reports/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.townships = report_selectors.report_townships_of(request.user)
        self.villages = report_selectors.report_villages_of(request.user)
        if not (self.townships or self.villages):
            raise deny(
                request.user, "报告清单外事项（仅乡镇(街道)负责人和村(社区)书记、主任可报告）"
            )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        for name, units, kind in (
            ("township", self.townships, "乡镇(街道)"),
            ("village", self.villages, "村(社区)"),
        ):
            own = {str(unit.pk) for unit in units}
            chosen = request.POST.get(name, "")
            # Another unit's id is a denial; a value that is no id at all ("1.5") is
            # left to the form, which names the field.
            if chosen.isascii() and chosen.isdigit() and chosen not in own:
                raise deny(request.user, f"以{kind} #{chosen} 的名义报告清单外事项")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        counties = {township.county_id for township in self.townships}
        counties |= {village.township.county_id for village in self.villages}
        return {
            **super().get_form_kwargs(),
            "townships": Township.objects.filter(
                pk__in=[township.pk for township in self.townships]
            ).order_by("code"),
            "villages": Village.objects.filter(pk__in=[village.pk for village in self.villages])
            .select_related("township__county")
            .order_by("code"),
            "departments": Department.objects.filter(county_id__in=counties).order_by("code"),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        village = data.get("village")
        township = data.get("township")
        if "check" in self.request.POST:
            department = data["department"]
            similar = _similar(township, data["assignment"], department.pk, village)
            if data["evidence"]:
                # Only without scripts does the check come here (report_form.js checks in
                # place); a browser never re-sends a chosen file, so say so.
                form.add_error(
                    "evidence",
                    "检查清单时未保存所选的证明材料，请在提交报告前重新选择；"
                    "报告提交后也可以在报告页面补充证明材料。",
                )
            return self.render_to_response(
                self.get_context_data(form=form, similar=similar, checked=True)
            )
        try:
            with transaction.atomic():
                report = report_file(
                    actor=self.request.user,
                    township=township,
                    village=village,
                    department=data["department"],
                    assignment=data["assignment"],
                    assigned_on=data["assigned_on"],
                    channel=data["channel"],
                    channel_detail=data["channel_detail"],
                    evidence=data["evidence"],
                )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"清单外事项报告 #{report.pk} 已提交，等待部门答复。")
        return redirect("reports:detail", pk=report.pk)


class ReportCheckView(generic.TemplateView):
    """GET ``?township=&department=&assignment=``: the closest items of the township's
    list, as an HTML fragment for the new report form (township heads only)."""

    template_name = "workflow/reports/_similar_items.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        townships = {t.pk: t for t in report_selectors.report_townships_of(user)}
        villages = {v.pk: v for v in report_selectors.report_villages_of(user)}
        if not (townships or villages):
            raise deny(user, "检查清单外事项")
        params = self.request.GET
        village = villages.get(_int(params.get("village")))
        township = None
        if village is None:
            township = townships.get(_int(params.get("township")))
            if township is None and townships:
                township = next(iter(townships.values()))
            elif township is None:
                village = next(iter(villages.values()))
        department_id = _int(params.get("department"))
        similar = _similar(township, params.get("assignment", ""), department_id, village)
        return super().get_context_data(similar=similar, checked=True, **kwargs)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


class ReportDetailView(generic.TemplateView):
    """One report with its evidence, answer, ruling and trail (history and steps)."""

    template_name = "workflow/reports/report_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        report = report_selectors.report_get(user, self.kwargs["pk"])
        tasks = list(
            Task.objects.filter(process_id=report.pk, flow_task_type__in=["HUMAN", "FUNCTION"])
            .select_related("owner")
            .order_by("created", "pk")
        )
        answer_task = next(
            (t for t in tasks if t.flow_task == OffListReportFlow.answer and t.status in OPEN),
            None,
        )
        rule_task = next(
            (t for t in tasks if t.flow_task == OffListReportFlow.rule and t.status in OPEN), None
        )
        history = report.history.select_related("history_user").order_by("history_id")
        return super().get_context_data(
            report=report,
            step=report_step(report),
            evidence=list(report.evidence.select_related("uploaded_by").order_by("pk")),
            trail=[
                (row.history_date, row.history_user, row.history_change_reason) for row in history
            ],
            tasks=[(task, task.flow_task.task_title) for task in tasks],
            may_answer=answer_task is not None and can_answer_report(user, report),
            may_add_evidence=report.finished is None and can_add_report_evidence(user, report),
            evidence_form=EvidenceForm(),
            may_rule=rule_task is not None and can_rule_report(user, report),
            **kwargs,
        )


class _ReportTaskView(generic.FormView):
    """A task page: the report, and a form that calls one service for the open task."""

    template_name = "workflow/reports/report_task.html"
    node_name = ""
    task_title = ""

    def may_act(self, user, report) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.report = report_selectors.report_get(request.user, kwargs["pk"])
        if not self.may_act(request.user, self.report):
            raise deny(request.user, f"{self.task_title}（清单外事项报告 #{self.report.pk}）")
        self.task = open_task_of(self.report, getattr(OffListReportFlow, self.node_name))
        if self.task is None:
            messages.warning(
                request, f"清单外事项报告 #{self.report.pk} 当前没有待{self.task_title}的任务。"
            )
            return redirect("reports:detail", pk=self.report.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            report=self.report,
            task=self.task,
            task_title=self.task_title,
            evidence=list(self.report.evidence.order_by("pk")),
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
            return redirect("reports:detail", pk=self.report.pk)
        messages.success(
            self.request,
            format_html(
                '已提交。<a href="{}">查看报告 #{}</a>',
                reverse("reports:detail", args=[self.report.pk]),
                self.report.pk,
            ),
        )
        return redirect("reports:detail", pk=self.report.pk)


class ReportAnswerView(_ReportTaskView):
    """部门答复 (the department's staff and heads)."""

    form_class = AnswerForm
    node_name = "answer"
    task_title = "部门答复"

    def may_act(self, user, report) -> bool:
        return can_answer_report(user, report)

    def submit(self, form):
        report_answer(
            actor=self.request.user,
            task_id=self.task.pk,
            answer=form.cleaned_data["answer"],
            reason=form.cleaned_data["reason"],
        )


class ReportRuleView(_ReportTaskView):
    """县委编办裁定 (the county office of the report's county)."""

    form_class = RulingForm
    node_name = "rule"
    task_title = "裁定"

    def may_act(self, user, report) -> bool:
        return can_rule_report(user, report)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "categories": category_choices(self.report.county_id)}

    def submit(self, form):
        report = report_rule(
            actor=self.request.user,
            task_id=self.task.pk,
            ruling=form.cleaned_data["ruling"],
            reasoning=form.cleaned_data["reasoning"],
            admission_fields=form.admission_fields(),
        )
        if report.admission_request_id:
            messages.info(
                self.request, f"已转为事项准入申请 {report.admission_request.label}，等待形式审查。"
            )


class EvidenceAddView(generic.View):
    """POST: add evidence files to an open report (补充证明材料), all or none."""

    def post(self, request, pk: int):
        report = report_selectors.report_get(request.user, pk)
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid() or not form.cleaned_data["evidence"]:
            messages.error(request, "证明材料：请选择要补充的文件。")
            return redirect("reports:detail", pk=report.pk)
        try:
            with transaction.atomic():
                for uploaded_file in form.cleaned_data["evidence"]:
                    report_evidence_add(
                        actor=request.user, report=report, uploaded_file=uploaded_file
                    )
        except ValidationError as error:
            messages.error(request, "；".join(error.message_dict.get("evidence", error.messages)))
            return redirect("reports:detail", pk=report.pk)
        count = len(form.cleaned_data["evidence"])
        messages.success(request, f"已补充 {count} 份证明材料。")
        return redirect("reports:detail", pk=report.pk)


class EvidenceDownloadView(generic.View):
    """One evidence file under its original name, for whoever may see the report."""

    def get(self, request, pk: int, evidence_pk: int):
        evidence = report_selectors.evidence_get(request.user, pk, evidence_pk)
        return FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )


class ReportChartView(FlowChartView):
    """The flow chart (anyone with a role) and one report's chart (only if visible)."""

    flow_class = OffListReportFlow

    def dispatch(self, request, *args, **kwargs):
        process_pk = kwargs.get("process_pk")
        if process_pk is not None:
            report_selectors.report_get(request.user, process_pk)
        return super().dispatch(request, *args, **kwargs)
