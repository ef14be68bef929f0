"""The HTTP response of a list document: a download (Excel, PDF) or a page (print)."""

from urllib.parse import quote

from django.http import HttpResponse

from .content import ListDocument
from .excel import CONTENT_TYPE as XLSX_CONTENT_TYPE
from .excel import document_xlsx
from .pdf import document_html, document_pdf

_RENDERERS = {
    "xlsx": (XLSX_CONTENT_TYPE, document_xlsx),
    "pdf": ("application/pdf", document_pdf),
}


def document_response(document: ListDocument, file_format: str) -> HttpResponse:
    """Return ``document`` as ``file_format``: "xlsx" or "pdf" as an attachment named
    after the document's title, "html" as the printable page. Raises ValueError for
    another format. Runs no query."""
    if file_format == "html":
        return HttpResponse(document_html(document), content_type="text/html; charset=utf-8")
    if file_format not in _RENDERERS:
        raise ValueError(f"unknown document format: {file_format}")
    content_type, render = _RENDERERS[file_format]
    response = HttpResponse(render(document), content_type=content_type)
    # An ASCII fallback for old clients, the real (Chinese) name per RFC 6266 / 5987.
    fallback = f"duty-list-{document.level}.{file_format}"
    response["Content-Disposition"] = (
        f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(document.filename)}.{file_format}"
    )
    return response
