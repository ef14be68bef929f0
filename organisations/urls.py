"""The "组织机构" application of the viewflow site."""

from django.urls import path
from viewflow.urls import Application

from . import views


class OrganisationsApp(Application):
    """Organisation tree of the user's county (or township)."""

    title = "组织机构"
    icon = "account_tree"
    app_name = "orgs"
    menu_template_name = "organisations/app_menu.html"

    index_path = path("", views.OrgTreeView.as_view(), name="index")

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated
