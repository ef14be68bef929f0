"""Benchmark ``import_lists`` (``duty_lists.importing.lists_import``) at province scale.

Builds Zhejiang's lists as the counties would import them: 90 counties (35 departments
and ~15 townships each, as ``bench_import_orgs`` generates them), 24,378 items
(Zhejiang's 24,384, rounded per list) over their three lists (55 % township, 30 %
village, 15 % grid; a third apply to named townships only, a quarter have a
cooperating department, half state their 配套保障), one approved lists workbook (.xlsx)
per county, as a county issues it. Then measures in the same run and on the same
database:

- baseline: the same item, applicability and cooperation rows (and each county's
  categories) inserted with plain ``bulk_create`` (no reading, validation, history or
  release), one transaction;
- import: every county's file through ``lists_import`` into empty lists (read the
  workbook, check every row, write with one history record per item, one release per
  list under the 文号);
- re-import: the same files again (every item unchanged: nothing written).

Run: ``.venv/bin/python bench/bench_import.py [--counties 90] [--quiet]``. Without
``DATABASE_URL`` it uses a throwaway SQLite file in a temporary folder; with it (e.g. a
PostgreSQL URL) the database must hold no counties; its lists tables are emptied at the
end (the generated counties, departments and townships stay).
"""

import argparse
import datetime
import io
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

try:
    from bench_import_orgs import DEPARTMENT_NAMES, TOWNSHIP_ENDINGS, place, setup_django, spread
except ImportError:  # imported as ``bench.bench_import`` (tests)
    from .bench_import_orgs import (
        DEPARTMENT_NAMES,
        TOWNSHIP_ENDINGS,
        place,
        setup_django,
        spread,
    )

FULL_ITEMS = 24_384
LEVEL_SHARES = (("township", 0.55), ("village", 0.30), ("grid", 0.15))
LEVEL_PREFIX = {"township": "XZ", "village": "CS", "grid": "WG"}
NAMED_TOWNSHIP_SHARE = 3  # every third item applies to named townships only
DOCUMENT_NUMBER = "浙委办发〔2026〕1号"
EFFECTIVE = datetime.date(2026, 7, 1)
CATEGORIES = (
    "党的建设",
    "经济发展",
    "城乡建设",
    "平安法治",
    "生态环保",
    "公共服务",
    "社会事务",
    "综合保障",
)
# 上级部门收回 on the township list; village and grid lists have 不应承担事项 instead.
DUTY_TYPES = {
    "township": ("基本履职", "配合履职", "配合履职", "上级部门收回"),
    "village": ("基本履职", "配合履职", "配合履职", "不应承担事项"),
    "grid": ("基本履职", "配合履职", "配合履职", "不应承担事项"),
}
COOPERATING_SHARE = 4  # every fourth item has a cooperating department (协同部门)


@dataclass(frozen=True)
class County:
    code: str
    name: str
    departments: list[str]
    townships: list[str]


@dataclass(frozen=True)
class Item:
    county: str
    level: str
    code: str
    title: str
    category: str
    duty_type: str
    department: str
    department_text: str
    local_text: str
    basis: str
    funding: str  # 经费 (source and amount); "" = not stated
    staffing: str
    cooperation: tuple[str, str] | None  # (department, its duties)
    townships: tuple[str, ...]  # () = all

    @property
    def resources(self) -> str:
        """The 配套保障 cell, as published lists write it."""
        if not self.funding:
            return ""
        return f"经费：{self.funding}\n人员：{self.staffing}\n装备：无"


def generate(counties: int, items_total: int, departments: int, townships: float):
    """The province's counties and items (deterministic)."""
    result, items = [], []
    township_counts = spread(counties, townships)
    items_per_county = spread(counties, items_total / counties)
    serial = 0
    for c in range(counties):
        code = f"33{c:04d}"
        names = []
        for t in range(township_counts[c]):
            serial += 1
            names.append(f"{place(serial)}{TOWNSHIP_ENDINGS[t % len(TOWNSHIP_ENDINGS)]}{t}")
        county = County(
            code,
            f"{place(c)}{c}县",
            [f"县{DEPARTMENT_NAMES[d % len(DEPARTMENT_NAMES)]}" for d in range(departments)],
            names,
        )
        result.append(county)
        number = 0
        for level, share in LEVEL_SHARES:
            for n in range(round(items_per_county[c] * share)):
                number += 1
                department = county.departments[(n * 7) % departments]
                named = ()
                if number % NAMED_TOWNSHIP_SHARE == 0:
                    named = tuple(names[(n + k) % len(names)] for k in range(1 + n % 4))
                    named = tuple(dict.fromkeys(named))
                topic = f"{place(n)}专项工作{n + 1}"
                items.append(
                    Item(
                        county=code,
                        level=level,
                        code=f"{LEVEL_PREFIX[level]}-{n % 90:02d}-{n + 1:04d}",
                        title=f"{topic}的日常巡查和信息报送",
                        category=CATEGORIES[n % len(CATEGORIES)],
                        duty_type=DUTY_TYPES[level][n % len(DUTY_TYPES[level])],
                        department=department,
                        department_text=(
                            f"负责{topic}的统筹协调、业务指导、监督检查和考核，组织专业力量"
                            "开展执法和技术鉴定，落实所需经费。"
                        ),
                        local_text=(
                            f"负责辖区内{topic}的日常巡查，发现问题及时劝阻并在24小时内报告"
                            f"{department}；建立工作台账。不承担执法和技术鉴定。"
                        ),
                        basis=f"《浙江省{topic}管理条例》第{n % 40 + 1}条",
                        funding=f"县财政按辖区面积核拨工作经费（{n % 50 + 1}万元）"
                        if n % 2
                        else "",
                        staffing="每个乡镇(街道)明确1名专人" if n % 2 else "",
                        cooperation=(
                            (
                                county.departments[(n * 7 + 1) % departments],
                                f"负责{topic}中本部门职责范围内的监督检查。",
                            )
                            if n % COOPERATING_SHARE == 0
                            else None
                        ),
                        townships=named,
                    )
                )
    return result, items


