"""清单文件: the official documents of the lists for logged-in users, scoped as the list
pages are (``duty_lists.permissions.can_export_list_document``)."""

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views import generic

from organisations import permissions as org_permissions
from organisations.models import County, Department, Township

from . import selectors
from .documents import document_response, list_document
from .forms import ListDocumentForm
from .models import DutyList, Level, Release
from .permissions import can_export_list_document

audit_log = logging.getLogger("qingdan.audit")

FILE_LABELS = (("xlsx", "Excel"), ("pdf", "PDF"), ("html", "打印版"))


@dataclass(frozen=True)
class DocumentLinks:
    """One downloadable document: what it is, which version, and a link per format."""

    scope: str
    version: str
    links: tuple[tuple[str, str], ...]


def _links(query: dict) -> tuple[tuple[str, str], ...]:
    base = reverse("lists:documents")
    return tuple(
        (label, f"{base}?{urlencode({**query, 'file': file_format})}")
        for file_format, label in FILE_LABELS
    )


def document_links_for(user) -> list[DocumentLinks]:
    """The documents ``user`` may download, current and per release: the whole lists of
    the counties whose lists it sees whole, its own township's part elsewhere. Runs a
    fixed number of queries per county of the user (usually one county)."""
    counties = list(selectors.counties_of_user(user))
    whole = set(
        org_permissions.counties_visible_to(user)
        .filter(pk__in=[c.pk for c in counties])
        .values_list("pk", flat=True)
    )
    own_townships = list(org_permissions.townships_visible_to(user).order_by("code"))
    lists = list(
        DutyList.objects.filter(county__in=counties).select_related("county").order_by("county")
    )
    releases: dict[int, list[Release]] = {}
    for release in Release.objects.filter(duty_list__in=lists).order_by("-number"):
        releases.setdefault(release.duty_list_id, []).append(release)
    order = {level: index for index, level in enumerate(Level.values)}
    found = []
    for duty_list in sorted(lists, key=lambda d: (d.county.code, order[d.level])):
        county = duty_list.county
        scopes = (
            [(f"{duty_list}", {})]
            if county.pk in whole
            else [
                (f"{county.name}{township.name}（{duty_list.get_level_display()}清单）", t_query)
                for township in own_townships
                if township.county_id == county.pk
                for t_query in [{"township": township.pk}]
            ]
        )
        for scope, extra in scopes:
            query = {"county": county.pk, "level": duty_list.level, **extra}
            found.append(DocumentLinks(scope=scope, version="现行", links=_links(query)))
            found.extend(
                DocumentLinks(
                    scope=scope,
                    version=f"第{release.number}版（{release.document_number}）",
                    links=_links({**query, "release": release.number}),
                )
                for release in releases.get(duty_list.pk, [])
            )
    return found


class ListDocumentView(generic.TemplateView):
    """Choose a list document and download it; the page lists every document the user
    may download. With ``file`` in the query the form is validated and the document
    returned (403 outside the user's scope, 400 with the form's errors)."""

    template_name = "duty_lists/dutylist_documents.html"

    def get_form(self, data=None):
        """The form offering the user's counties, townships and departments."""
        user = self.request.user
        counties = selectors.counties_of_user(user)
        initial = {"county": counties.first(), "level": self.request.GET.get("level", "")}
        return ListDocumentForm(
            data,
            counties=counties,
            townships=selectors.township_filter_choices(user),
            departments=selectors.department_filter_choices(user),
            initial=initial,
        )

    def get(self, request, *args, **kwargs):
        if "file" not in request.GET:
            return self.render_page(self.get_form())
        # Validated against every unit, so that one outside the user's scope is refused
        # with 403 (``download``) rather than reported as an unknown choice.
        form = ListDocumentForm(
            request.GET,
            counties=County.objects.all(),
            townships=Township.objects.all(),
            departments=Department.objects.all(),
        )
        if form.is_valid():
            return self.download(form.cleaned_data)
        shown = self.get_form(request.GET)
        shown._errors = form.errors
        return self.render_page(shown, status=400)

    def render_page(self, form, status=200):
        """The page with ``form`` and the documents the user may download."""
        context = self.get_context_data(form=form, documents=document_links_for(self.request.user))
        return self.render_to_response(context, status=status)

    def download(self, data):
        user = self.request.user
        county, township, department = data["county"], data["township"], data["department"]
        # A department's document is the whole list cut to that department: only for
        # users who see the whole list (the form refuses a township and a department).
        if not can_export_list_document(user, county, township=township):
            audit_log.warning("denied: %s may not download a list document of %s", user, county)
            raise PermissionDenied("您无权下载该清单文件。")
        document = list_document(
            data["duty_list"], township=township, department=department, release=data["release"]
        )
        return document_response(document, data["file"])
