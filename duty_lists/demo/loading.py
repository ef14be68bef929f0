"""Loading the demo files into the database, through the services real data uses."""

import datetime
import functools
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
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
from ..columns import parse_cooperation
from ..importing import ImportRefused, lists_import
from ..importing.columns import CellError
from ..importing.columns import parse_date as parse_cell_date
from ..importing.reading import UnreadableWorkbook, open_workbook, read_sheets
from ..models import Category, DutyItem, DutyType, ItemKind, PrimaryResponsibility
from .files import (
    AMEND,
    CHANGE_COLUMNS,
    CHANGES_FILE,
    IMPORT_REASON,
    LISTS_FILE_SUFFIX,
    NAME_SEPARATOR,
    ORGANISATIONS_FILE,
    USER_COLUMNS,
    USERS_FILE,
    WITHDRAW,
    Change,
    DemoDataError,
    Line,
    check_unique,
    group_changes,
    parse_choice,
    parse_date,
    read_lines,
)

DEMO_PASSWORD = "qingdan-demo"  # noqa: S105 - the published demo password (README)
ALL_UNITS = "全部"
APPLICABILITY = "适用范围"
# Item columns holding a model field's text as it is.
TEXT_COLUMNS = {
    "事项名称": "title",
    "部门职责": "department_responsibilities",
    "属地职责": "local_responsibilities",
    "实施依据": "basis",
    "追责情形": "accountability",
    "免责情形": "exemption",
    "工作要求/时限": "work_requirements",
    "经费来源": "funding_source",
    "人员保障": "staffing",
    "装备保障": "equipment",
    "备注": "remarks",
    "指导目录编码": "guidance_code",
}
# Item columns that are arguments of their own in the services, not model fields.
RELATION_KEYS = ("townships", "villages", "cooperations")
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


def _list_files(directory: Path) -> list[Path]:
    """The counties' lists files of ``directory`` ("<县名>三张清单.xlsx"), by name."""
    files = sorted(directory.glob(f"*{LISTS_FILE_SUFFIX}"))
    if not files:
        raise DemoDataError(directory / f"<县名>{LISTS_FILE_SUFFIX}", None, "找不到清单文件。")
    return files


def _item_dates(list_files: list[Path]) -> dict[tuple[str, str], datetime.date]:
    """(县名, 事项编码) → 生效日期 of every item of the lists files (no database needed;
    the import checks the files in full). Raises ``DemoDataError`` for an unreadable
    file or a bad date."""
    dates = {}
    for path in list_files:
        county = path.name.removesuffix(LISTS_FILE_SUFFIX)
        try:
            workbook = open_workbook(path.read_bytes(), path.name)
        except UnreadableWorkbook as error:
            raise DemoDataError(path, None, str(error)) from None
        for sheet in read_sheets(workbook, []):
            for row in sheet.rows:
                code, date = row.cells.get("code"), row.cells.get("effective_date")
                if code is None or date is None or not date.text:
                    continue
                try:
                    dates[county, code.text] = parse_cell_date(date.value)
                except CellError as error:
                    message = f"工作表“{sheet.name}”第 {row.number} 行：{error}"
                    raise DemoDataError(path, None, message) from None
        workbook.close()
    return dates


def demo_directory() -> Path:
    """The folder holding the demo files: ``fixtures/demo`` of the project."""
    return Path(settings.BASE_DIR) / "fixtures" / "demo"


