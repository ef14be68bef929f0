"""URLs of the public notice pages (公示), under ``/public/<county code>/notice/``: no
login (each view is ``login_not_required``)."""

from django.urls import path

from .views.notice_public import NoticeDetailView, NoticeListView

urlpatterns = [
    path("", NoticeListView.as_view(), name="public_notice_list"),
    path("<int:pk>/", NoticeDetailView.as_view(), name="public_notice_detail"),
]
