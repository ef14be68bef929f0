"""Template helpers of the lists application."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from config.listing import IdUrls
from organisations import permissions as org_permissions

from ..columns import resources_of, type_cell
from ..models import primary_responsibility_label

register = template.Library()


@register.filter
def may_import_lists(user) -> bool:
    """True if ``user`` may import some county's lists (county office or administrator).
    Reads the user's unit scope, loaded once per request."""
    return user.is_authenticated and bool(org_permissions.county_ids_seen_whole_by(user))


@register.filter
def resources_lines(item) -> list[str]:
    """The 配套保障 of an item as "经费：…", "人员：…", "装备：…" lines (those stated)."""
    return resources_of(item).lines()


@register.filter
def type_label(item) -> str:
    """履职类型 as published lists write it (证明事项 / 机制牌子 for those kinds)."""
    return type_cell(item.item_kind, item.duty_type)


@register.filter
def primary_label(item) -> str:
    """Who carries 主体责任 of an item: "牵头部门" or its list's unit ("村(社区)" …);
    the item's list must be loaded."""
    return primary_responsibility_label(item.primary_responsibility, item.duty_list.level)


@register.simple_tag
def as_of_rows(snapshots) -> SafeString:
    """The rows of the 历史版本 (as-of) table: code linked to the item, title, category,
    type, lead department, applicability and effective date of each snapshot, escaped.
    Written from Python: a province list is hundreds of rows, and the template engine
    walking each cell was most of the page's time. Returns safe HTML."""
    detail = IdUrls(lambda pk: reverse("lists:detail", kwargs={"pk": pk}))
    return format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td></tr>",
        (
            (
                detail(s.item_id),
                s.code,
                s.title,
                s.category_label,
                s.duty_type_label,
                s.lead_department_name,
                s.applicability_label,
                s.effective_date.isoformat() if s.effective_date else "",
            )
            for s in snapshots
        ),
    )


def _item_link(detail: IdUrls, snapshot) -> SafeString:
    return format_html(
        '<a href="{}">{}</a> {}', detail(snapshot.item_id), snapshot.code, snapshot.title
    )


@register.simple_tag
def diff_item_lines(entries) -> SafeString:
    """The ``<li>`` lines of the 新增 part of a diff (``entries`` are snapshots) or its
    取消 part (withdrawn items, shown as they were before): code linked to the item, then
    the title; one 无 line when there are none. Escaped, safe HTML."""
    detail = IdUrls(lambda pk: reverse("lists:detail", kwargs={"pk": pk}))
    if not entries:
        return mark_safe("<li>无</li>")  # noqa: S308 - a constant
    snapshots = (getattr(entry, "before", entry) for entry in entries)
    return format_html_join("", "<li>{}</li>", ((_item_link(detail, s),) for s in snapshots))


@register.simple_tag
def diff_change_rows(changes) -> SafeString:
    """The rows of the 变更 table of a diff: per changed item one row per changed field
    (the item's cell spanning them, linked), old and new values with （空） for an empty
    one; one 无 row when nothing changed. Escaped, safe HTML."""
    detail = IdUrls(lambda pk: reverse("lists:detail", kwargs={"pk": pk}))
    if not changes:
        return mark_safe('<tr><td colspan="4">无</td></tr>')  # noqa: S308 - a constant
    rows = []
    for change in changes:
        for index, field in enumerate(change.changes):
            item_cell = (
                format_html(
                    '<td rowspan="{}">{}</td>',
                    len(change.changes),
                    _item_link(detail, change.after),
                )
                if index == 0
                else ""
            )
            rows.append(
                format_html(
                    '<tr>{}<td>{}</td><td class="qd-old">{}</td><td class="qd-new">{}</td></tr>',
                    item_cell,
                    field.label,
                    field.old or "（空）",
                    field.new or "（空）",
                )
            )
    return mark_safe("".join(rows))  # noqa: S308 - every row is built by format_html
