"""URLs of the REST API under ``/api/``: endpoints, token, OpenAPI schema and docs.

Django's ``LoginRequiredMiddleware`` would send anonymous API clients to the login page;
every API view is exempted from it, so that DRF answers itself: 401 for an anonymous
or wrongly authenticated request (``WWW-Authenticate: Token``), 403 for a denied one.
The token endpoint, the schema and its docs are public; the endpoints need a login.
"""

from django.contrib.auth import user_logged_in
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import AnonRateThrottle

from duty_lists.api import DutyItemViewSet, DutyListViewSet, ReleaseViewSet
from workflow.api import ChangeRequestViewSet, TaskViewSet
from workflow.api.decisions import DecisionBatchViewSet
from workflow.api.evaluation import EvaluationRoundViewSet, ScoreSheetViewSet
from workflow.api.reports import ReportViewSet

app_name = "api"


class TokenObtainView(ObtainAuthToken):
    """POST ``username`` and ``password`` → ``{"token": …}``, the user's API token.

    Issuing a token is a login: it sends ``user_logged_in`` (audit log, last login);
    a wrong password is a failed login (logged by ``authenticate``) and a 400. Throttled
    per client address against password guessing.
    """

    authentication_classes = ()
    throttle_classes = (AnonRateThrottle,)

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response({"token": token.key})


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
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
        path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
        path("", include(router.urls)),
    ]
)
