"""Who may change or read duty lists."""

from organisations import permissions as org_permissions

from .models import DutyList


def can_edit_duty_list(user, duty_list: DutyList) -> bool:
    """True if ``user`` may change items of ``duty_list`` directly.

    Only the county office (县委编办) and the county administrator may; departments and
    townships change lists through the admission procedure.
    """
    county = duty_list.county
    return org_permissions.can_arbitrate_county(user, county) or (
        org_permissions.can_administer_county(user, county)
    )
