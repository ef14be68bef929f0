"""The "清单外事项" application of the viewflow site: off-list assignment reports.

Its own scoped pages replace viewflow's flow-wide ones (the flow is not registered
with ``FlowAppViewset``): the report list, a new report, a report with its trail, the
department's answer, the county office's ruling, evidence download and the flow charts.
"""

from django.urls import path
from viewflow.urls import Application

from .views import reports


class ReportsApp(Application):
    """Off-list reports (清单外事项报告), scoped by ``reports_visible_to``."""

    title = "清单外事项"
    icon = "report"
    app_name = "reports"
    menu_template_name = "workflow/reports/app_menu.html"

    index_path = path("", reports.ReportListView.as_view(), name="index")
    new_path = path("new/", reports.ReportCreateView.as_view(), name="new")
    check_path = path("check/", reports.ReportCheckView.as_view(), name="check")
    detail_path = path("<int:pk>/", reports.ReportDetailView.as_view(), name="detail")
    answer_path = path("<int:pk>/answer/", reports.ReportAnswerView.as_view(), name="answer")
    rule_path = path("<int:pk>/rule/", reports.ReportRuleView.as_view(), name="rule")
    evidence_add_path = path(
        "<int:pk>/evidence/", reports.EvidenceAddView.as_view(), name="evidence_add"
    )
    evidence_path = path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        reports.EvidenceDownloadView.as_view(),
        name="evidence",
    )
    chart_path = path("chart/", reports.ReportChartView.as_view(), name="chart")
    process_chart_path = path(
        "<int:process_pk>/chart/", reports.ReportChartView.as_view(), name="process_chart"
    )

    def has_view_permission(self, user, obj=None):
        # Checked on every page for the site menu: no query here. The pages scope
        # their rows through ``reports_visible_to`` (nothing without a role).
        return user.is_authenticated
