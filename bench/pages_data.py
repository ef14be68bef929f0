"""The province-scale data set of ``bench_pages.py``: Zhejiang's 90 counties and 1,387
townships (real names and codes), and everything the measured pages read.

At full scale (``build(counties=90)``):

- 90 counties, 35 departments each (3,150), 1,387 townships, 20,639 villages, 61,917
  grids (three per village); village and grid names are synthetic;
- per county a county office user and a county administrator, per department a staff
  member and a head, per township a head and a staff member (9,254 users), each with
  the membership, group and django-guardian object permissions that
  ``organisations.services.membership_grant`` gives (taken from
  ``organisations.permissions.permissions_of_membership``, so they cannot drift);
- the three lists of every county with 24,384 items in all and 85,370 history records
  over the last three years (items added, amended, some withdrawn; about a
  third apply to named townships only, and some amendments change that);
- change requests and off-list reports in every state, filed and advanced through the
  workflow services as the users themselves (``pages_flows``), so their tasks are
  genuine viewflow tasks;
- one published evaluation round per county in which every township rates every
  department and every department every township (35 × 1,387 × 2 = 97,090 score
  sheets), with base scores, and results computed by the close step's own code
  (``evaluation.round_services.round_results_store``); and this year's round of the
  bench county, opened through ``evaluation_round_open`` (its sheet tasks and timers).

Everything except the workflow, the indicator sets and the results is written with
``bulk_create`` (exactly 24,384 items and 85,370 history records, those the workflow
publishes included); a smaller scale (``counties=N``) takes the first N counties of the
file, with villages, items and history records in proportion. The measured users work
in the "bench county": the selected county with the most townships (青田县, 32 townships,
at full scale).
"""

import csv
import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .bench_import_orgs import DEPARTMENT_NAMES

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
COUNTIES_FILE = "zhejiang_counties.csv"
TOWNSHIPS_FILE = "zhejiang_townships.csv"

# Zhejiang, from issue 8: the figures the full scale reproduces.
FULL_COUNTIES = 90
FULL_TOWNSHIPS = 1387
FULL_VILLAGES = 20_639
GRIDS_PER_VILLAGE = 3
FULL_ITEMS = 24_384
FULL_HISTORY = 85_370
DEPARTMENTS_PER_COUNTY = 35
# Share of the items of a county on each list (township lists are the longest).
LEVEL_SHARES = (("township", 0.55), ("village", 0.30), ("grid", 0.15))
NAMED_TOWNSHIP_SHARE = 0.33
WITHDRAWN_SHARE = 0.08
HISTORY_YEARS = 3
# A few departments lead most items (住建局, 应急管理局 …): weight of the n-th department.
LEAD_WEIGHTS = [1 / (n + 1) ** 0.8 for n in range(DEPARTMENTS_PER_COUNTY)]
BATCH = 2000

# The single password of every user of the data set (a throwaway local database).
PASSWORD = "qingdan-bench-pages"  # noqa: S105

TOPICS = [
    "安全生产检查", "燃气安全隐患排查", "自建房安全排查", "河道保洁", "垃圾分类督导",
    "森林防火巡查", "农村饮用水安全", "食品安全协管", "流动人口登记", "退役军人走访慰问",
    "防汛防台", "地质灾害隐患巡查", "耕地保护巡查", "违法建筑巡查", "消防安全宣传",
    "学生安全教育", "独居老人探访", "残疾人两项补贴初审", "低保对象入户调查", "医保参保动员",
    "征兵宣传", "农业面源污染治理", "畜禽养殖污染巡查", "工地扬尘巡查", "电动自行车充电安全",
    "校园周边环境整治", "文明城市创建", "殡葬改革宣传", "矛盾纠纷排查化解", "农房建设监管",
]  # fmt: skip
ACTIONS = ["配合开展", "协助做好", "组织实施", "负责", "督促落实"]
LAWS = [
    "《中华人民共和国安全生产法》", "《浙江省安全生产条例》", "《中华人民共和国消防法》",
    "《中华人民共和国防洪法》", "《地质灾害防治条例》", "《浙江省河长制规定》",
    "《中华人民共和国食品安全法》", "《社会救助暂行办法》", "《城镇燃气管理条例》",
    "《浙江省生活垃圾管理条例》", "《中华人民共和国土地管理法》", "《森林防火条例》",
]  # fmt: skip
PLACE = "青石白云清河东山西湖南溪北岭金竹桃源龙泉凤凰杨梅新塘古城双桥柳岸花园松林荷塘"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红丹建国文辉斌宁波"


