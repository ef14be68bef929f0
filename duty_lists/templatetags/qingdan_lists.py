"""Template helpers of the lists application."""

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

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
