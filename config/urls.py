"""Root URL configuration: the viewflow site, authentication, admin, i18n."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Site
from viewflow.workflow.flow import FlowAppViewset

from duty_lists.urls import DutyListsApp
from organisations.urls import OrganisationsApp
from workflow.flows import ChangeRequestFlow

site = Site(
    title="清单管理",
    primary_color="#b71c1c",
    secondary_color="#5d4037",
    viewsets=[
        DutyListsApp(),
        FlowAppViewset(ChangeRequestFlow, icon="assignment"),
        OrganisationsApp(),
    ],
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "jsi18n/",
        login_not_required(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("", site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
