"""Reads of the evaluation: indicator sets, rounds, score sheets and results, each
scoped to what the user may see (``evaluation.permissions``)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from organisations import permissions as org_permissions

from .models import (
    EvaluationRound,
    IndicatorSet,
    RoundResult,
    RoundStage,
    ScoreSheet,
    SheetState,
)
from .permissions import indicator_set_scope, result_scope, round_scope, sheet_scope


def indicator_set_list(user) -> QuerySet[IndicatorSet]:
    """Indicator sets ``user`` may read, with their county and indicators preloaded.

    Ordered by county, direction and name; two queries whatever the number of sets
    (the sets with their counties, then their indicators in order). Nothing leaks
    across counties: another county's sets are never included.
    """
    return (
        IndicatorSet.objects.filter(indicator_set_scope(user))
        .select_related("county")
        .prefetch_related("indicators")
        .order_by("county__code", "direction", "name")
    )


def rounds_visible_to(user) -> QuerySet[EvaluationRound]:
    """The evaluation rounds ``user`` may see (its counties' rounds), county joined in,
    newest first. Anonymous users see none; nothing leaks across counties."""
    if not user.is_authenticated:
        return EvaluationRound.objects.none()
    return (
        EvaluationRound.objects.filter(round_scope(user))
        .select_related("county")
        .order_by("-period_end", "-pk")
    )


def sheets_visible_to(user) -> QuerySet[ScoreSheet]:
    """The score sheets ``user`` may see (``permissions.sheet_scope``), with their round
    and both parties joined in: one query whatever the number of sheets."""
    if not user.is_authenticated:
        return ScoreSheet.objects.none()
    return ScoreSheet.objects.filter(sheet_scope(user)).select_related(
        "evaluation_round",
        "rater_township",
        "rater_department",
        "ratee_township",
        "ratee_department",
    )


def sheets_fillable_by(user) -> QuerySet[ScoreSheet]:
    """Sheets ``user`` may still fill in now (待填写): not yet submitted or closed as
    missing, of an open round before its deadline, whose rater unit ``user`` works in
    (township head/staff, department staff/head). Whether ``user`` may also submit is
    ``permissions.can_submit_sheet``."""
    if not user.is_authenticated:
        return ScoreSheet.objects.none()
    departments = sorted(org_permissions.department_ids_acted_for_by(user))
    townships = sorted(org_permissions.township_ids_visible_to(user))
    return (
        sheets_visible_to(user)
        .filter(Q(rater_department_id__in=departments) | Q(rater_township_id__in=townships))
        .filter(
            state__in=[SheetState.PENDING, SheetState.DRAFT],
            evaluation_round__stage=RoundStage.OPEN,
            evaluation_round__deadline__gt=timezone.now(),
        )
    )


def results_visible_to(user) -> QuerySet[RoundResult]:
    """The round results ``user`` may see (``permissions.result_scope``), with round and
    unit joined in."""
    if not user.is_authenticated:
        return RoundResult.objects.none()
    return RoundResult.objects.filter(result_scope(user)).select_related(
        "evaluation_round", "department", "township"
    )
