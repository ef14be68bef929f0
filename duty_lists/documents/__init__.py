"""Official documents of a list (清单文件): the list of a whole level, of one township
(一乡一单) or of one department (部门目录), as of today or as of a release, as an Excel
workbook, a printable page and a PDF with the release's 文号 in the header.

``list_document`` gathers what a document shows; ``document_xlsx``, ``document_html``
and ``document_pdf`` render it; ``document_response`` makes the HTTP download.
"""

from .content import (
    FILE_FORMATS,
    DocumentRow,
    ListDocument,
    column_headers,
    list_document,
)
from .excel import document_xlsx
from .http import document_response
from .pdf import document_html, document_pdf

__all__ = [
    "FILE_FORMATS",
    "DocumentRow",
    "ListDocument",
    "column_headers",
    "document_html",
    "document_pdf",
    "document_response",
    "document_xlsx",
    "list_document",
]
