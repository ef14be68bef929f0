"""Root URL configuration: the viewflow site, authentication, admin, i18n, API.

Uploaded files (MEDIA_ROOT) are never served as static files: attachments belong to
requests and are only handed out by scoped views.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Site

from duty_lists.urls import DutyListsApp
from organisations.urls import OrganisationsApp
from stats.urls import StatsApp
from workflow.decisions_app import DecisionsApp
from workflow.evaluation_app import EvaluationApp
from workflow.flows import ChangeRequestFlow
from workflow.reports_app import ReportsApp
from workflow.todo_app import TodoApp
from workflow.urls import NotificationsApp
from workflow.viewsets import ChangeRequestViewset

site = Site(
    title="清单管理",
    primary_color="#b71c1c",
    secondary_color="#5d4037",
    viewsets=[
        TodoApp(),
        DutyListsApp(),
        ChangeRequestViewset(ChangeRequestFlow, icon="assignment"),
        DecisionsApp(),
        ReportsApp(),
        EvaluationApp(),
        StatsApp(),
        NotificationsApp(),
        OrganisationsApp(),
    ],
)

# The admin's own titles ("Django 管理") in the product's words.
admin.site.site_header = "清单管理系统后台"
admin.site.site_title = "清单管理系统后台"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "jsi18n/",
        login_not_required(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("api/", include("config.api_urls")),
    path("public/<str:county_code>/notice/", include("workflow.public_urls")),
    path("public/", include("public.urls")),
    path("", site.urls),
]