def demo_load(*, directory: Path | None = None) -> DemoReport:
    """Load the demo counties from ``directory`` (default ``demo_directory()``).

    Returns a ``DemoReport``. Raises ``DemoDataError`` naming the file and line (or
    sheet, row and column) of a bad line, or ``CommandError`` if ``import_orgs`` rejects
    the organisation file; nothing is written then.
    Changes: organisation units, users and their memberships, the lists imported from
    each county's lists file through ``lists_import`` and their items' dated history
    records, all with the reason "演示数据导入", in one transaction.
    """
    directory = Path(directory or demo_directory())
    user_lines = read_lines(directory / USERS_FILE, USER_COLUMNS)
    check_unique(user_lines, "用户名")
    list_files = _list_files(directory)
    change_lines = read_lines(directory / CHANGES_FILE, CHANGE_COLUMNS)
    changes = group_changes(change_lines, _item_dates(list_files))
    report = DemoReport()
    with transaction.atomic():
        organisations = io.StringIO()
        call_command("import_orgs", str(directory / ORGANISATIONS_FILE), stdout=organisations)
        report.organisations = organisations.getvalue()
        # Every line is resolved against the tree before the first user or item is written.
        units = Units()
        users = [_user_spec(line, units) for line in user_lines]
        usernames = {line["用户名"] for line in user_lines}
        for change in changes:
            _resolve_change(change, units, usernames)
        for spec in users:
            _write_user(spec, report)
        for path in list_files:
            _import_lists(path, report)
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
        self._categories: dict[int, dict[str, Category]] = {}

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

    def category(self, line: Line, column: str, county: County, text: str) -> Category:
        """The county's category by name ("一级／二级" for a sub-category) or code; the
        county gets its default categories first when it has none."""
        if county.pk not in self._categories:
            services.category_seed_defaults(county)
            found = {}
            for category in Category.objects.filter(county=county).select_related("parent"):
                found[category.code] = category
                found.setdefault(category.full_name, category)
            self._categories[county.pk] = found
        category = self._categories[county.pk].get(text)
        if category is None:
            raise line.error(f"{column}“{text}”不是{county.name}的领域类别（名称或代码）。")
        return category

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
        """``None`` for 全部, else the named townships (names or codes joined by 、;
        none for an empty cell)."""
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
    ``applies_to_all`` and ``townships``, 适用村(社区) ``villages``, 协同部门(及职责)
    ``cooperations`` (pairs of department and duties). Raises ``DemoDataError`` for a
    bad value."""
    if column in TEXT_COLUMNS:
        return {TEXT_COLUMNS[column]: text}
    if column == "事项类型":
        return {"item_kind": parse_choice(line, column, ItemKind, text) if text else ItemKind.DUTY}
    if column == "领域类别":
        return {"category": units.category(line, column, county, text)}
    if column == "履职类型":
        return {"duty_type": parse_choice(line, column, DutyType, text)}
    if column == "主体责任":
        value = parse_choice(line, column, PrimaryResponsibility, text) if text else ""
        return {"primary_responsibility": value}
    if column == "牵头部门":
        return {"lead_department": units.department(line, column, county, text)}
    if column == "协同部门(及职责)":
        try:
            pairs = parse_cooperation(text)
        except ValueError as error:
            raise line.error(f"{column}：{error}") from None
        return {
            "cooperations": [
                (units.department(line, column, county, name), duties) for name, duties in pairs
            ]
        }
    if column == "经费金额(万元)":
        return {"funding_amount": parse_amount(line, column, text)}
    if column == "生效日期":
        return {"effective_date": parse_date(line, column, text)}
    if column == "有效期至":
        return {"expires_on": parse_date(line, column, text) if text else None}
    if column == "适用村(社区)":
        names = dict.fromkeys(name.strip() for name in text.split(NAME_SEPARATOR))
        return {"villages": [units.village(line, column, county, name) for name in names if name]}
    if column == "村(社区)类型":
        return {"village_kind": parse_choice(line, column, Village.Kind, text) if text else ""}
    townships = units.applicability(line, column, county, text)
    return {"applies_to_all": townships is None, "townships": townships or []}


def parse_amount(line: Line, column: str, text: str) -> Decimal | None:
    """An amount in 万元 (empty: none). Raises ``DemoDataError`` when it is no number."""
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise line.error(f"{column}“{text}”不是数字。") from None
    if not amount.is_finite() or amount < 0:
        raise line.error(f"{column}“{text}”应为不小于 0 的数字。")
    return amount


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


def _demo_password_hash() -> str:
    """``DEMO_PASSWORD`` hashed once for all the demo logins (per hasher setting)."""
    return _password_hash(DEMO_PASSWORD, tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _password_hash(password: str, hashers: tuple) -> str:
    return make_password(password)


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
            password=None,
            password_hash=_demo_password_hash(),
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


def _import_lists(path: Path, report: DemoReport) -> None:
    """Import a county's lists file through ``lists_import``, unless the county's lists
    already hold items (a rerun: the demo's later changes must stay); then date each new
    history record to its item's 生效日期."""
    county_name = path.name.removesuffix(LISTS_FILE_SUFFIX)
    county = County.objects.filter(name=county_name).first()
    if county is None:
        raise DemoDataError(path, None, f"{ORGANISATIONS_FILE} 中没有“{county_name}”。")
    content = path.read_bytes()
    if DutyItem.objects.filter(duty_list__county=county).exists():
        report.items_existing += sum(len(codes) for codes in _codes(content, path))
        return
    try:
        result = lists_import(
            actor=None,
            county=county,
            content=content,
            file_name=path.name,
            effective_date=timezone.localdate(),
            reason=IMPORT_REASON,
        )
    except ImportRefused as refused:
        raise DemoDataError(path, None, str(refused)) from None
    added = [spec for plan in result.lists for spec in plan.added]
    report.items_created += len(added)
    by_date: dict[datetime.date, list[str]] = {}
    for spec in added:
        by_date.setdefault(spec.effective_date or timezone.localdate(), []).append(spec.code)
    for day, codes in by_date.items():
        DutyItem.history.filter(duty_list__county=county, code__in=codes, history_type="+").update(
            history_date=_moment(day, CREATED_AT)
        )


def _codes(content: bytes, path: Path) -> list[set[str]]:
    """The codes of each sheet of a lists file (no database needed)."""
    workbook = open_workbook(content, path.name)
    try:
        return [
            {row.cells["code"].text for row in sheet.rows if "code" in row.cells}
            for sheet in read_sheets(workbook, [])
        ]
    finally:
        workbook.close()


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
        relations = {key: values.pop(key) for key in RELATION_KEYS if key in values}
        _call(
            first,
            services.duty_item_amend,
            actor=actor,
            item=item,
            reason=change.history_reason,
            **relations,
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
