"""Template helpers of the lists application."""

from django import template

from organisations import permissions as org_permissions

register = template.Library()


@register.filter
def may_import_lists(user) -> bool:
    """True if ``user`` may import some county's lists (county office or administrator).
    Reads the user's unit scope, loaded once per request."""
    return user.is_authenticated and bool(org_permissions.county_ids_seen_whole_by(user))
