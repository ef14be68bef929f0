"""Who may see or do what with organisation units.

This is the only module of the app that talks to django-guardian. Object permissions
are granted from memberships by ``organisations.services``; these functions answer
"may this user …?" and "which rows may this user see?".

The answers come from the user's guardian grant rows (its own and its groups'), read
once per user object in one indexed query (``unit_scope``, which also keeps whether
the user holds a membership) and kept on that object: a request loads its user
afresh, so a page asks the database once however many times it scopes. The object
ids are turned into integers and matched with ``pk__in``: the same rows guardian's
``get_objects_for_user`` finds by comparing ``CAST(id AS text)``, without its
sequential scans. The queryset functions stay lazy: by id once the scope is read,
through indexed subqueries of the grant rows before.
"""

from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .models import (
    COUNTY_ROLES,
    DEPARTMENT_ROLES,
    GRID_ROLES,
    TOWNSHIP_ROLES,
    VILLAGE_ROLES,
    County,
    Department,
    Deputyship,
    Grid,
    Membership,
    Region,
    RegionMembership,
    Role,
    Township,
    Village,
)

# Object permissions implied by each role, keyed by the kind of object they sit on.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.DEPARTMENT_STAFF: {
        "county": ("organisations.view_county_lists",),
        "department": ("organisations.act_for_department",),
    },
    Role.DEPARTMENT_HEAD: {
        "county": ("organisations.view_county_lists",),
        "department": ("organisations.act_for_department",),
    },
    Role.TOWNSHIP_HEAD: {
        "township": ("organisations.view_township_items", "organisations.act_for_township"),
    },
    Role.TOWNSHIP_STAFF: {
        "township": ("organisations.view_township_items",),
    },
    Role.COUNTY_OFFICE: {
        "county": ("organisations.view_county_lists", "organisations.arbitrate_county"),
    },
    Role.COUNTY_ADMIN: {
        "county": ("organisations.view_county_lists", "organisations.administer_county"),
    },
    Role.ASSESSMENT_OFFICE: {
        "county": ("organisations.view_county_lists", "organisations.assess_county"),
    },
    Role.VILLAGE_HEAD: {
        "village": ("organisations.view_village_items", "organisations.act_for_village"),
    },
    Role.GRID_WORKER: {
        "grid": ("organisations.view_grid_items",),
    },
}


# The models whose object permissions ``unit_scope`` reads.
SCOPED_MODELS = (County, Department, Township, Village, Grid)
_SCOPE_ATTRIBUTE = "_qingdan_unit_scope"


class UnitScope:
    """What one user's object permissions and memberships say, read lazily and kept.

    ``ids(model, codename)`` returns the primary keys of the ``model`` objects (one of
    ``SCOPED_MODELS``) on which the user or one of its groups holds ``codename``;
    superuser and active status are not applied here (the functions below apply them
    as guardian and Django do). The grant rows (every content type: the user's own and
    its groups') are read in one query the first time anything is asked of them.
    """

    def __init__(self, user):
        self._user_pk = user.pk
        self._unit_ids: dict[tuple[type, str], frozenset[int]] | None = None
        self._grants: frozenset[tuple[str, str, str]] = frozenset()
        self._counties: dict[tuple[type, str], dict[int, int]] = {}
        self._all_ids: dict[type, frozenset[int]] = {}
        self._has_membership: bool | None = None
        self._places: dict[tuple[type, str], dict[int, Place]] = {}

    @property
    def is_read(self) -> bool:
        """True once the grant rows have been read."""
        return self._unit_ids is not None

    def _read(self) -> dict[tuple[type, str], frozenset[int]]:
        if self._unit_ids is None:
            self._unit_ids, self._grants = _read_grants(self._user_pk)
        return self._unit_ids

    def ids(self, model, codename: str) -> frozenset[int]:
        """Ids of the ``model`` objects the grants name for ``codename``."""
        return self._read().get((model, codename), frozenset())

    def object_grants(self) -> frozenset[tuple[str, str, str]]:
        """Every object grant as ``(app label of its content type, codename, object_pk)``."""
        self._read()
        return self._grants

    def has_membership(self) -> bool:
        """True if the user holds any membership (one query the first time)."""
        if self._has_membership is None:
            self._has_membership = Membership.objects.filter(user_id=self._user_pk).exists()
        return self._has_membership

    def counties_of(self, model, codename: str) -> dict[int, int]:
        """``{object id: county id}`` of ``ids(model, codename)`` (departments and
        townships); one query the first time it is asked, none when there are no ids."""
        key = (model, codename)
        if key not in self._counties:
            ids = self.ids(model, codename)
            self._counties[key] = (
                dict(model.objects.filter(pk__in=sorted(ids)).values_list("pk", "county_id"))
                if ids
                else {}
            )
        return self._counties[key]

    def places_of(self, model, codename: str) -> dict[int, "Place"]:
        """``{object id: Place}`` of ``ids(model, codename)`` for villages and grids: the
        village, township and county each lies in; one query the first time it is
        asked, none when there are no ids."""
        key = (model, codename)
        if key not in self._places:
            ids = self.ids(model, codename)
            self._places[key] = _places(model, ids) if ids else {}
        return self._places[key]

    def counties_of_all(self, model) -> dict[int, int]:
        """``{object id: county id}`` of every ``model`` object; one query, kept."""
        key = (model, "")
        if key not in self._counties:
            self._counties[key] = dict(model.objects.values_list("pk", "county_id"))
        return self._counties[key]

    def all_ids(self, model) -> frozenset[int]:
        """Ids of every ``model`` object (what a superuser is given); one query, kept."""
        if model not in self._all_ids:
            self._all_ids[model] = frozenset(model.objects.values_list("pk", flat=True))
        return self._all_ids[model]


class Place(NamedTuple):
    """Where a village-level unit lies: its village, township and county ids and the
    village's kind (村 or 社区; for a grid, those of the village the grid belongs to)."""

    village_id: int
    township_id: int
    county_id: int
    village_kind: str = ""


# The path from a village or a grid to its village, township, county and kind.
_PLACE_PATHS = {
    Village: ("pk", "township_id", "township__county_id", "kind"),
    Grid: ("village_id", "village__township_id", "village__township__county_id", "village__kind"),
}


def _places(model, ids) -> dict[int, Place]:
    rows = model.objects.filter(pk__in=sorted(ids)).values_list("pk", *_PLACE_PATHS[model])
    return {pk: Place(*place) for pk, *place in rows}


def _integer_pk(value) -> int | None:
    # guardian compares the text of the primary key with object_pk, so only the
    # canonical text of an integer ("12", not "012" or " 12") names an object.
    text = str(value)
    return int(text) if text.isdigit() and str(int(text)) == text else None


def _read_grants(
    user_pk,
) -> tuple[dict[tuple[type, str], frozenset[int]], frozenset[tuple[str, str, str]]]:
    """The user's object grants and its groups', in one query (indexed on the user and
    on its group memberships): the unit ids by ``(model, codename)``, and every grant
    as ``(app label of its content type, codename, object_pk)``."""
    content_types = ContentType.objects.get_for_models(*SCOPED_MODELS)
    models = {content_type.pk: model for model, content_type in content_types.items()}
    fields = (
        "content_type__app_label",
        "permission__content_type_id",
        "permission__codename",
        "object_pk",
    )
    own = get_user_obj_perms_model().objects.filter(user_id=user_pk).values_list(*fields)
    of_groups = get_group_obj_perms_model().objects.filter(group__user=user_pk).values_list(*fields)
    as_deputy = [grants.values_list(*fields) for grants in _deputy_grants(user_pk, content_types)]
    unit_ids: dict[tuple[type, str], set[int]] = {}
    grants = set()
    for app_label, content_type_id, codename, object_pk in own.union(of_groups, *as_deputy):
        grants.add((app_label, codename, object_pk))
        model = models.get(content_type_id)
        pk = _integer_pk(object_pk)
        if model is not None and pk is not None:
            unit_ids.setdefault((model, codename), set()).add(pk)
    return {key: frozenset(ids) for key, ids in unit_ids.items()}, frozenset(grants)


# The head's task rights a deputy holds for the unit during its period (``Deputyship``).
DELEGATED_CODENAMES = {Township: "act_for_township", Department: "act_for_department"}


def active_deputyships(*, at=None) -> QuerySet[Deputyship]:
    """Deputyships in force at ``at`` (default: now): started, not yet at their end and
    not ended early."""
    at = at or timezone.now()
    return Deputyship.objects.filter(starts_at__lte=at, ends_at__gt=at, ended_at__isnull=True)


def _deputy_grants(user_pk, content_types) -> list[QuerySet]:
    """The principals' grant rows that the deputyships in force of user ``user_pk``
    lend it: a head's ``act_for_township`` / ``act_for_department`` on the very unit the
    deputyship names. One queryset per delegated permission (no query here; parts of the
    scope's one query), each found from the principals' user ids (``user_id IN``:
    indexed; an OR across content types would lead the database to walk every grant of
    a content type) and checked against the deputyship that lends it."""
    active = active_deputyships().filter(deputy_id=user_pk)
    principals = active.values("principal_id")
    grants = []
    for model, codename in DELEGATED_CODENAMES.items():
        field = f"{model._meta.model_name}_id"
        lent = (
            active.filter(**{f"{field}__isnull": False}, principal_id=OuterRef("user_id"))
            .annotate(unit_text=Cast(field, CharField()))
            .filter(unit_text=OuterRef("object_pk"))
        )
        grants.append(
            get_user_obj_perms_model().objects.filter(
                Exists(lent),
                user_id__in=principals,
                # The permission's content type (guardian keeps it equal to the row's):
                # a condition on the row's own column would steer the database to its
                # content-type index, every grant of that type, instead of the user's.
                permission__content_type_id=content_types[model].pk,
                permission__codename=codename,
            )
        )
    return grants


def unit_scope(user) -> UnitScope:
    """The ``UnitScope`` of ``user``, kept on the user object: a request loads its user
    afresh, so each request reads the grant rows once (one query) however often it
    asks. An anonymous user gets a scope of its own each time, with no grants.

    The grant and revoke functions below drop the scope kept on the membership's user
    object.
    """
    if not user.is_authenticated:
        scope = UnitScope(user)
        scope._unit_ids = {}
        scope._has_membership = False
        return scope
    scope = getattr(user, _SCOPE_ATTRIBUTE, None)
    if scope is None:
        scope = UnitScope(user)
        setattr(user, _SCOPE_ATTRIBUTE, scope)
    return scope


def has_membership(user) -> bool:
    """True if ``user`` holds any membership (kept with the user's scope)."""
    return user.is_authenticated and unit_scope(user).has_membership()


def object_grants(user) -> frozenset[tuple[str, str, str]]:
    """Every object permission ``user`` or one of its groups holds, as ``(app label of
    the object's content type, codename, object_pk)`` (kept with the user's scope)."""
    if not user.is_authenticated:
        return frozenset()
    return unit_scope(user).object_grants()


def forget_unit_scope(user) -> None:
    """Drop the scope kept on ``user`` (after its grants changed)."""
    user.__dict__.pop(_SCOPE_ATTRIBUTE, None)


def holds(user, perm: str, obj) -> bool:
    """``user.has_perm(perm, obj)`` for a county, department or township, from the
    user's scope: False for anonymous and inactive users, True for active superusers,
    else True if the user or one of its groups holds ``perm`` ("app_label.codename")
    on ``obj``."""
    return holds_on_pk(user, perm, type(obj), obj.pk)


def holds_on_pk(user, perm: str, model, object_pk) -> bool:
    """``holds`` for the ``model`` object whose primary key is ``object_pk`` (an int or
    its text), without loading the object. ``model`` is one of ``SCOPED_MODELS``."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    app_label, _, codename = perm.rpartition(".")
    if app_label and app_label != model._meta.app_label:
        return False
    pk = _integer_pk(object_pk)
    return pk is not None and pk in unit_scope(user).ids(model, codename)


def _granted(user, model, codename: str) -> frozenset[int]:
    """Ids of the ``model`` objects ``user`` holds ``codename`` on, as guardian's
    ``get_objects_for_user(..., accept_global_perms=False)`` finds them: every object
    for a superuser, none for an anonymous user."""
    if not user.is_authenticated:
        return frozenset()
    scope = unit_scope(user)
    if user.is_superuser:
        return scope.all_ids(model)
    return scope.ids(model, codename)


def _granted_objects(user, model, codename: str) -> QuerySet:
    """The ``model`` objects an authenticated non-superuser ``user`` holds ``codename``
    on, as a lazy queryset: by id when the user's scope is kept, else through indexed
    subqueries of its grant rows (the canonical integer texts of ``object_pk``, cast to
    integers), so that building it runs no query."""
    scope = getattr(user, _SCOPE_ATTRIBUTE, None)
    if scope is not None and scope.is_read:
        return model.objects.filter(pk__in=sorted(scope.ids(model, codename)))
    rows = {
        "permission__content_type": ContentType.objects.get_for_model(model),
        "permission__codename": codename,
        "object_pk__regex": r"^[1-9][0-9]*$",
    }
    own = get_user_obj_perms_model().objects.filter(user_id=user.pk, **rows)
    of_groups = get_group_obj_perms_model().objects.filter(group__user=user.pk, **rows)
    return model.objects.filter(Q(pk__in=_object_ids(own)) | Q(pk__in=_object_ids(of_groups)))


def _object_ids(grants: QuerySet) -> QuerySet:
    return grants.annotate(object_id=Cast("object_pk", BigIntegerField())).values("object_id")


def _membership_targets(membership: Membership) -> dict[str, object]:
    return {
        "county": membership.county,
        "department": membership.department,
        "township": membership.township,
        "village": membership.village,
        "grid": membership.grid,
    }


def permissions_of_membership(membership: Membership) -> list[tuple[str, object]]:
    """Return the ``(permission, object)`` pairs a membership implies."""
    targets = _membership_targets(membership)
    pairs = []
    for target_kind, perms in ROLE_PERMISSIONS[membership.role].items():
        target = targets[target_kind]
        if target is not None:
            pairs.extend((perm, target) for perm in perms)
    return pairs


def grant_membership_permissions(membership: Membership) -> None:
    """Assign the membership's object permissions to its user (idempotent)."""
    for perm, target in permissions_of_membership(membership):
        assign_perm(perm, membership.user, target)
    forget_unit_scope(membership.user)


def revoke_membership_permissions(membership: Membership) -> None:
    """Remove the membership's object permissions unless another membership implies them.

    Call after the membership row has been deleted.
    """
    still_implied = set()
    for other in Membership.objects.filter(user=membership.user).select_related(
        "county", "department", "township", "village", "grid"
    ):
        still_implied.update(
            (perm, type(obj), obj.pk) for perm, obj in permissions_of_membership(other)
        )
    for perm, target in permissions_of_membership(membership):
        if (perm, type(target), target.pk) not in still_implied:
            remove_perm(perm, membership.user, target)
    forget_unit_scope(membership.user)


def can_administer_county(user, county: County) -> bool:
    """True if ``user`` may manage ``county``'s organisation, users and lists."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or holds(user, "organisations.administer_county", county)


def can_arbitrate_county(user, county: County) -> bool:
    """True if ``user`` is the county office (县委编办) of ``county``."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or holds(user, "organisations.arbitrate_county", county)


def can_assess_county(user, county: County) -> bool:
    """True if ``user`` is the assessment office (县考核办) of ``county``."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or holds(user, "organisations.assess_county", county)


def can_act_as_reviewer(user, *, county_id: int, department_id: int | None) -> bool:
    """True if ``user`` is a list's reviewing unit: acts for department ``department_id``
    (a level's reviewing department, e.g. 县委社会工作部 for the village list), or, when
    it is ``None``, is the county office of county ``county_id``. No query once the
    user's scope is read."""
    if department_id is not None:
        return holds_on_pk(user, "organisations.act_for_department", Department, department_id)
    return holds_on_pk(user, "organisations.arbitrate_county", County, county_id)


def counties_visible_to(user) -> QuerySet[County]:
    """Counties whose whole lists ``user`` may read (county and department roles)."""
    if not user.is_authenticated:
        return County.objects.none()
    if user.is_superuser:
        return County.objects.all()
    return _granted_objects(user, County, "view_county_lists")


def counties_administered_by(user) -> QuerySet[County]:
    """Counties whose organisation, users and lists ``user`` may manage (county admins).

    Superusers administer every county; anonymous users none. Global (non-object)
    grants of ``administer_county`` are ignored: the right is per county.
    """
    if not user.is_authenticated:
        return County.objects.none()
    if user.is_superuser:
        return County.objects.all()
    return _granted_objects(user, County, "administer_county")


def townships_visible_to(user) -> QuerySet[Township]:
    """Townships ``user`` may see as a township user (their own unit(s) only)."""
    if not user.is_authenticated:
        return Township.objects.none()
    if user.is_superuser:
        return Township.objects.all()
    return _granted_objects(user, Township, "view_township_items")


def departments_acted_for_by(user) -> QuerySet[Department]:
    """Departments ``user`` may act for (department staff and heads)."""
    if not user.is_authenticated:
        return Department.objects.none()
    if user.is_superuser:
        return Department.objects.all()
    return _granted_objects(user, Department, "act_for_department")


def role_unit_is_valid(role: str, *, department, township, village=None, grid=None) -> bool:
    """True if the unit arguments fit ``role`` (see ``Membership``'s check constraint):
    exactly the role's kind of unit is given (none for a county role)."""
    given = {
        "department": department is not None,
        "township": township is not None,
        "village": village is not None,
        "grid": grid is not None,
    }
    for roles, field in (
        (DEPARTMENT_ROLES, "department"),
        (TOWNSHIP_ROLES, "township"),
        (VILLAGE_ROLES, "village"),
        (GRID_ROLES, "grid"),
        (COUNTY_ROLES, None),
    ):
        if role in roles:
            return all(present == (name == field) for name, present in given.items())
    return False


def unit_county_id(unit) -> int:
    """The county id of a county, department, township, village or grid (a village or
    grid reads its township once)."""
    if isinstance(unit, County):
        return unit.pk
    if isinstance(unit, Village):
        return unit.township.county_id
    if isinstance(unit, Grid):
        return unit.village.township.county_id
    return unit.county_id


def counties_arbitrated_by(user) -> QuerySet[County]:
    """Counties whose county office (县委编办) ``user`` belongs to; superusers: all."""
    if not user.is_authenticated:
        return County.objects.none()
    if user.is_superuser:
        return County.objects.all()
    return _granted_objects(user, County, "arbitrate_county")


def county_ids_visible_to(user) -> frozenset[int]:
    """Ids of ``counties_visible_to(user)``."""
    return _granted(user, County, "view_county_lists")


def county_ids_administered_by(user) -> frozenset[int]:
    """Ids of ``counties_administered_by(user)``."""
    return _granted(user, County, "administer_county")


def county_ids_arbitrated_by(user) -> frozenset[int]:
    """Ids of ``counties_arbitrated_by(user)``."""
    return _granted(user, County, "arbitrate_county")


def county_ids_assessed_by(user) -> frozenset[int]:
    """Ids of the counties whose assessment office (县考核办) ``user`` belongs to;
    superusers: all."""
    return _granted(user, County, "assess_county")


def county_ids_seen_whole_by(user) -> frozenset[int]:
    """Ids of the counties ``user`` administers or is the county office of."""
    return county_ids_administered_by(user) | county_ids_arbitrated_by(user)


def township_ids_visible_to(user) -> frozenset[int]:
    """Ids of ``townships_visible_to(user)``."""
    return _granted(user, Township, "view_township_items")


def department_ids_acted_for_by(user) -> frozenset[int]:
    """Ids of ``departments_acted_for_by(user)``."""
    return _granted(user, Department, "act_for_department")


def village_ids_visible_to(user) -> frozenset[int]:
    """Ids of the villages (村/社区) whose items ``user`` reads as a village user."""
    return _granted(user, Village, "view_village_items")


def village_ids_acted_for_by(user) -> frozenset[int]:
    """Ids of the villages ``user`` may act for (report off-list demands): their
    secretaries and directors."""
    return _granted(user, Village, "act_for_village")


def grid_ids_visible_to(user) -> frozenset[int]:
    """Ids of the grids whose items ``user`` reads as a grid worker (网格员)."""
    return _granted(user, Grid, "view_grid_items")


def village_places_visible_to(user) -> dict[int, Place]:
    """``{village id: Place}`` of the villages whose items ``user`` reads as a village
    user (one query at most, kept with the user's scope). Empty for anonymous users and
    superusers: a superuser reads every county whole (``county_ids_visible_to``)."""
    return _places_of(user, Village, "view_village_items")


def grid_places_visible_to(user) -> dict[int, Place]:
    """``{grid id: Place of its village}`` of the grids whose items ``user`` reads as a
    grid worker (one query at most, kept with the user's scope). Empty for anonymous
    users and superusers, as ``village_places_visible_to``."""
    return _places_of(user, Grid, "view_grid_items")


def _places_of(user, model, codename: str) -> dict[int, Place]:
    if not user.is_authenticated or user.is_superuser:
        return {}
    return unit_scope(user).places_of(model, codename)


def township_counties_visible_to(user) -> dict[int, int]:
    """``{township id: county id}`` of ``townships_visible_to(user)`` (one query at most,
    kept with the user's scope)."""
    return _counties_of(user, Township, "view_township_items")


def department_counties_acted_for_by(user) -> dict[int, int]:
    """``{department id: county id}`` of ``departments_acted_for_by(user)`` (one query at
    most, kept with the user's scope)."""
    return _counties_of(user, Department, "act_for_department")


def _counties_of(user, model, codename: str) -> dict[int, int]:
    if not user.is_authenticated:
        return {}
    scope = unit_scope(user)
    if user.is_superuser:
        return scope.counties_of_all(model)
    return scope.counties_of(model, codename)


def can_unlock_user(actor, user) -> bool:
    """Whether ``actor`` may lift the login lockout of ``user``: a superuser always; a
    county administrator for a non-superuser all of whose roles lie in counties they
    administer (the rule for editing that user in the admin)."""
    if actor.is_superuser:
        return True
    if user.is_superuser:
        return False
    county_ids = county_ids_administered_by(actor)
    user_county_ids = set(user.memberships.values_list("county_id", flat=True))
    return bool(user_county_ids) and user_county_ids <= county_ids


def region_county_ids_viewed_by(user) -> frozenset[int]:
    """Ids of the counties of every region whose statistics ``user`` reads as a
    市(省)级查看人员 (``RegionMembership``); one query, kept on the user object like its
    unit scope. Empty for anonymous and inactive users."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    kept = user.__dict__.get(_REGION_ATTRIBUTE)
    if kept is None:
        kept = frozenset(
            Region.counties.through.objects.filter(region__memberships__user=user.pk).values_list(
                "county_id", flat=True
            )
        )
        user.__dict__[_REGION_ATTRIBUTE] = kept
    return kept


_REGION_ATTRIBUTE = "_qingdan_region_counties"


def forget_region_scope(user) -> None:
    """Drop the region counties kept on ``user`` (after its region memberships changed)."""
    user.__dict__.pop(_REGION_ATTRIBUTE, None)


def is_region_viewer(user) -> bool:
    """True if ``user`` holds a region membership (one query)."""
    return user.is_authenticated and RegionMembership.objects.filter(user=user.pk).exists()
