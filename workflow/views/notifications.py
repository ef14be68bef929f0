"""消息通知: the user's own in-app notifications, and marking them read."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import generic

from .. import selectors
from ..flows import ChangeRequestFlow
from ..services import notification_mark_read


def notification_target(notification) -> str:
    """Where a notification leads: its own link if it is a local one, else its request's
    page, else the notification list."""
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return notification.url
    if notification.process_id:
        try:
            return ChangeRequestFlow.instance.reverse(
                "process_detail", args=[notification.process_id]
            )
        except NoReverseMatch:
            pass
    return reverse("notifications:index")


class NotificationListView(generic.ListView):
    """The user's notifications, newest first; ``?unread=1`` shows only unread ones."""

    template_name = "workflow/notification_list.html"
    paginate_by = 25
    context_object_name = "notifications"

    def get_queryset(self):
        notifications = selectors.notification_list(self.request.user)
        if self.request.GET.get("unread"):
            notifications = notifications.filter(read_at__isnull=True)
        return notifications

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            only_unread=bool(self.request.GET.get("unread")),
            unread_count=selectors.unread_notification_count(self.request.user),
            **kwargs,
        )


class NotificationMarkReadView(generic.View):
    """POST: mark the checked notifications (``ids``) or, with ``all``, every unread one
    of the user as read; then back to the list."""

    def post(self, request, *args, **kwargs):
        if request.POST.get("all"):
            ids = None
        else:
            ids = [value for value in request.POST.getlist("ids") if value.isdigit()]
        count = notification_mark_read(actor=request.user, notification_ids=ids)
        if count:
            messages.success(request, f"已将 {count} 条通知标为已读。")
        return HttpResponseRedirect(reverse("notifications:index"))


class NotificationOpenView(generic.View):
    """POST: mark one of the user's notifications read and go where it points."""

    def post(self, request, pk, *args, **kwargs):
        notification = get_object_or_404(selectors.notification_list(request.user), pk=pk)
        notification_mark_read(actor=request.user, notification_ids=[notification.pk])
        return HttpResponseRedirect(notification_target(notification))
