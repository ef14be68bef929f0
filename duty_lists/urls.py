"""The "三张清单" application of the viewflow site."""

from django.urls import path
from viewflow.urls import Application

from . import document_views, import_views, views


class DutyListsApp(Application):
    """Current lists, item detail with history, as-of view, diff view, releases and documents."""

    title = "三张清单"
    icon = "list_alt"
    app_name = "lists"
    menu_template_name = "duty_lists/app_menu.html"

    index_path = path("", views.DutyItemListView.as_view(), name="index")
    mine_path = path("mine/", views.MyListView.as_view(), name="mine")
    detail_path = path("items/<int:pk>/", views.DutyItemDetailView.as_view(), name="detail")
    as_of_path = path("as-of/", views.DutyListAsOfView.as_view(), name="as_of")
    diff_path = path("diff/", views.DutyListDiffView.as_view(), name="diff")
    documents_path = path("documents/", document_views.ListDocumentView.as_view(), name="documents")
    releases_path = path("releases/", views.ReleaseListView.as_view(), name="releases")
    release_path = path("releases/<int:pk>/", views.ReleaseDetailView.as_view(), name="release")
    release_items_path = path(
        "releases/<int:pk>/items/", views.ReleaseItemsView.as_view(), name="release_items"
    )
    release_compare_path = path(
        "releases/compare/", views.ReleaseCompareView.as_view(), name="release_compare"
    )

    import_path = path("import/", import_views.ListImportView.as_view(), name="import")
    import_template_path = path(
        "import/template.xlsx",
        import_views.ListImportTemplateView.as_view(),
        name="import_template",
    )

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated
