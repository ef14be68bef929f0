"""Pages of the "双向互评" application (``workflow.evaluation_app.EvaluationApp``): rounds, score
sheets and results. Reads go through ``evaluation.selectors`` / ``evaluation.results``;
writes call one service of ``workflow.services.evaluating`` each."""

from .results import RoundResultsExportView, RoundResultsView
from .rounds import (
    BaseScoreImportView,
    BaseScoreTemplateView,
    BaseScoreView,
    RoundCloseView,
    RoundDetailView,
    RoundListView,
    RoundOpenView,
    RoundPublishView,
)
from .sheets import SheetFormView, SheetListView

__all__ = [
    "BaseScoreImportView",
    "BaseScoreTemplateView",
    "BaseScoreView",
    "RoundCloseView",
    "RoundDetailView",
    "RoundListView",
    "RoundOpenView",
    "RoundPublishView",
    "RoundResultsExportView",
    "RoundResultsView",
    "SheetFormView",
    "SheetListView",
]
