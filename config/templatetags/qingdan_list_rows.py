"""The rows of viewflow list pages, rendered in one step.

viewflow's list template walks every cell of a page through the template engine: a
50-row page of ten columns resolves some 1,500 template variables, most of a list page's
time. ``list_rows`` writes the same rows (the same classes, the ``data-label`` each cell
carries for the phone cards, the row's id) from Python, escaping each value exactly as
``{{ value }}`` would in that template.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The row check box of a list with bulk actions (viewflow's markup for it).
_CHECKBOX_CELL = (
    '<td class="vf-list__action-cell"><div class="mdc-checkbox">'
    '<input type="checkbox" class="mdc-checkbox__native-control"/>'
    '<div class="mdc-checkbox__background">'
    '<svg class="mdc-checkbox__checkmark" viewBox="0 0 24 24">'
    '<path class="mdc-checkbox__checkmark-path" fill="none" stroke="white" '
    'd="M1.73,12.91 8.1,19.28 22.79,4.59"/></svg>'
    '<div class="mdc-checkbox__mixedmark"></div></div></div></td>'
)


@register.simple_tag(takes_context=True)
def list_rows(context, view, page, bulk_actions=False) -> SafeString:
    """The ``<tr>`` elements of ``page`` as ``view.get_page_data`` formats them: one
    cell per column with its type class and its header as ``data-label``, and a check
    box cell first when the list has bulk actions. Returns safe HTML; changes nothing."""
    columns = list(view.list_columns.values())
    openings = [
        format_html('<td class="vf-list__table-cell-{}" data-label="{}">', kind, header)
        for kind, header in ((column.column_type(), column.header()) for column in columns)
    ]
    first = _CHECKBOX_CELL if bulk_actions else ""
    parts = []
    for obj, row in view.get_page_data(page):
        parts.append(f'<tr data-row-id="{conditional_escape(obj.pk)}">{first}')
        for opening, (_column, value) in zip(openings, row, strict=True):
            parts.append(f"{opening}{render_value_in_context(value, context)}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
