"""Pages of evaluation rounds: the list, one round (progress for the county's offices,
the user's own sheets for a unit), the county office's actions (open, close the
scoring) and the assessment office's (base scores, publication), each calling one
service of ``workflow.services.evaluating``."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import generic

from evaluation import base_score_import, export, permissions, results, selectors
from evaluation.models import BaseScore, RoundStage, SheetState
from organisations import permissions as org_permissions
from organisations.models import Department, Township
from workflow.services import evaluating
from workflow.services.common import TaskNotOpen

from .forms import BaseScoreForm, RoundOpenForm, add_service_errors

STAGE_ALL = ""
ASSESSMENT_ONLY = "只有本县县考核办可以录入基础分。"


class RoundFilterForm(forms.Form):
    """Search by name and filter by stage."""

    q = forms.CharField(label="搜索", required=False)
    stage = forms.ChoiceField(
        label="阶段", required=False, choices=[(STAGE_ALL, "全部"), *RoundStage.choices]
    )


def round_get(user, pk: int):
    """The round ``pk`` if ``user`` may see it (county joined in).

    Raises ``Http404`` for an unknown round and ``PermissionDenied`` for one the user
    may not see (another county).
    """
    round_list = selectors.rounds_visible_to(user)
    try:
        return round_list.get(pk=pk)
    except round_list.model.DoesNotExist:
        if round_list.model.objects.filter(pk=pk).exists():
            raise PermissionDenied(results.NOT_VISIBLE) from None
        raise Http404("评价轮次不存在。") from None


def counties_run_by(user):
    """Counties whose rounds ``user`` may open (its county office)."""
    return org_permissions.counties_arbitrated_by(user).order_by("code")


class RoundListView(generic.ListView):
    """The rounds the user may see, newest first, with how many sheets are in."""

    template_name = "evaluation/round_list.html"
    context_object_name = "rounds"
    paginate_by = 25

    def get_filter_form(self) -> RoundFilterForm:
        form = RoundFilterForm(self.request.GET or None)
        form.is_valid()
        return form

    def get_queryset(self):
        form = self.get_filter_form()
        data = getattr(form, "cleaned_data", {})
        rounds = selectors.rounds_visible_to(self.request.user).annotate(
            sheet_count=Count("sheets"),
            submitted_count=Count("sheets", filter=Q(sheets__state=SheetState.SUBMITTED)),
        )
        if data.get("q"):
            rounds = rounds.filter(name__icontains=data["q"])
        if data.get("stage"):
            rounds = rounds.filter(stage=data["stage"])
        return rounds

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.get_filter_form(),
            may_open=counties_run_by(self.request.user).exists(),
            **kwargs,
        )


class RoundDetailView(generic.TemplateView):
    """One round: for its county office, assessment office and administrators the
    progress of every rater, with each office's actions (编办: close the scoring; 考核办:
    base scores, their import, publication); for a unit's user the unit's own sheets."""

    template_name = "evaluation/round_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        evaluation_round = round_get(user, self.kwargs["pk"])
        may_run = permissions.can_run_rounds(user, evaluation_round.county)
        audience = results.audience_of(user)
        context = {
            "round": evaluation_round,
            "may_run": may_run,
            "may_assess": permissions.can_assess_rounds(user, evaluation_round.county),
            "may_see_results": results.may_see_results(audience, evaluation_round),
        }
        if audience.sees_county(evaluation_round.county_id):
            progress = results.round_progress(evaluation_round)
            context["progress"] = progress
            context["progress_totals"] = {
                state: sum(getattr(p, state) for p in progress)
                for state in ("submitted", "draft", "pending", "missing")
            }
        else:
            context["own_sheets"] = list(
                selectors.sheets_visible_to(user)
                .filter(evaluation_round=evaluation_round)
                .order_by("direction", "pk")
            )
        return super().get_context_data(**context, **kwargs)


class RoundOpenView(generic.FormView):
    """The county office opens a round (``evaluating.evaluation_round_open``)."""

    template_name = "evaluation/round_open.html"

    def dispatch(self, request, *args, **kwargs):
        counties = counties_run_by(request.user)
        if not counties.exists():
            raise PermissionDenied("只有县委编办可以发起评价。")
        county = request.POST.get("county", "")
        # Another county's round is a denial, not a form error.
        posted_elsewhere = county.isdigit() and not counties.filter(pk=county).exists()
        if request.method == "POST" and posted_elsewhere:
            raise PermissionDenied("您只能发起本县的评价。")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return RoundOpenForm(counties=counties_run_by(self.request.user), **self.get_form_kwargs())

    def form_valid(self, form):
        try:
            evaluation_round = evaluating.evaluation_round_open(
                actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error, {})
            return self.form_invalid(form)
        messages.success(self.request, f"已发起“{evaluation_round.name}”。")
        return HttpResponseRedirect(reverse("evaluation:round", args=[evaluation_round.pk]))


class _RoundActionView(generic.View):
    """POST only: run one service on the round, then back to the round's page."""

    success_message = ""

    def run(self, user, evaluation_round):
        raise NotImplementedError

    def post(self, request, pk):
        evaluation_round = round_get(request.user, pk)
        target = reverse("evaluation:round", args=[pk])
        try:
            self.run(request.user, evaluation_round)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return HttpResponseRedirect(target)
        except TaskNotOpen as error:
            messages.warning(request, str(error))
            return HttpResponseRedirect(target)
        messages.success(request, self.success_message.format(round=evaluation_round))
        return HttpResponseRedirect(target)