@dataclass(frozen=True)
class Division:
    """A county of the divisions file with its townships ``(code, name)``."""

    code: str
    name: str
    townships: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Scale:
    """How much a build writes; ``Scale.of(divisions)`` scales Zhejiang's figures."""

    counties: int
    townships: int
    villages: int
    items: int
    history: int

    @classmethod
    def of(cls, divisions: list[Division]) -> "Scale":
        counties = len(divisions)
        townships = sum(len(d.townships) for d in divisions)
        return cls(
            counties=counties,
            townships=townships,
            villages=round(FULL_VILLAGES * townships / FULL_TOWNSHIPS),
            items=round(FULL_ITEMS * counties / FULL_COUNTIES),
            history=round(FULL_HISTORY * counties / FULL_COUNTIES),
        )


def read_divisions(data_dir: Path, counties: int) -> list[Division]:
    """The first ``counties`` counties of the divisions files (file order) with their
    townships. Raises ``FileNotFoundError`` naming a missing file, ``ValueError`` for
    more counties than the file holds."""
    with open(Path(data_dir) / COUNTIES_FILE, encoding="utf-8-sig", newline="") as handle:
        county_rows = list(csv.DictReader(handle))
    if counties > len(county_rows):
        raise ValueError(f"{COUNTIES_FILE} holds {len(county_rows)} counties, not {counties}")
    with open(Path(data_dir) / TOWNSHIPS_FILE, encoding="utf-8-sig", newline="") as handle:
        township_rows = list(csv.DictReader(handle))
    by_county: dict[str, list[tuple[str, str]]] = {}
    for row in township_rows:
        by_county.setdefault(row["areaCode"], []).append((row["code"], row["name"]))
    return [
        Division(row["code"], row["name"], tuple(sorted(by_county.get(row["code"], []))))
        for row in county_rows[:counties]
    ]


def spread(total: int, parts: int) -> list[int]:
    """``parts`` near-equal integers adding up to ``total``."""
    return [(i + 1) * total // parts - i * total // parts for i in range(parts)]


def township_kind(name: str) -> str:
    """The ``Township.Kind`` value a name implies (开发区, 农场 … count as 街道)."""
    if name.endswith("镇"):
        return "town"
    if name.endswith("乡"):
        return "township"
    return "subdistrict"


def person_name(n: int) -> str:
    """A deterministic Chinese personal name."""
    given = GIVEN[n % len(GIVEN)] + GIVEN[(n * 7 + 3) % len(GIVEN)]
    return SURNAMES[(n // len(GIVEN)) % len(SURNAMES)] + given[: 1 + n % 2]


# Usernames of the measured roles, derived from the unit codes.
def office_username(county_code: str) -> str:
    return f"office-{county_code}"


def admin_username(county_code: str) -> str:
    return f"admin-{county_code}"


def department_username(department_code: str, head: bool = False) -> str:
    return f"{'dhead' if head else 'dstaff'}-{department_code}"


def township_username(township_code: str, head: bool = True) -> str:
    return f"{'thead' if head else 'tstaff'}-{township_code}"


def department_code(county_code: str, number: int) -> str:
    return f"{county_code}-D{number:02d}"


def bench_county_code(divisions: list[Division]) -> str:
    """The county whose users are measured: the one with the most townships."""
    return max(divisions, key=lambda d: (len(d.townships), -int(d.code))).code


@dataclass(frozen=True)
class _Version:
    """One history record of an item to be written."""

    when: datetime.datetime
    history_type: str
    reason: str
    fields: dict
    applies_to_all: bool
    named: tuple[int, ...]


@dataclass
class _ItemPlan:
    """An item's versions, oldest first; the item row is the last one."""

    versions: list[_Version]
    recorded_by: object
    townships: list
    topic: str

    @property
    def current(self) -> _Version:
        return self.versions[-1]


class Builder:
    """Writes one data set; ``run`` returns the seconds each part took."""

    def __init__(self, divisions: list[Division], *, seed: int, flows, progress=print):
        self.divisions = divisions
        self.scale = Scale.of(divisions)
        self.rng = random.Random(seed)
        self.flows = flows
        self.progress = progress
        self.bench_code = bench_county_code(divisions)

    def run(self) -> dict[str, float]:
        from . import pages_flows, pages_rounds

        timings = {}
        for name, step in (
            ("organisation", self.build_organisation),
            ("users", self.build_users),
            ("lists", self.build_lists),
            ("flows", lambda: pages_flows.run_flows(self, self.flows)),
            ("evaluation", lambda: pages_rounds.build_rounds(self)),
        ):
            started = time.perf_counter()
            step()
            timings[name] = time.perf_counter() - started
            self.progress(f"  {name}: {timings[name]:.1f} s")
        return timings

    # -- organisation ---------------------------------------------------------

    def build_organisation(self) -> None:
        from django.db import transaction

        from organisations.models import County, Department, Grid, Township, Village

        with transaction.atomic():
            self.counties = County.objects.bulk_create(
                County(code=d.code, name=d.name) for d in self.divisions
            )
            self.departments = Department.objects.bulk_create(
                (
                    Department(
                        county=county,
                        code=department_code(county.code, number),
                        name=DEPARTMENT_NAMES[number - 1],
                    )
                    for county in self.counties
                    for number in range(1, DEPARTMENTS_PER_COUNTY + 1)
                ),
                batch_size=BATCH,
            )
            by_code = {county.code: county for county in self.counties}
            self.townships = Township.objects.bulk_create(
                (
                    Township(county=by_code[d.code], code=code, name=name, kind=township_kind(name))
                    for d in self.divisions
                    for code, name in d.townships
                ),
                batch_size=BATCH,
            )
            counts = spread(self.scale.villages, len(self.townships))
            villages = []
            for township, count in zip(self.townships, counts, strict=True):
                community = township.kind == Township.Kind.SUBDISTRICT
                for number in range(1, count + 1):
                    n = len(villages)
                    name = PLACE[n % len(PLACE)] + PLACE[(n // len(PLACE) + 5 * n) % len(PLACE)]
                    villages.append(
                        Village(
                            township=township,
                            code=f"{township.code}{number:03d}",
                            name=f"{name}{'社区' if community else '村'}",
                            kind=Village.Kind.COMMUNITY if community else Village.Kind.VILLAGE,
                        )
                    )
            villages = Village.objects.bulk_create(villages, batch_size=BATCH)
            Grid.objects.bulk_create(
                (
                    Grid(village=village, code=f"{village.code}-{g:02d}", name=f"第{g}网格")
                    for village in villages
                    for g in range(1, GRIDS_PER_VILLAGE + 1)
                ),
                batch_size=BATCH,
            )
        self.departments_of = {county.pk: [] for county in self.counties}
        for department in self.departments:
            self.departments_of[department.county_id].append(department)
        self.townships_of = {county.pk: [] for county in self.counties}
        for township in self.townships:
            self.townships_of[township.county_id].append(township)
        self.bench_county = by_code[self.bench_code]

    # -- users ----------------------------------------------------------------

    def build_users(self) -> None:
        """Users, memberships, groups and guardian grants as ``membership_grant`` writes
        them (one user per role and unit)."""
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType
        from django.db import transaction
        from guardian.utils import get_user_obj_perms_model

        from organisations.models import Membership, Role, User
        from organisations.permissions import permissions_of_membership
        from organisations.services import role_group

        password = make_password(PASSWORD)
        specs = []  # (username, role, county, department, township)
        for county in self.counties:
            specs.append((office_username(county.code), Role.COUNTY_OFFICE, county, None, None))
            specs.append((admin_username(county.code), Role.COUNTY_ADMIN, county, None, None))
            for department in self.departments_of[county.pk]:
                for head in (False, True):
                    role = Role.DEPARTMENT_HEAD if head else Role.DEPARTMENT_STAFF
                    username = department_username(department.code, head)
                    specs.append((username, role, county, department, None))
            for township in self.townships_of[county.pk]:
                for head in (True, False):
                    role = Role.TOWNSHIP_HEAD if head else Role.TOWNSHIP_STAFF
                    username = township_username(township.code, head)
                    specs.append((username, role, county, None, township))
        with transaction.atomic():
            users = User.objects.bulk_create(
                (
                    User(
                        username=username,
                        display_name=person_name(n),
                        password=password,
                        is_staff=role == Role.COUNTY_ADMIN,
                    )
                    for n, (username, role, *_units) in enumerate(specs)
                ),
                batch_size=BATCH,
            )
            memberships = Membership.objects.bulk_create(
                (
                    Membership(
                        user=user, role=role, county=county, department=department, township=town
                    )
                    for user, (_, role, county, department, town) in zip(users, specs, strict=True)
                ),
                batch_size=BATCH,
            )
            groups = {role: role_group(role) for role in Role.values}
            User.groups.through.objects.bulk_create(
                (
                    User.groups.through(user_id=m.user_id, group_id=groups[m.role].pk)
                    for m in memberships
                ),
                batch_size=BATCH,
            )
            permission_of = {}
            grants = get_user_obj_perms_model()
            rows = []
            for membership in memberships:
                for perm, target in permissions_of_membership(membership):
                    if perm not in permission_of:
                        app_label, codename = perm.split(".")
                        permission_of[perm] = Permission.objects.get(
                            content_type__app_label=app_label, codename=codename
                        )
                    rows.append(
                        grants(
                            user_id=membership.user_id,
                            permission=permission_of[perm],
                            content_type=ContentType.objects.get_for_model(target),
                            object_pk=str(target.pk),
                        )
                    )
            grants.objects.bulk_create(rows, batch_size=BATCH)
        self.users = {user.username: user for user in users}

    def user(self, username: str):
        return self.users[username]

    # -- duty lists -------------------------------------------------------------

    def _item_text(self, department_name: str, topic: str) -> dict:
        rng = self.rng
        law = rng.choice(LAWS)
        return {
            "title": f"{rng.choice(ACTIONS)}{topic}工作",
            "department_responsibilities": (
                f"{department_name}负责{topic}的统筹部署、业务指导和监督检查，制定年度工作方案，"
                f"组织专业力量开展{topic}，依法查处违法行为，对乡镇(街道)开展业务培训。"
            ),
            "local_responsibilities": (
                f"负责辖区内{topic}的日常巡查、信息报送和宣传引导，发现问题及时上报"
                f"{department_name}，配合做好现场处置和整改督促。"
            ),
            "basis": f"{law}第{rng.randint(2, 90)}条；{rng.choice(LAWS)}第{rng.randint(2, 60)}条",
            **rng.choice(
                [
                    {},
                    {
                        "funding_amount": Decimal("3"),
                        "funding_source": "县财政工作经费",
                        "staffing": "无",
                        "equipment": "无",
                    },
                    {
                        "funding_source": "无",
                        "staffing": "配备专职网格员1名",
                        "equipment": "巡查终端",
                    },
                ]
            ),
        }

    def _applicability(self, townships: list) -> tuple[bool, tuple[int, ...]]:
        if self.rng.random() >= NAMED_TOWNSHIP_SHARE:
            return True, ()
        chosen = self.rng.sample(townships, min(len(townships), self.rng.randint(1, 5)))
        return False, tuple(sorted(t.pk for t in chosen))

    def build_lists(self) -> None:
        """The three lists of every county, their items and history records."""
        from django.db import transaction
        from django.utils import timezone

        from duty_lists.models import (
            LEVEL_CODE_PREFIX,
            DutyItem,
            DutyList,
            DutyType,
            ItemStatus,
            Level,
            default_primary_responsibility,
        )
        from duty_lists.services import category_seed_defaults

        history_model = DutyItem.history.model
        history_townships = history_model._meta.get_field(
            "historicaldutyitem_townships"
        ).related_model
        rng = self.rng
        now = timezone.now()
        first = now - datetime.timedelta(days=365 * HISTORY_YEARS)
        additions, changes = self.flows.published(self)
        items_total = self.scale.items - additions
        per_county = spread(items_total, len(self.counties))
        plans: list[_ItemPlan] = []
        with transaction.atomic():
            lists = {}
            for county in self.counties:
                for level, _share in LEVEL_SHARES:
                    lists[county.pk, level] = DutyList(county=county, level=level)
            DutyList.objects.bulk_create(lists.values())
            categories = {county.pk: category_seed_defaults(county) for county in self.counties}
            for county, count in zip(self.counties, per_county, strict=True):
                departments = self.departments_of[county.pk]
                townships = self.townships_of[county.pk]
                office = self.users[office_username(county.code)]
                weights = [share * rng.uniform(0.7, 1.3) for _, share in LEVEL_SHARES]
                sizes = [int(count * w / sum(weights)) for w in weights]
                sizes[0] += count - sum(sizes)
                for (level, _), size in zip(LEVEL_SHARES, sizes, strict=True):
                    prefix = LEVEL_CODE_PREFIX[level]
                    for number in range(1, size + 1):
                        department = rng.choices(departments, weights=LEAD_WEIGHTS)[0]
                        topic = rng.choice(TOPICS)
                        category = rng.choice(categories[county.pk])
                        # Village and grid lists have 不应承担事项 where township lists
                        # have 上级部门收回.
                        kept = DutyType.TAKEN_BACK if level == Level.TOWNSHIP else DutyType.NEGATIVE
                        duty_type = rng.choice(
                            [DutyType.BASIC, DutyType.COOPERATING, DutyType.COOPERATING]
                            + [kept] * (rng.random() < 0.1)
                        )
                        fields = {
                            "duty_list": lists[county.pk, level],
                            "code": f"{prefix}-{category.code}-{number:04d}",
                            "category": category,
                            "duty_type": duty_type,
                            "primary_responsibility": default_primary_responsibility(duty_type),
                            "lead_department": department,
                            "status": ItemStatus.IN_FORCE,
                            "withdrawn_date": None,
                            **self._item_text(department.name, topic),
                        }
                        created = first + (now - first) * rng.random() * 0.95
                        fields["effective_date"] = timezone.localdate(created)
                        applies_to_all, named = self._applicability(townships)
                        first_version = _Version(
                            created, "+", "县委县政府审定印发", fields, applies_to_all, named
                        )
                        plans.append(_ItemPlan([first_version], office, townships, topic))
            # Amendments and withdrawals: the history records beyond the first of each item.
            extra = self.scale.history - changes - items_total
            withdrawn = set(rng.sample(range(len(plans)), round(len(plans) * WITHDRAWN_SHARE)))
            amendments = [0] * len(plans)
            for _ in range(max(0, extra - len(withdrawn))):
                amendments[rng.randrange(len(plans))] += 1
            for index, plan in enumerate(plans):
                self._add_versions(plan, amendments[index], index in withdrawn, now)
            items = DutyItem.objects.bulk_create(
                (
                    DutyItem(applies_to_all=plan.current.applies_to_all, **plan.current.fields)
                    for plan in plans
                ),
                batch_size=BATCH,
            )
            through = DutyItem.townships.through
            current = through.objects.bulk_create(
                (
                    through(dutyitem_id=item.pk, township_id=township_id)
                    for item, plan in zip(items, plans, strict=True)
                    for township_id in plan.current.named
                ),
                batch_size=BATCH,
            )
            # simple-history keeps the applicability row's id in each record's copy.
            through_pk = {(row.dutyitem_id, row.township_id): row.pk for row in current}
            records, record_townships = [], []
            for item, plan in zip(items, plans, strict=True):
                for version in plan.versions:
                    records.append(
                        history_model(
                            id=item.pk,
                            history_date=version.when,
                            history_type=version.history_type,
                            history_user=plan.recorded_by,
                            history_change_reason=version.reason,
                            applies_to_all=version.applies_to_all,
                            **version.fields,
                        )
                    )
                    record_townships.append((item.pk, version.named))
            records = history_model.objects.bulk_create(records, batch_size=BATCH)
            history_townships.objects.bulk_create(
                (
                    history_townships(
                        id=through_pk.get((item_id, township_id), 0),
                        history=record,
                        dutyitem_id=item_id,
                        township_id=township_id,
                    )
                    for record, (item_id, named) in zip(records, record_townships, strict=True)
                    for township_id in named
                ),
                batch_size=BATCH,
            )

    def _add_versions(self, plan: _ItemPlan, amendments: int, withdraw: bool, now) -> None:
        """Append ``amendments`` amendment records and maybe a withdrawal, in time order."""
        from django.utils import timezone

        from duty_lists.models import ItemStatus

        rng = self.rng
        created = plan.versions[0].when
        moments = sorted(
            created + (now - created) * rng.random() for _ in range(amendments + withdraw)
        )
        for number, when in enumerate(moments):
            fields = dict(plan.current.fields)
            applies_to_all, named = plan.current.applies_to_all, plan.current.named
            reason = "动态调整"
            if withdraw and number == len(moments) - 1:
                fields.update(status=ItemStatus.WITHDRAWN, withdrawn_date=timezone.localdate(when))
                reason = "取消事项"
            else:
                change = rng.randrange(4)
                if change == 0:
                    fields["title"] = f"{rng.choice(ACTIONS)}{plan.topic}工作（{when.year}年修订）"
                elif change == 1:
                    fields["local_responsibilities"] += f"{when.year}年起按季度报送工作台账。"
                elif change == 2:
                    fields["basis"] = f"{rng.choice(LAWS)}第{rng.randint(2, 90)}条"
                else:
                    applies_to_all, named = self._applicability(plan.townships)
            plan.versions.append(_Version(when, "~", reason, fields, applies_to_all, named))
