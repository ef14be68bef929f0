"""部门目录: the items a department has a part in, and what its part is.

A department leads an item (牵头) or works on it as a cooperating department (协同).
Each role is one entry of ``ROLES``; pages, documents and the API read the roles from
``department_items`` and never test ``lead_department`` or the cooperating departments
themselves. The items are ``ItemSnapshot`` values (``duty_lists.snapshots``).
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


class DepartmentRole(models.TextChoices):
    """A department's part in an item (部门角色)."""

    LEAD = "lead", "牵头"
    COOPERATING = "cooperating", "协同"


def _lead(item) -> tuple[int, ...]:
    return (item.lead_department_id,) if item.lead_department_id is not None else ()


def _cooperating(item) -> tuple[int, ...]:
    return item.cooperating_department_ids


# (role, the ids of the departments holding that role in an item), in listing order.
ROLES: tuple[tuple[DepartmentRole, Callable[[object], Iterable[int]]], ...] = (
    (DepartmentRole.LEAD, _lead),
    (DepartmentRole.COOPERATING, _cooperating),
)


@dataclass(frozen=True)
class DepartmentItem:
    """An item and the department's roles in it (at least one)."""

    item: object
    roles: tuple[DepartmentRole, ...]
    department_id: int | None = None

    @property
    def role_label(self) -> str:
        """The roles' Chinese labels joined by "、", e.g. "牵头"."""
        return "、".join(str(role.label) for role in self.roles)

    @property
    def cooperating_duties(self) -> str:
        """The department's own duties as a cooperating department ("" when it leads)."""
        for row in getattr(self.item, "cooperations", ()):
            if row.department_id == self.department_id:
                return row.responsibilities
        return ""


def department_items(
    items: Iterable, department_id: int, role: str | None = None
) -> list[DepartmentItem]:
    """Return the items of ``items`` in which department ``department_id`` has a role
    (only ``role``, a ``DepartmentRole`` value, when given), in the given order, each
    with its roles. Runs no query."""
    found = []
    for item in items:
        roles = tuple(
            held
            for held, holders in ROLES
            if department_id in holders(item) and role in (None, held)
        )
        if roles:
            found.append(DepartmentItem(item=item, roles=roles, department_id=department_id))
    return found


def department_item_counts(items: Iterable) -> Counter:
    """Return, per department id, how many of ``items`` it has a role in. No query."""
    counts: Counter = Counter()
    for item in items:
        counts.update({department_id for _, holders in ROLES for department_id in holders(item)})
    return counts
