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


def can_export_list_document(user, county, *, township=None) -> bool:
    """True if ``user`` may download a document of ``county``'s lists (清单文件), as
    the lists pages show them to the user.

    Users who see the county's whole lists (county office, administrator, department
    users) may download any document of it: a whole level, a township's, a
    department's. A township user may download only the document of its own township
    (``township``), the part of the lists it sees.
    """
    if org_permissions.counties_visible_to(user).filter(pk=county.pk).exists():
        return True
    return (
        township is not None
        and township.county_id == county.pk
        and org_permissions.townships_visible_to(user).filter(pk=township.pk).exists()
    )
