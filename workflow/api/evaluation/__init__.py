"""REST API of the two-way evaluation (双向互评): rounds, score sheets and results.

Thin like the admission API: reads go through ``evaluation.selectors`` and
``evaluation.results`` (scoped to the user; an existing object outside the scope is a
403), each write validates the body's shape and calls one service of
``workflow.services.evaluating``, which checks the rights and the rules. The services'
exceptions are mapped by ``workflow.api.errors.exception_handler``: 400 naming the
field, 403, 404, 409 for a sheet already submitted.

``views`` holds the endpoints, ``serializers`` the wire formats.
"""

from .views import EvaluationRoundViewSet, ScoreSheetViewSet

__all__ = ["EvaluationRoundViewSet", "ScoreSheetViewSet"]
