"""Pages of score sheets: the sheets the user's unit fills (我的评分表), and one sheet's
form: staff and heads save drafts, heads submit (``workflow.services.evaluating``); a
submitted or missing sheet, or one of a closed round, is shown read-only."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views import generic

from evaluation import permissions, selectors
from evaluation.models import Indicator, RoundStage, ScoreSheet, SheetState
from organisations import permissions as org_permissions
from workflow.services import evaluating
from workflow.services.common import TaskNotOpen

from .forms import ScoreSheetForm

NOT_YOURS = "您无权查看该评分表。"
DRAFT, SUBMIT = "draft", "submit"


class SheetFilterForm(forms.Form):
    """Filter by state and search by the rated unit's or the round's name."""

    q = forms.CharField(label="搜索", required=False)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *SheetState.choices]
    )


def own_sheets(user):
    """The sheets of rounds ``user`` sees whose rater is one of ``user``'s units."""
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    townships = sorted(org_permissions.township_ids_visible_to(user))
    return selectors.sheets_visible_to(user).filter(
        Q(rater_department_id__in=departments) | Q(rater_township_id__in=townships)
    )


def sheet_get(user, pk: int) -> ScoreSheet:
    """The sheet ``pk`` with its round and parties, if ``user`` may see it.

    Raises ``Http404`` for an unknown sheet, ``PermissionDenied`` for another unit's.
    """
    sheets = selectors.sheets_visible_to(user).select_related("evaluation_round__county")
    try:
        return sheets.get(pk=pk)
    except ScoreSheet.DoesNotExist:
        if ScoreSheet.objects.filter(pk=pk).exists():
            raise PermissionDenied(NOT_YOURS) from None
        raise Http404("评分表不存在。") from None


def is_editable(sheet: ScoreSheet) -> bool:
    """True while the sheet may still be filled in: open round, not submitted/missing."""
    return sheet.evaluation_round.stage == RoundStage.OPEN and sheet.state in (
        SheetState.PENDING,
        SheetState.DRAFT,
    )


class SheetListView(generic.ListView):
    """我的评分表: the sheets the user's unit(s) fill, open rounds first."""

    template_name = "evaluation/sheet_list.html"
    context_object_name = "sheets"
    paginate_by = 50

    def get_filter_form(self) -> SheetFilterForm:
        form = SheetFilterForm(self.request.GET or None)
        form.is_valid()
        return form

    def get_queryset(self):
        data = getattr(self.get_filter_form(), "cleaned_data", {})
        sheets = own_sheets(self.request.user)
        if data.get("q"):
            text = data["q"]
            sheets = sheets.filter(
                Q(ratee_department__name__icontains=text)
                | Q(ratee_township__name__icontains=text)
                | Q(evaluation_round__name__icontains=text)
            )
        if data.get("state"):
            sheets = sheets.filter(state=data["state"])
        return sheets.order_by("evaluation_round__stage", "-evaluation_round__period_end", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.get_filter_form(), **kwargs)


class SheetFormView(generic.FormView):
    """One sheet: a row per indicator with its maximum and weight, or (simple-mode
    round) one 满意/基本满意/不满意 choice.

    POST ``action=draft`` saves a draft, ``action=submit`` submits; the service checks
    the rights (403 when denied) and the values (errors shown on the indicator's row).
    """

    template_name = "evaluation/sheet_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.sheet = sheet_get(request.user, kwargs["pk"])
        evaluation_round = self.sheet.evaluation_round
        set_id = (
            evaluation_round.township_set_id
            if self.sheet.rater_township_id
            else evaluation_round.department_set_id
        )
        self.indicators = list(
            Indicator.objects.filter(indicator_set_id=set_id).order_by("order", "pk")
        )
        user = request.user
        self.may_prepare = is_editable(self.sheet) and permissions.can_prepare_sheet(
            user, self.sheet
        )
        self.may_submit = self.may_prepare and permissions.can_submit_sheet(user, self.sheet)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        simple = self.sheet.evaluation_round.is_simple
        scores = {} if simple else dict(self.sheet.scores.values_list("indicator_id", "value"))
        return ScoreSheetForm(
            indicators=self.indicators,
            scores=scores,
            comment=self.sheet.comment,
            disabled=not self.may_prepare,
            simple=simple,
            rating=self.sheet.rating,
            **self.get_form_kwargs(),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sheet=self.sheet,
            round=self.sheet.evaluation_round,
            may_prepare=self.may_prepare,
            may_submit=self.may_submit,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in (DRAFT, SUBMIT):
            return HttpResponseRedirect(self.sheet_url())
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        arguments = {
            "actor": request.user,
            "sheet_id": self.sheet.pk,
            "scores": form.scores(),
            "comment": form.cleaned_data["comment"],
        }
        if form.simple:
            arguments["rating"] = form.rating()
        try:
            if action == SUBMIT:
                evaluating.score_sheet_submit(**arguments)
            else:
                evaluating.score_sheet_save_draft(**arguments)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        except TaskNotOpen as error:
            messages.warning(request, str(error))
            return HttpResponseRedirect(self.sheet_url())
        messages.success(request, "评分表已提交。" if action == SUBMIT else "草稿已保存。")
        return HttpResponseRedirect(self.sheet_url())

    def sheet_url(self) -> str:
        return reverse("evaluation:sheet", args=[self.sheet.pk])
