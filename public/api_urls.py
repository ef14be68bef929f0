"""URLs of the public read endpoints, included by ``config.api_urls`` under
``/api/public/`` (no authentication)."""

from django.urls import path

from . import api

urlpatterns = [
    path("counties/", api.CountyListView.as_view(), name="public-counties"),
    path("counties/<str:county_code>/", api.CountyDetailView.as_view(), name="public-county"),
    path(
        "counties/<str:county_code>/items/",
        api.ItemListView.as_view(),
        name="public-items",
    ),
    path(
        "counties/<str:county_code>/items/<int:item_id>/",
        api.ItemDetailView.as_view(),
        name="public-item",
    ),
    path(
        "counties/<str:county_code>/releases/",
        api.ReleaseListView.as_view(),
        name="public-releases",
    ),
    path(
        "counties/<str:county_code>/releases/<int:release_id>/",
        api.ReleaseDetailView.as_view(),
        name="public-release",
    ),
    path(
        "counties/<str:county_code>/search/",
        api.SearchView.as_view(),
        name="public-search",
    ),
]
