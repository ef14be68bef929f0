"""The "审定与发布" application of the viewflow site: decision batches (审定批次).

The county office prepares a batch of the requests waiting for 审定 (on public notice
when the county has a notice period), records the county leadership's decision on it,
and attaches the minutes; county administrators read along. The releases the batches
issue are in the "三张清单" application.
"""

from django.urls import path
from viewflow.urls import Application

from .views import decisions


class DecisionsApp(Application):
    """Decision batches of the user's counties, scoped by ``batches_visible_to``."""

    title = "审定与发布"
    icon = "gavel"
    app_name = "decisions"
    menu_template_name = "workflow/decisions/app_menu.html"

    index_path = path("", decisions.BatchListView.as_view(), name="index")
    new_path = path("new/", decisions.BatchPrepareView.as_view(), name="new")
    detail_path = path("<int:pk>/", decisions.BatchDetailView.as_view(), name="detail")
    record_path = path("<int:pk>/record/", decisions.BatchRecordView.as_view(), name="record")
    upload_path = path(
        "<int:pk>/documents/", decisions.BatchDocumentUploadView.as_view(), name="upload"
    )
    document_path = path(
        "<int:pk>/documents/<int:document_pk>/",
        decisions.BatchDocumentDownloadView.as_view(),
        name="document",
    )

    def has_view_permission(self, user, obj=None):
        # Checked on every page for the site menu: no query here. The pages scope their
        # rows through ``batches_visible_to`` (nothing without an office or admin role).
        return user.is_authenticated
