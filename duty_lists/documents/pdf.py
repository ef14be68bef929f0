"""The printable page and the PDF (WeasyPrint) of a list document.

Both come from one template, ``duty_lists/document.html``, styled by the static file
``duty_lists/document.css`` (A4 landscape, the 文号 line as the running page header,
page numbers in the footer). WeasyPrint lays the page out with Pango and embeds the
subset of the Chinese font it used (WenQuanYi Micro Hei from Debian's
``fonts-wqy-microhei``, or Noto Sans CJK), so the PDF's text can be selected and
extracted.

Laying out a long list takes seconds (about 7 s for 350 items on one core), so a PDF is
kept in Django's cache under the hash of the HTML and stylesheet it was made from: the
same content is laid out once, and any change of content is a new key.
"""

import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string

from .content import ListDocument

TEMPLATE = "duty_lists/document.html"
STYLESHEET = "duty_lists/document.css"
CACHE_SECONDS = 24 * 60 * 60


def document_html(document: ListDocument, *, for_pdf: bool = False) -> str:
    """Return the HTML of ``document``: the printable page (linking the static
    stylesheet and the print button's script), or with ``for_pdf`` the page WeasyPrint
    lays out (no links; the stylesheet is given to it directly). Runs no query."""
    return render_to_string(TEMPLATE, {"document": document, "for_pdf": for_pdf})


def document_pdf(document: ListDocument) -> bytes:
    """Return the PDF of ``document`` as bytes, from the cache when the same HTML was
    laid out before. Runs no query."""
    html = document_html(document, for_pdf=True)
    stylesheet = Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{stylesheet}\0{html}".encode()).hexdigest()
    key = f"qingdan:document-pdf:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = _render_pdf(html, stylesheet)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def _render_pdf(html: str, stylesheet: str) -> bytes:
    # Imported here, not at module load: WeasyPrint loads Pango through cffi, which only
    # document downloads need.
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=None).write_pdf(stylesheets=[CSS(string=stylesheet)])
