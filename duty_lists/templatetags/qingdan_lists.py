"""Template helpers of the lists application."""

from django import template

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