class RoundCloseView(_RoundActionView):
    """The county office ends the scoring (评分截止); the assessment office is told to
    enter the base scores and publish."""

    success_message = "“{round.name}”已截止评分，已通知县考核办录入基础分并公布结果。"

    def run(self, user, evaluation_round):
        evaluating.evaluation_round_close(actor=user, round_id=evaluation_round.pk)


class RoundPublishView(_RoundActionView):
    """The assessment office computes the results with its base scores and publishes
    them to the departments and townships."""

    success_message = "“{round.name}”的评价结果已公布。"

    def run(self, user, evaluation_round):
        evaluating.evaluation_round_publish(actor=user, round_id=evaluation_round.pk)


class BaseScoreView(generic.FormView):
    """The assessment office enters the base scores (基础分) of every unit of the round,
    or imports them from an Excel file (``BaseScoreImportView``)."""

    template_name = "evaluation/base_scores.html"

    def dispatch(self, request, *args, **kwargs):
        self.evaluation_round = round_get(request.user, kwargs["pk"])
        if not permissions.can_assess_rounds(request.user, self.evaluation_round.county):
            raise PermissionDenied(ASSESSMENT_ONLY)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        department_ids, township_ids = set(), set()
        for rater_d, ratee_d, rater_t, ratee_t in self.evaluation_round.sheets.values_list(
            "rater_department", "ratee_department", "rater_township", "ratee_township"
        ):
            department_ids.add(rater_d or ratee_d)
            township_ids.add(rater_t or ratee_t)
        initial = {
            ("department", d) if d else ("township", t): value
            for d, t, value in BaseScore.objects.filter(
                evaluation_round=self.evaluation_round
            ).values_list("department_id", "township_id", "value")
        }
        return BaseScoreForm(
            departments=Department.objects.filter(pk__in=department_ids).order_by("code"),
            townships=Township.objects.filter(pk__in=township_ids).order_by("code"),
            initial_scores=initial,
            **self.get_form_kwargs(),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.evaluation_round, **kwargs)

    def form_valid(self, form):
        department_scores, township_scores = form.scores()
        try:
            evaluating.base_scores_set(
                actor=self.request.user,
                round_id=self.evaluation_round.pk,
                department_scores=department_scores,
                township_scores=township_scores,
            )
        except ValidationError as error:
            add_service_errors(form, error, {})
            return self.form_invalid(form)
        except TaskNotOpen as error:
            messages.warning(self.request, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "基础分已保存。")
        return HttpResponseRedirect(reverse("evaluation:round", args=[self.evaluation_round.pk]))


class BaseScoreImportForm(forms.Form):
    """An Excel file of base scores (the template's layout)."""

    file = forms.FileField(
        label="基础分文件（.xlsx）",
        error_messages={"required": "请选择要导入的基础分文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class BaseScoreImportView(generic.FormView):
    """The assessment office imports the base scores of a round from an Excel file
    (``evaluating.base_scores_import``); every bad row is listed, nothing is written
    then."""

    template_name = "evaluation/base_scores_import.html"
    form_class = BaseScoreImportForm

    def dispatch(self, request, *args, **kwargs):
        self.evaluation_round = round_get(request.user, kwargs["pk"])
        if not permissions.can_assess_rounds(request.user, self.evaluation_round.county):
            raise PermissionDenied("只有本县县考核办可以导入基础分。")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.evaluation_round,
            columns=base_score_import.REQUIRED,
            max_kb=base_score_import.MAX_FILE_BYTES // 1024,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            changed = evaluating.base_scores_import(
                actor=self.request.user,
                round_id=self.evaluation_round.pk,
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {})
            return self.form_invalid(form)
        messages.success(self.request, f"基础分已导入：{changed} 个单位的基础分有变化。")
        return HttpResponseRedirect(reverse("evaluation:round", args=[self.evaluation_round.pk]))


class BaseScoreTemplateView(generic.View):
    """GET: the round's base-score template (.xlsx), for its assessment office."""

    def get(self, request, pk):
        evaluation_round = round_get(request.user, pk)
        if not permissions.can_assess_rounds(request.user, evaluation_round.county):
            raise PermissionDenied("只有本县县考核办可以下载基础分模板。")
        response = HttpResponse(
            base_score_import.base_score_template(evaluation_round),
            content_type=export.CONTENT_TYPE,
        )
        name = quote(f"基础分导入模板-{evaluation_round.name}.xlsx")
        response["Content-Disposition"] = (
            f"attachment; filename=\"base-scores-{pk}.xlsx\"; filename*=UTF-8''{name}"
        )
        return response
