"""The "消息通知" application of the viewflow site (the user's in-app notifications)."""

from django.urls import path
from viewflow.urls import Application

from .views import notifications


class NotificationsApp(Application):
    """The user's own notifications; the page header shows how many are unread."""

    title = "消息通知"
    icon = "notifications"
    app_name = "notifications"
    menu_template_name = "workflow/notifications_menu.html"

    index_path = path("", notifications.NotificationListView.as_view(), name="index")
    read_path = path("read/", notifications.NotificationMarkReadView.as_view(), name="read")
    open_path = path("<int:pk>/open/", notifications.NotificationOpenView.as_view(), name="open")

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated
