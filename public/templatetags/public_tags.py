"""Template helpers of the public pages."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from public.selectors import applies_label

register = template.Library()

DOCUMENT_FORMATS = (("xlsx", "Excel"), ("pdf", "PDF"), ("html", "打印版"))


@register.filter
def applies(item, level: str) -> str:
    """Whom ``item`` applies to on a list of ``level``, in plain words."""
    return applies_label(item, level)


@register.inclusion_tag("public/_documents.html")
def document_links(county, level, township=None, department=None, release=None):
    """Links to a list document (Excel, PDF, printable page) of ``level``: the whole
    list, or one township's or department's part, as of today or of ``release``."""
    query = {}
    if township is not None:
        query["township"] = township.code
    if department is not None:
        query["department"] = department.code
    if release is not None:
        query["release"] = release.number
    suffix = f"?{urlencode(query)}" if query else ""
    links = [
        (
            label,
            file_format,
            reverse("public:document", args=[county.code, level, file_format]) + suffix,
        )
        for file_format, label in DOCUMENT_FORMATS
    ]
    return {"links": links, "level": level}
