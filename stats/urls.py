"""The "统计分析" application of the viewflow site (``/stats/``)."""

from django.urls import path
from viewflow.urls import Application

from . import views


class StatsApp(Application):
    """Statistics for the county office (县委编办) and the 市(省)级查看人员."""

    title = "统计分析"
    icon = "insights"
    app_name = "stats"
    menu_template_name = "stats/app_menu.html"

    index_path = path("", views.StatsIndexView.as_view(), name="index")
    export_path = path("export.xlsx", views.StatsExportView.as_view(), name="export")
    figure_path = path("<slug:figure>/", views.StatsFigureView.as_view(), name="figure")

    def has_view_permission(self, user, obj=None):
        # Checked on every page for the site menu: no query here. The pages answer 403
        # to users who read no county's statistics.
        return user.is_authenticated
