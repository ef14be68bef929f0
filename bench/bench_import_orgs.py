"""Benchmark ``import_orgs`` on a province-sized organisation tree.

Generates a CSV shaped like Zhejiang (90 counties, ~35 departments each, 1,400 townships,
25,000 villages, 85,000 grids), then measures in the same run and on the same database:

- baseline: the same rows inserted with plain ``bulk_create`` (no parsing, validation or
  history), parents before children, in one transaction;
- import: ``manage.py import_orgs`` on the CSV into empty tables (parse, validate,
  bulk insert with history);
- re-import: the same file again (every row unchanged).

Run: ``.venv/bin/python bench/bench_import_orgs.py [--counties 90 ...]``. Without
``DATABASE_URL`` it uses a throwaway SQLite file in a temporary folder; with it (e.g. a
PostgreSQL URL) the organisation tables must be empty, and are emptied again at the end.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEPARTMENT_NAMES = [
    "住房和城乡建设局", "应急管理局", "市场监督管理局", "自然资源和规划局", "生态环境分局",
    "农业农村局", "水利局", "交通运输局", "卫生健康局", "教育局", "民政局", "公安局",
    "司法局", "财政局", "人力资源和社会保障局", "商务局", "文化广电旅游体育局",
    "综合行政执法局", "消防救援大队", "退役军人事务局", "医疗保障局", "统计局",
    "审计局", "林业局", "发展和改革局", "经济和信息化局", "科学技术局", "档案馆",
    "信访局", "数据资源管理局", "机关事务管理中心", "气象局", "供销合作社",
    "残疾人联合会", "妇女联合会", "总工会", "团县委", "红十字会", "税务局", "烟草专卖局",
]  # fmt: skip
TOWNSHIP_ENDINGS = ["街道", "镇", "镇", "镇", "乡"]
PLACE_SYLLABLES = "青石白云清河东山西湖南溪北岭金竹桃源龙泉凤凰杨梅新塘古城双桥"


@dataclass(frozen=True)
class Unit:
    kind: str
    code: str
    name: str
    parent_code: str
    subkind: str = ""


def spread(parents: int, per_parent: float) -> list[int]:
    """Children per parent so that the total is ``round(parents * per_parent)``."""
    return [int((i + 1) * per_parent) - int(i * per_parent) for i in range(parents)]


def place(n: int) -> str:
    """A short, deterministic, readable place name."""
    size = len(PLACE_SYLLABLES)
    return PLACE_SYLLABLES[n % size] + PLACE_SYLLABLES[(n // size + 3 * n) % size]


def generate(args) -> list[Unit]:
    """The province's units, each county's tree depth-first (parents first)."""
    units: list[Unit] = []
    township_counts = spread(args.counties, args.townships_per_county)
    village_spread = spread(sum(township_counts), args.villages_per_township)
    village_counts = iter(village_spread)
    grid_counts = iter(spread(sum(village_spread), args.grids_per_village))
    serial = 0
    for c in range(args.counties):
        county_code = f"33{c:04d}"
        county_name = f"{place(c)}{c}县"
        units.append(Unit("county", county_code, county_name, ""))
        for d in range(args.departments_per_county):
            name = DEPARTMENT_NAMES[d % len(DEPARTMENT_NAMES)]
            units.append(Unit("department", f"{county_code}D{d:02d}", name, county_code))
        for t in range(township_counts[c]):
            serial += 1
            township_code = f"{county_code}{t:03d}"
            if t % 10 == 9:
                # Some townships' names do not tell their kind: the subkind column does.
                township = Unit(
                    "township", township_code, f"{place(serial)}开发区", county_code, "街道"
                )
            else:
                ending = TOWNSHIP_ENDINGS[t % len(TOWNSHIP_ENDINGS)]
                township = Unit("township", township_code, f"{place(serial)}{ending}", county_code)
            units.append(township)
            for v in range(next(village_counts)):
                serial += 1
                village_code = f"{township_code}{v:03d}"
                ending = "社区" if v % 4 == 0 else "村"
                units.append(
                    Unit("village", village_code, f"{place(serial)}{ending}", township_code)
                )
                units.extend(
                    Unit("grid", f"{village_code}{g:02d}", f"第{g + 1}网格", village_code)
                    for g in range(next(grid_counts))
                )
    return units


def write_csv(units: list[Unit], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write("code,name,kind,parent_code,subkind\r\n")
        handle.writelines(
            f"{u.code},{u.name},{u.kind},{u.parent_code},{u.subkind}\r\n" for u in units
        )


def setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def unit_models():
    from organisations.models import County, Department, Grid, Township, Village

    return {
        "county": County,
        "department": Department,
        "township": Township,
        "village": Village,
        "grid": Grid,
    }


def empty_tables() -> None:
    """Delete every unit and history row, children first, in plain SQL.

    ``QuerySet.delete()`` would load each row and write a history record per row.
    """
    from django.db import connection, transaction

    tables = []
    for model in reversed(unit_models().values()):
        tables += [model._meta.db_table, model.history.model._meta.db_table]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


def baseline_insert(units: list[Unit]) -> None:
    """Insert the rows with plain bulk_create: no parsing, validation or history."""
    from django.db import transaction

    from organisations.importing import WRITE_BATCH_SIZE

    models = unit_models()
    parent_field = {"department": "county", "township": "county", "village": "township"}
    parent_field["grid"] = "village"
    parent_kind = {"department": "county", "township": "county", "village": "township"}
    parent_kind["grid"] = "village"
    ids: dict[str, dict[str, int]] = {kind: {} for kind in models}
    with transaction.atomic():
        for kind, model in models.items():
            objs = []
            for unit in units:
                if unit.kind != kind:
                    continue
                values = {"code": unit.code, "name": unit.name}
                if kind == "township":
                    values["kind"] = "town"
                elif kind == "village":
                    values["kind"] = "village"
                if kind in parent_field:
                    values[f"{parent_field[kind]}_id"] = ids[parent_kind[kind]][unit.parent_code]
                objs.append(model(**values))
            for obj in model.objects.bulk_create(objs, batch_size=WRITE_BATCH_SIZE):
                ids[kind][obj.code] = obj.pk


def timed(label: str, rows: int, func) -> float:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print(f"{label:<42} {rows:>8} rows {seconds:8.2f} s {rows / seconds:>10,.0f} rows/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=90)
    parser.add_argument("--departments-per-county", type=int, default=35)
    parser.add_argument("--townships-per-county", type=float, default=15.56)
    parser.add_argument("--villages-per-township", type=float, default=17.86)
    parser.add_argument("--grids-per-village", type=float, default=3.4)
    parser.add_argument("--quiet", action="store_true", help="hide import progress")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # keep figures and stderr progress in order

    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir)
        from django.core.management import call_command
        from django.db import connection

        models = unit_models()
        if any(model.objects.exists() for model in models.values()):
            sys.exit("The organisation tables are not empty: use an empty database.")

        start = time.perf_counter()
        units = generate(args)
        csv_path = workdir / "province.csv"
        write_csv(units, csv_path)
        rows = len(units)
        per_kind = {kind: sum(u.kind == kind for u in units) for kind in models}
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(
            f"generated {rows} rows in {time.perf_counter() - start:.1f} s: "
            + ", ".join(f"{kind} {count}" for kind, count in per_kind.items())
        )

        def run_command():
            stderr = io.StringIO() if args.quiet else sys.stderr
            call_command("import_orgs", str(csv_path), stdout=io.StringIO(), stderr=stderr)

        try:
            baseline = timed(
                "baseline: bulk_create, no checks/history", rows, lambda: baseline_insert(units)
            )
            assert {k: m.objects.count() for k, m in models.items()} == per_kind
            empty_tables()
            imported = timed("import_orgs: validate + bulk + history", rows, run_command)
            assert {k: m.objects.count() for k, m in models.items()} == per_kind
            assert models["grid"].history.count() == per_kind["grid"]
            reimported = timed("import_orgs again: all unchanged", rows, run_command)
            assert models["grid"].history.count() == per_kind["grid"]
        finally:
            empty_tables()
        print(f"ratio import rows/s ÷ baseline rows/s: {baseline / imported:.2f}")
        print(f"ratio re-import rows/s ÷ baseline rows/s: {baseline / reimported:.2f}")
        print(f"total import seconds: {imported:.2f} (re-import {reimported:.2f})")


if __name__ == "__main__":
    main()
