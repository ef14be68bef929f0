"""The "双向互评" application of the viewflow site: rounds, score sheets, results."""

from django.urls import path
from viewflow.urls import Application

from .views import evaluation as views


class EvaluationApp(Application):
    """Evaluation rounds, the user's score sheets, and each round's results."""

    title = "双向互评"
    icon = "fact_check"
    app_name = "evaluation"
    menu_template_name = "evaluation/app_menu.html"

    index_path = path("", views.RoundListView.as_view(), name="index")
    open_path = path("rounds/new/", views.RoundOpenView.as_view(), name="round_open")
    round_path = path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round")
    close_path = path("rounds/<int:pk>/close/", views.RoundCloseView.as_view(), name="round_close")
    publish_path = path(
        "rounds/<int:pk>/publish/", views.RoundPublishView.as_view(), name="round_publish"
    )
    base_scores_path = path(
        "rounds/<int:pk>/base-scores/", views.BaseScoreView.as_view(), name="base_scores"
    )
    base_scores_import_path = path(
        "rounds/<int:pk>/base-scores/import/",
        views.BaseScoreImportView.as_view(),
        name="base_scores_import",
    )
    base_scores_template_path = path(
        "rounds/<int:pk>/base-scores/template.xlsx",
        views.BaseScoreTemplateView.as_view(),
        name="base_scores_template",
    )
    results_path = path(
        "rounds/<int:pk>/results/", views.RoundResultsView.as_view(), name="results"
    )
    export_path = path(
        "rounds/<int:pk>/results.xlsx", views.RoundResultsExportView.as_view(), name="export"
    )
    sheets_path = path("sheets/", views.SheetListView.as_view(), name="sheets")
    sheet_path = path("sheets/<int:pk>/", views.SheetFormView.as_view(), name="sheet")

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated
