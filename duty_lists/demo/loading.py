"""Loading the demo files into the database, through the services real data uses."""

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organisations import services as org_services
from organisations.models import (
    COUNTY_ROLES,
    DEPARTMENT_ROLES,
    GRID_ROLES,
    VILLAGE_ROLES,
    County,
    Department,
    Grid,
    Membership,
    Role,
    Township,
    User,
    Village,
)

from .. import services
from ..models import LEVEL_CODE_PREFIX, Category, DutyItem, DutyType, Level
from .files import (
    AMEND,
    CHANGE_COLUMNS,
    CHANGES_FILE,
    FIELD_COLUMNS,
    IMPORT_REASON,
    ITEM_COLUMNS,
    ITEMS_FILE,
    NAME_SEPARATOR,
    ORGANISATIONS_FILE,
    USER_COLUMNS,
    USERS_FILE,
    WITHDRAW,
    Change,
    Line,
    check_unique,
    group_changes,
    parse_choice,
    parse_date,
    read_lines,
)

DEMO_PASSWORD = "qingdan-demo"  # noqa: S105 - the published demo password (README)
ALL_UNITS = "全部"
# Item columns holding a model field's text as it is.
TEXT_COLUMNS = {
    "事项名称": "title",
    "部门职责": "department_responsibilities",
    "配合职责": "local_responsibilities",
    "实施依据": "basis",
    "配套资源": "resources",
}
# The files give days; history records get these times of day (project time zone).
CREATED_AT, CHANGED_AT = datetime.time(9, 0), datetime.time(15, 0)


@dataclass(frozen=True)
class Login:
    """A demo login as printed at the end of the load."""

    username: str
    display_name: str
    role: str
    unit: str


@dataclass
class DemoReport:
    """What ``demo_load`` did: created and already-present counts, and the demo logins."""

    users_created: int = 0
    users_existing: int = 0
    items_created: int = 0
    items_existing: int = 0
    changes_applied: int = 0
    changes_existing: int = 0
    logins: list[Login] = field(default_factory=list)
    # ``import_orgs``' report (counts per kind), shown once the whole load has succeeded.
    organisations: str = ""


def demo_directory() -> Path:
    """The folder holding the demo files: ``fixtures/demo`` of the project."""
    return Path(settings.BASE_DIR) / "fixtures" / "demo"


def demo_load(*, directory: Path | None = None) -> DemoReport:
    """Load the demo counties from ``directory`` (default ``demo_directory()``).

    Returns a ``DemoReport``. Raises ``DemoDataError`` naming the file and line of a bad
    line, or ``CommandError`` if ``import_orgs`` rejects the organisation file; nothing
    is written then.
    Changes: organisation units, users and their memberships, items and their dated
    history records, all with the reason "演示数据导入", in one transaction.
    """
    directory = Path(directory or demo_directory())
    user_lines = read_lines(directory / USERS_FILE, USER_COLUMNS)
    check_unique(user_lines, "用户名")
    item_lines = read_lines(directory / ITEMS_FILE, ITEM_COLUMNS)
    check_unique(item_lines, "所属县", "事项编码")
    change_lines = read_lines(directory / CHANGES_FILE, CHANGE_COLUMNS)
    changes = group_changes(change_lines, item_lines)
    report = DemoReport()
    with transaction.atomic():
        organisations = io.StringIO()
        call_command("import_orgs", str(directory / ORGANISATIONS_FILE), stdout=organisations)
        report.organisations = organisations.getvalue()
        # Every line is resolved against the tree before the first user or item is written.
        units = Units()
        users = [_user_spec(line, units) for line in user_lines]
        items = [_item_spec(line, units) for line in item_lines]
        usernames = {line["用户名"] for line in user_lines}
        for change in changes:
            _resolve_change(change, units, usernames)
        for spec in users:
            _write_user(spec, report)
        for spec in items:
            _write_item(spec, report)
        for change in changes:
            _write_change(change, report)
    return report


