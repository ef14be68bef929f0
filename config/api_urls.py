"""URLs of the REST API under ``/api/``: endpoints, token, OpenAPI schema and docs.

Django's ``LoginRequiredMiddleware`` would send anonymous API clients to the login page;
every API view is exempted from it, so that DRF answers itself: 401 for an anonymous
or wrongly authenticated request (``WWW-Authenticate: Token``), 403 for a denied one.
The token endpoint, the schema and its docs and the read endpoints under ``/api/public/``
are public; the other endpoints need a login. Swagger UI is served as the split view
(its start script is a separate request), so the page needs no inline script under
the Content-Security-Policy.
"""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from duty_lists.api import DutyItemViewSet, DutyListViewSet, ReleaseViewSet
from duty_lists.api_documents import DocumentExportView
from organisations.api import LogoutView, TokenObtainView, UnitViewSet
from stats.api import StatsFigureView
from workflow.api import ChangeRequestViewSet, TaskViewSet, handover
from workflow.api.decisions import DecisionBatchViewSet
from workflow.api.evaluation import EvaluationRoundViewSet, ScoreSheetViewSet
from workflow.api.list_import import ListImportView
from workflow.api.me import MeView
from workflow.api.reports import ReportViewSet

app_name = "api"

router = DefaultRouter()
router.register("requests", ChangeRequestViewSet, basename="request")
router.register("tasks", TaskViewSet, basename="task")
router.register("reports", ReportViewSet, basename="report")
router.register("lists", DutyListViewSet, basename="list")
router.register("items", DutyItemViewSet, basename="item")
router.register("evaluation-rounds", EvaluationRoundViewSet, basename="evaluation-round")
router.register("score-sheets", ScoreSheetViewSet, basename="score-sheet")
router.register("releases", ReleaseViewSet, basename="release")
router.register("decision-batches", DecisionBatchViewSet, basename="decision-batch")
router.register("units", UnitViewSet, basename="unit")


def exempt_from_login_redirect(patterns: list) -> list:
    """Mark every view of ``patterns`` (recursively) ``login_not_required``; returns them."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            exempt_from_login_redirect(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


urlpatterns = exempt_from_login_redirect(
    [
        path("token/", TokenObtainView.as_view(), name="token"),
        path("logout/", LogoutView.as_view(), name="logout"),
        path("me/", MeView.as_view(), name="me"),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
        path(
            "redoc/",
            # Redoc's menu always shows its vendor's logo from the vendor's host: an image
            # only (no script), allowed on this page alone; offline it simply fails.
            csp_update({"img-src": ["https://cdn.redoc.ly"]})(
                SpectacularRedocView.as_view(url_name="api:schema")
            ),
            name="redoc",
        ),
        path("public/", include("public.api_urls")),
        path("documents/<str:file_format>/", DocumentExportView.as_view(), name="documents"),
        path("todo/", handover.TodoView.as_view(), name="todo"),
        path("todo/started/", handover.StartedView.as_view(), name="todo-started"),
        path("tasks/<int:pk>/urge/", handover.TaskUrgeView.as_view(), name="task-urge"),
        path("tasks/<int:pk>/transfer/", handover.TaskTransferView.as_view(), name="task-transfer"),
        path(
            "evaluation-rounds/<int:pk>/urge/",
            handover.RoundUrgeView.as_view(),
            name="evaluation-round-urge",
        ),
        path("deputyships/", handover.DeputyshipListView.as_view(), name="deputyships"),
        path(
            "deputyships/candidates/",
            handover.DeputyCandidatesView.as_view(),
            name="deputy-candidates",
        ),
        path(
            "deputyships/<int:pk>/end/",
            handover.DeputyshipEndView.as_view(),
            name="deputyship-end",
        ),
        path("lists/import/", ListImportView.as_view(), name="list-import"),
        path("stats/<slug:figure>/", StatsFigureView.as_view(), name="stats"),
        path("", include(router.urls)),
    ]
)
