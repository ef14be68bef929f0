"""部门目录: the items a department has a part in, and what its part is.

Today a department's part is leading an item (牵头); cooperating departments (协同部门)
will be a second role. Each role is one entry of ``ROLES``, so adding one is one entry
here and its field on the item; pages, documents and the API read the roles from
``department_items`` and never test ``lead_department`` themselves.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


class DepartmentRole(models.TextChoices):
    """A department's part in an item (部门角色)."""

    LEAD = "lead", "牵头"


def _lead(item) -> tuple[int, ...]:
    return (item.lead_department_id,) if item.lead_department_id is not None else ()


# (role, the ids of the departments holding that role in an item), in listing order.
ROLES: tuple[tuple[DepartmentRole, Callable[[object], Iterable[int]]], ...] = (
    (DepartmentRole.LEAD, _lead),
)


@dataclass(frozen=True)
class DepartmentItem:
    """An item and the department's roles in it (at least one)."""

    item: object
    roles: tuple[DepartmentRole, ...]

    @property
    def role_label(self) -> str:
        """The roles' Chinese labels joined by "、", e.g. "牵头"."""
        return "、".join(str(role.label) for role in self.roles)


def department_items(items: Iterable, department_id: int) -> list[DepartmentItem]:
    """Return the items of ``items`` in which department ``department_id`` has a role,
    in the given order, each with its roles. Runs no query."""
    found = []
    for item in items:
        roles = tuple(role for role, holders in ROLES if department_id in holders(item))
        if roles:
            found.append(DepartmentItem(item=item, roles=roles))
    return found


def department_item_counts(items: Iterable) -> Counter:
    """Return, per department id, how many of ``items`` it has a role in. No query."""
    counts: Counter = Counter()
    for item in items:
        counts.update({department_id for _, holders in ROLES for department_id in holders(item)})
    return counts