class Units:
    """Counties, and their departments and townships by code or name, cached per county
    (villages and grids looked up by code or name, one query each).

    Each lookup raises ``DemoDataError`` naming the line when the unit is unknown.
    """

    def __init__(self):
        self._counties: dict[str, County] = {}
        self._departments: dict[int, dict[str, Department]] = {}
        self._townships: dict[int, dict[str, Township]] = {}

    def county(self, line: Line) -> County:
        text = line["所属县"]
        if text not in self._counties:
            matches = list(County.objects.filter(Q(code=text) | Q(name=text))[:2])
            if len(matches) != 1:
                why = "有多个同名的县，请填写编码" if matches else f"{ORGANISATIONS_FILE} 中没有"
                raise line.error(f"所属县“{text}”无法确定：{why}。")
            county = matches[0]
            self._counties[text] = county
            self._departments[county.pk] = _by_code_and_name(county.departments.all())
            self._townships[county.pk] = _by_code_and_name(county.townships.all())
        return self._counties[text]

    def department(self, line: Line, column: str, county: County, text: str) -> Department:
        department = self._departments[county.pk].get(text)
        if department is None:
            raise line.error(f"{column}“{text}”不是{county.name}的部门（名称或编码）。")
        return department

    def village(self, line: Line, column: str, county: County, text: str) -> Village:
        """The county's village (村/社区) named or coded ``text``."""
        found = Village.objects.filter(township__county=county).filter(Q(code=text) | Q(name=text))
        return self._one(line, column, county, text, list(found[:2]), "村(社区)")

    def grid(self, line: Line, column: str, county: County, text: str) -> Grid:
        """The county's grid named or coded ``text``."""
        found = Grid.objects.filter(village__township__county=county).filter(
            Q(code=text) | Q(name=text)
        )
        return self._one(line, column, county, text, list(found[:2]), "网格")

    @staticmethod
    def _one(line: Line, column: str, county: County, text: str, matches: list, kind: str):
        if len(matches) != 1:
            why = "有多个同名单位，请填写编码" if matches else f"不是{county.name}的{kind}"
            raise line.error(f"{column}“{text}”无法确定：{why}（名称或编码）。")
        return matches[0]

    def township(self, line: Line, column: str, county: County, text: str) -> Township:
        township = self._townships[county.pk].get(text)
        if township is None:
            raise line.error(f"{column}“{text}”不是{county.name}的乡镇(街道)（名称或编码）。")
        return township

    def applicability(self, line: Line, column: str, county: County, text: str):
        """``None`` for 全部, else the named townships (names or codes joined by 、)."""
        if text == ALL_UNITS:
            return None
        names = dict.fromkeys(name.strip() for name in text.split(NAME_SEPARATOR))
        return [self.township(line, column, county, name) for name in names if name]


def _by_code_and_name(units) -> dict:
    found = {}
    for unit in units:
        found[unit.code] = unit
        found.setdefault(unit.name, unit)
    return found


@dataclass
class _UserSpec:
    line: Line
    role: str
    county: County
    department: Department | None
    township: Township | None
    village: Village | None = None
    grid: Grid | None = None

    @property
    def units(self) -> dict:
        """The membership's unit arguments."""
        return {
            "department": self.department,
            "township": self.township,
            "village": self.village,
            "grid": self.grid,
        }

    @property
    def unit_names(self) -> list[str]:
        """The names from the county down to the user's unit."""
        if self.grid is not None:
            units = [self.grid.village.township, self.grid]
        elif self.village is not None:
            units = [self.village.township, self.village]
        else:
            units = [self.department or self.township]
        return [self.county.name, *(unit.name for unit in units if unit is not None)]


@dataclass
class _ItemSpec:
    line: Line
    county: County
    level: str
    fields: dict
    townships: list[Township]


def _user_spec(line: Line, units: Units) -> _UserSpec:
    role = parse_choice(line, "角色", Role)
    county = units.county(line)
    unit = line["单位"]
    department = township = None
    if role in DEPARTMENT_ROLES:
        department = units.department(line, "单位", county, unit)
    elif role in COUNTY_ROLES:
        if unit not in ("", county.name, county.code, county.office_display_name):
            raise line.error(f"单位“{unit}”无效：{Role(role).label}的单位是县本身，请留空。")
    elif role in VILLAGE_ROLES:
        return _UserSpec(
            line, role, county, None, None, village=units.village(line, "单位", county, unit)
        )
    elif role in GRID_ROLES:
        return _UserSpec(
            line, role, county, None, None, grid=units.grid(line, "单位", county, unit)
        )
    else:
        township = units.township(line, "单位", county, unit)
    return _UserSpec(line, role, county, department, township)


def field_values(line: Line, column: str, text: str, units: Units, county: County) -> dict:
    """Model field values for one item column (``FIELD_COLUMNS``); 适用范围 gives
    ``applies_to_all`` and ``townships``. Raises ``DemoDataError`` for a bad value."""
    if column in TEXT_COLUMNS:
        return {TEXT_COLUMNS[column]: text}
    if column == "领域类别":
        return {"category": parse_choice(line, column, Category, text)}
    if column == "履职类型":
        return {"duty_type": parse_choice(line, column, DutyType, text)}
    if column == "牵头部门":
        return {"lead_department": units.department(line, column, county, text)}
    if column == "生效日期":
        return {"effective_date": parse_date(line, column, text)}
    townships = units.applicability(line, column, county, text)
    return {"applies_to_all": townships is None, "townships": townships or []}


