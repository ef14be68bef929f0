"""REST API of the admission flow (DESIGN §5): file change requests, list and complete
the user's tasks, read a request with its answers, ruling and trail.

``views`` holds the endpoints, ``serializers`` and ``task_serializers`` the wire formats,
``queries`` the scoped reads, ``errors`` the mapping of the services' exceptions to HTTP
answers.
"""

from .views import ChangeRequestViewSet, TaskViewSet

__all__ = ["ChangeRequestViewSet", "TaskViewSet"]
