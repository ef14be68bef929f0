"""A URLconf with a view that fails, for the error-logging test only."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path


@login_not_required
def broken_view(request):
    raise RuntimeError("the county list could not be built")


urlpatterns = [path("broken/", broken_view)]