def _item_spec(line: Line, units: Units) -> _ItemSpec:
    county = units.county(line)
    level = parse_choice(line, "清单层级", Level)
    code = line["事项编码"]
    prefix = f"{LEVEL_CODE_PREFIX[Level(level)]}-"
    if not code.startswith(prefix):
        raise line.error(f"事项编码“{code}”应以 {prefix} 开头（{Level(level).label}清单）。")
    values = {"code": code}
    for column in FIELD_COLUMNS:
        values.update(field_values(line, column, line[column], units, county))
    townships = values.pop("townships")
    return _ItemSpec(line, county, level, values, townships)


def _resolve_change(change: Change, units: Units, usernames: set[str]) -> None:
    """Check a change against the tree and the users; keep its field values on it."""
    first = change.lines[0]
    change.county_unit = units.county(first)
    operator = change.operator
    is_known = operator in usernames or User.objects.filter(username=operator).exists()
    if operator and not is_known:
        raise first.error(f"操作人“{operator}”不是 {USERS_FILE} 中的用户。")
    if change.kind == AMEND:
        for line in change.lines:
            change.values.update(
                field_values(line, line["变更字段"], line["新值"], units, change.county_unit)
            )


def _write_user(spec: _UserSpec, report: DemoReport) -> None:
    username = spec.line["用户名"]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = _call(
            spec.line,
            org_services.user_create,
            actor=None,
            county=spec.county,
            username=username,
            display_name=spec.line["姓名"],
            password=DEMO_PASSWORD,
        )
        report.users_created += 1
    else:
        report.users_existing += 1
    unit = spec.units
    if not Membership.objects.filter(
        user=user, role=spec.role, county=spec.county, **unit
    ).exists():
        _call(
            spec.line,
            org_services.membership_grant,
            actor=None,
            user=user,
            role=spec.role,
            county=spec.county,
            reason=IMPORT_REASON,
            **unit,
        )
    if spec.role == Role.COUNTY_OFFICE:
        unit_name = spec.county.office_display_name
    else:
        unit_name = " ".join(spec.unit_names)
    report.logins.append(Login(username, user.display_name, Role(spec.role).label, unit_name))


def _write_item(spec: _ItemSpec, report: DemoReport) -> None:
    duty_list = services.duty_list_for(spec.county, spec.level)
    if DutyItem.objects.filter(duty_list=duty_list, code=spec.fields["code"]).exists():
        report.items_existing += 1
        return
    item = _call(
        spec.line,
        services.duty_item_create,
        actor=None,
        duty_list=duty_list,
        reason=IMPORT_REASON,
        townships=spec.townships,
        **spec.fields,
    )
    _date_latest_record(item, spec.fields["effective_date"], CREATED_AT)
    report.items_created += 1


def _write_change(change: Change, report: DemoReport) -> None:
    first = change.lines[0]
    item = DutyItem.objects.get(duty_list__county=change.county_unit, code=change.code)
    if item.history.filter(history_change_reason=change.history_reason).exists():
        report.changes_existing += 1
        return
    # A change dated before the item's newest record would rewrite the past.
    newest = item.history.order_by("-history_date").values_list("history_date", flat=True)
    if newest[0] > _moment(change.date, CHANGED_AT):
        raise first.error(
            f"变更日期 {change.date} 早于该事项已有的最新历史记录，无法按日期补记；"
            "新的变更请写在已有变更之后。"
        )
    actor = User.objects.get(username=change.operator) if change.operator else None
    if change.kind == WITHDRAW:
        _call(
            first,
            services.duty_item_withdraw,
            actor=actor,
            item=item,
            reason=change.history_reason,
            withdrawn_date=change.date,
        )
    else:
        values = dict(change.values)
        _call(
            first,
            services.duty_item_amend,
            actor=actor,
            item=item,
            reason=change.history_reason,
            townships=values.pop("townships", None),
            **values,
        )
    _date_latest_record(item, change.date, CHANGED_AT)
    report.changes_applied += 1


def _call(line: Line, service, **kwargs):
    """Run a service; turn its refusal into a ``DemoDataError`` naming the line."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        raise line.error("；".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise line.error(f"操作人无权进行此操作：{exc}") from None


def _moment(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """``day`` at ``at`` in the project time zone, never later than now."""
    moment = datetime.datetime.combine(day, at, tzinfo=timezone.get_default_timezone())
    return min(moment, timezone.now())


def _date_latest_record(item: DutyItem, day: datetime.date, at: datetime.time) -> None:
    """Date the item's newest history record (just written by a service) to ``day``."""
    newest = item.history.order_by("-history_id").values_list("history_id", flat=True)[:1]
    DutyItem.history.filter(history_id__in=list(newest)).update(history_date=_moment(day, at))
