"""URLs of the public pages, under ``/public/`` (no login).

A county's 公示 (public notice) pages live beside these under
``/public/<county code>/notice/``.
"""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.county_index, name="index"),
    path("<str:county_code>/", views.county_home, name="county"),
    path("<str:county_code>/lists/<slug:level>/", views.level_list, name="level"),
    path(
        "<str:county_code>/townships/<str:township_code>/",
        views.township_page,
        name="township",
    ),
    path(
        "<str:county_code>/departments/<str:department_code>/",
        views.department_page,
        name="department",
    ),
    path("<str:county_code>/items/<int:item_id>/", views.item_page, name="item"),
    path("<str:county_code>/releases/", views.release_list, name="releases"),
    path("<str:county_code>/releases/<int:release_id>/", views.release_page, name="release"),
    path("<str:county_code>/search/", views.search_page, name="search"),
    path("<str:county_code>/off-list/", views.off_list_help, name="off_list"),
    path(
        "<str:county_code>/documents/<slug:level>.<slug:file_format>",
        views.document,
        name="document",
    ),
]
