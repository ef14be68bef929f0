"""The "待办" application of the viewflow site: what waits for the user in every flow
(the page users land on after login), what it did and what it filed; its deputies
(委托); handing a task over (转交) and the county office's reminders (催办)."""

from django.urls import path
from viewflow.urls import Application

from .views import todo


class TodoApp(Application):
    """待办 / 已办 / 我发起的, 委托, 转交 and 催办."""

    title = "待办"
    icon = "inbox"
    app_name = "todo"
    menu_template_name = "workflow/todo/app_menu.html"

    index_path = path("", todo.TodoListView.as_view(), name="index")
    deputies_path = path("deputies/", todo.DeputyListView.as_view(), name="deputies")
    deputy_end_path = path(
        "deputies/<int:pk>/end/", todo.DeputyEndView.as_view(), name="deputy_end"
    )
    transfer_path = path(
        "tasks/<int:pk>/transfer/", todo.TaskTransferView.as_view(), name="transfer"
    )
    urge_path = path("tasks/<int:pk>/urge/", todo.TaskUrgeView.as_view(), name="urge")
    round_urge_path = path("rounds/<int:pk>/urge/", todo.RoundUrgeView.as_view(), name="round_urge")

    def has_view_permission(self, user, obj=None):
        # Checked on every page for the site menu: no query here; the pages read only
        # the user's own tasks.
        return user.is_authenticated