def workbook_of(items: list[Item]) -> bytes:
    """One county's approved lists as a workbook: one sheet per list."""
    from openpyxl import Workbook

    from duty_lists.importing.template import template_headers
    from duty_lists.models import Level

    workbook = Workbook(write_only=True)
    for level in Level:
        rows = [item for item in items if item.level == level]
        if not rows:
            continue
        sheet = workbook.create_sheet(level.label)
        headers = template_headers(level)
        sheet.append(headers)
        for number, item in enumerate(rows, start=1):
            values = {
                "序号": number,
                "事项编码": item.code,
                "事项名称": item.title,
                "类别": item.category,
                "履职类型": item.duty_type,
                "牵头部门": item.department,
                "部门职责": item.department_text,
                "协同部门(及职责)": "：".join(item.cooperation) if item.cooperation else "",
                headers[9]: item.local_text,
                "实施依据": item.basis,
                "配套保障": item.resources,
                "适用乡镇": "、".join(item.townships) or "全部",
            }
            sheet.append([values.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_organisations(counties: list[County]) -> None:
    """Counties, departments and townships with plain bulk_create (not measured)."""
    from organisations.models import County as CountyModel
    from organisations.models import Department, Township

    rows = CountyModel.objects.bulk_create(CountyModel(code=c.code, name=c.name) for c in counties)
    Department.objects.bulk_create(
        Department(county=row, code=f"{row.code}D{d:02d}", name=name)
        for row, county in zip(rows, counties, strict=True)
        for d, name in enumerate(county.departments)
    )
    Township.objects.bulk_create(
        Township(county=row, code=f"{row.code}{t:03d}", name=name, kind="town")
        for row, county in zip(rows, counties, strict=True)
        for t, name in enumerate(county.townships)
    )


def baseline_insert(items: list[Item]) -> None:
    """The same item, applicability and cooperation rows (and each county's categories)
    with plain bulk_create: nothing else."""
    from django.db import transaction

    from duty_lists.columns import parse_funding
    from duty_lists.models import (
        DEFAULT_CATEGORIES,
        Category,
        DutyItem,
        DutyItemCooperation,
        DutyList,
        DutyType,
        default_primary_responsibility,
    )
    from organisations.models import Department, Township

    duty_type = {choice.label: choice.value for choice in DutyType}
    departments = {
        (d.county.code, d.name): d.pk for d in Department.objects.select_related("county")
    }
    townships = {(t.county.code, t.name): t.pk for t in Township.objects.select_related("county")}
    with transaction.atomic():
        lists = {}
        for item in items:
            if (item.county, item.level) not in lists:
                lists[item.county, item.level] = None
        county_ids = dict(Department.objects.values_list("county__code", "county_id").distinct())
        categories = {
            (county, row.name): row
            for county, row in zip(
                [county for county in county_ids for _ in DEFAULT_CATEGORIES],
                Category.objects.bulk_create(
                    Category(county_id=county_id, code=code, name=name, position=position)
                    for county_id in county_ids.values()
                    for position, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1)
                ),
                strict=True,
            )
        }
        created = DutyList.objects.bulk_create(
            DutyList(county_id=county_ids[county], level=level) for county, level in lists
        )
        list_ids = {(c, lvl): row.pk for (c, lvl), row in zip(lists, created, strict=True)}
        rows = DutyItem.objects.bulk_create(
            (
                DutyItem(
                    duty_list_id=list_ids[item.county, item.level],
                    code=item.code,
                    title=item.title,
                    category=categories[item.county, item.category],
                    duty_type=duty_type[item.duty_type],
                    primary_responsibility=default_primary_responsibility(
                        duty_type[item.duty_type]
                    ),
                    lead_department_id=departments[item.county, item.department],
                    department_responsibilities=item.department_text,
                    local_responsibilities=item.local_text,
                    basis=item.basis,
                    funding_amount=parse_funding(item.funding)[0],
                    funding_source=parse_funding(item.funding)[1],
                    staffing=item.staffing,
                    equipment="无" if item.funding else "",
                    applies_to_all=not item.townships,
                    effective_date=EFFECTIVE,
                )
                for item in items
            ),
            batch_size=500,
        )
        through = DutyItem.townships.through
        through.objects.bulk_create(
            (
                through(dutyitem_id=row.pk, township_id=townships[item.county, name])
                for row, item in zip(rows, items, strict=True)
                for name in item.townships
            ),
            batch_size=500,
        )
        DutyItemCooperation.objects.bulk_create(
            (
                DutyItemCooperation(
                    item_id=row.pk,
                    department_id=departments[item.county, item.cooperation[0]],
                    responsibilities=item.cooperation[1],
                    position=1,
                )
                for row, item in zip(rows, items, strict=True)
                if item.cooperation
            ),
            batch_size=500,
        )


def empty_lists() -> None:
    """Delete every list, item, release, category and their history rows, in plain SQL."""
    from django.db import connection, transaction

    from duty_lists.models import (
        Category,
        DutyItem,
        DutyItemCooperation,
        DutyList,
        Release,
        ReleaseChange,
        duty_item_history,
    )

    models = [ReleaseChange, Release.history.model, Release]
    # simple-history's ``m2m_models`` holds every tracked model's tables: take ours only.
    m2m_fields = ("townships", "villages", "cooperating_departments")
    models += [duty_item_history.m2m_models[DutyItem._meta.get_field(n)] for n in m2m_fields]
    models += [DutyItem.history.model]
    models += [DutyItem.townships.through, DutyItem.villages.through, DutyItemCooperation]
    models += [DutyItem, DutyList, Category.history.model, Category]
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def import_all(files, progress) -> None:
    from duty_lists.importing import lists_import
    from organisations.models import County as CountyModel

    counties = {county.code: county for county in CountyModel.objects.all()}
    for code, (name, content) in files.items():
        lists_import(
            actor=None,
            county=counties[code],
            content=content,
            file_name=name,
            effective_date=EFFECTIVE,
            document_number=DOCUMENT_NUMBER,
            progress=progress,
        )


def timed(label: str, rows: int, func) -> float:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {rows:>7} items {seconds:8.2f} s {rows / seconds:>9,.0f} items/s")
    return seconds


def run(counties: int = 90, items_total: int = FULL_ITEMS, quiet: bool = False) -> dict:
    """Generate, measure and return the figures (seconds and counts); the lists tables
    are emptied again at the end."""
    from django.db import connection

    from duty_lists.models import DutyItem, Release
    from organisations.models import County as CountyModel

    if CountyModel.objects.exists():
        sys.exit("The database already holds counties: use an empty database.")
    start = time.perf_counter()
    province, items = generate(counties, items_total, 35, 15.41)
    build_organisations(province)
    by_county: dict[str, list[Item]] = {}
    for item in items:
        by_county.setdefault(item.county, []).append(item)
    names = {county.code: county.name for county in province}
    files = {
        code: (f"{names[code]}三张清单.xlsx", workbook_of(rows)) for code, rows in by_county.items()
    }
    size = sum(len(content) for _, content in files.values())
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"generated {len(items)} items of {len(province)} counties in "
        f"{time.perf_counter() - start:.1f} s: {len(files)} workbooks, {size / 1e6:.1f} MB"
    )
    progress = (lambda line: None) if quiet else (lambda line: print("  " + line))
    figures = {"items": len(items)}
    try:
        figures["baseline"] = timed(
            "baseline: bulk_create, no checks/history", len(items), lambda: baseline_insert(items)
        )
        assert DutyItem.objects.count() == len(items)
        empty_lists()
        figures["import"] = timed(
            "import_lists: read + check + bulk + history",
            len(items),
            lambda: import_all(files, progress),
        )
        assert DutyItem.objects.count() == DutyItem.history.count() == len(items)
        figures["releases"] = Release.objects.count()
        figures["reimport"] = timed(
            "import_lists again: all unchanged", len(items), lambda: import_all(files, progress)
        )
        assert DutyItem.history.count() == len(items)
        figures["history"] = DutyItem.history.count()
    finally:
        empty_lists()
    print(f"ratio import time ÷ baseline time: {figures['import'] / figures['baseline']:.2f}")
    print(f"ratio re-import time ÷ baseline time: {figures['reimport'] / figures['baseline']:.2f}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=90)
    parser.add_argument("--items", type=int, default=FULL_ITEMS)
    parser.add_argument("--quiet", action="store_true", help="hide import progress")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as tmp:
        setup_django(Path(tmp))
        run(args.counties, args.items, args.quiet)


if __name__ == "__main__":
    main()
