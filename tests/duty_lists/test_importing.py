"""Import of approved lists (``duty_lists.importing.lists_import``)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from duty_lists.importing import ImportRefused, lists_import, template_xlsx
from duty_lists.models import DutyItem, DutyList, ItemStatus, Release, ReleaseChange
from tests.factories import county_office_user, department_staff

from .import_world import FIRST_ROW, edited, qinghe, qinghe_file, set_cell

pytestmark = pytest.mark.django_db

HistoricalDutyItem = DutyItem.history.model
DOCUMENT = "清委办发〔2025〕9号"
DAY = datetime.date(2025, 7, 1)


def _import(county, content, **options):
    options.setdefault("document_number", DOCUMENT)
    return lists_import(
        actor=options.pop("actor", None),
        county=county,
        content=content,
        file_name=options.pop("file_name", "清河县三张清单.xlsx"),
        effective_date=options.pop("effective_date", DAY),
        **options,
    )


def _state():
    through = DutyItem.townships.through
    return (
        list(DutyItem.objects.order_by("pk").values_list()),
        list(through.objects.order_by("pk").values_list()),
        HistoricalDutyItem.objects.count(),
        list(DutyList.objects.values_list()),
        list(Release.objects.values_list()),
    )


def test_demo_file_is_imported_with_one_history_record_per_item_and_a_release_per_list():
    county = qinghe()
    office = county_office_user(county)

    result = _import(county, qinghe_file(), actor=office)

    assert [(p.level, len(p.added), len(p.changed), p.unchanged) for p in result.lists] == [
        ("township", 31, 0, 0),
        ("village", 17, 0, 0),
        ("grid", 12, 0, 0),
    ]
    assert [(s.name, s.level, s.items) for s in result.sheets] == [
        ("乡镇(街道)", "township", 31),
        ("村(社区)", "village", 17),
        ("网格", "grid", 12),
    ]
    assert result.notices == [
        "工作表“乡镇(街道)”的“备注”列暂不导入（事项尚无此字段）。",
        "工作表“村(社区)”的“备注”列暂不导入（事项尚无此字段）。",
        "工作表“网格”的“备注”列暂不导入（事项尚无此字段）。",
    ]
    item = DutyItem.objects.get(duty_list__level="township", code="XZ-LY-0001")
    assert list(item.townships.order_by("code").values_list("name", flat=True)) == [
        "青石镇",
        "石门镇",
        "梅岭镇",
        "枫林镇",
        "云岭乡",
        "竹坪乡",
    ]
    gas = DutyItem.objects.get(duty_list__level="township", code="XZ-ZJ-0001")
    assert (gas.title, gas.category, gas.duty_type, gas.lead_department.name) == (
        "违法建设巡查、制止和报告",
        "urban_rural",
        "basic",
        "县住房和城乡建设局",
    )
    assert (gas.applies_to_all, gas.effective_date, gas.status) == (True, DAY, "in_force")
    records = HistoricalDutyItem.objects.all()
    assert records.count() == 60
    assert set(records.values_list("history_type", "history_change_reason", "history_user")) == {
        ("+", DOCUMENT, office.pk)
    }
    # Each record holds the item's applicability, as the services' records do.
    record = item.history.get()
    assert sorted(record.townships.values_list("township__name", flat=True)) == sorted(
        ["青石镇", "石门镇", "梅岭镇", "枫林镇", "云岭乡", "竹坪乡"]
    )
    releases = Release.objects.order_by("duty_list__level")
    assert [(r.duty_list.level, r.number, r.document_number, r.decided_by) for r in releases] == [
        ("grid", 1, DOCUMENT, "县委、县政府"),
        ("township", 1, DOCUMENT, "县委、县政府"),
        ("village", 1, DOCUMENT, "县委、县政府"),
    ]
    assert ReleaseChange.objects.filter(kind="added").count() == 60


def test_dry_run_previews_and_writes_nothing():
    county = qinghe()
    before = _state()

    result = _import(county, qinghe_file(), dry_run=True)

    assert [len(p.added) for p in result.lists] == [31, 17, 12]
    assert _state() == before


def test_reimport_of_the_same_file_changes_nothing():
    county = qinghe()
    _import(county, qinghe_file())
    before = _state()

    result = _import(county, qinghe_file())

    assert [(len(p.added), len(p.changed), p.unchanged) for p in result.lists] == [
        (0, 0, 31),
        (0, 0, 17),
        (0, 0, 12),
    ]
    assert not result.has_changes
    assert result.releases == []
    assert _state() == before


def test_later_file_updates_items_by_code():
    county = qinghe()
    _import(county, qinghe_file())
    row = FIRST_ROW  # XZ-ZJ-0001
    later = edited(
        lambda workbook: (
            set_cell("乡镇(街道)", f"C{row}", "违法建设巡查和报告")(workbook),
            set_cell("乡镇(街道)", f"L{row}", "青石镇、云岭乡")(workbook),
        )
    )

    result = _import(county, later, document_number="清委办发〔2026〕12号")

    [change] = result.lists[0].changed
    assert (change.item.code, change.fields) == ("XZ-ZJ-0001", ["事项名称", "适用乡镇"])
    item = DutyItem.objects.get(duty_list__level="township", code="XZ-ZJ-0001")
    assert item.title == "违法建设巡查和报告"
    assert (item.applies_to_all, sorted(item.townships.values_list("name", flat=True))) == (
        False,
        ["云岭乡", "青石镇"],
    )
    latest = item.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_change_reason) == ("~", "清委办发〔2026〕12号")
    assert sorted(latest.townships.values_list("township__name", flat=True)) == ["云岭乡", "青石镇"]
    assert HistoricalDutyItem.objects.count() == 61
    release = Release.objects.get(duty_list__level="township", number=2)
    assert list(release.changes.values_list("item__code", "kind")) == [("XZ-ZJ-0001", "amended")]


def _without_first_township_item(workbook):
    workbook["乡镇(街道)"].delete_rows(FIRST_ROW)


def test_items_missing_from_a_later_file_stay_unless_withdrawal_is_asked():
    county = qinghe()
    _import(county, qinghe_file())
    shorter = edited(_without_first_township_item)

    kept = _import(county, shorter, document_number="清委办发〔2026〕3号")

    assert [item.code for item in kept.lists[0].kept] == ["XZ-ZJ-0001"]
    assert not kept.has_changes
    item = DutyItem.objects.get(duty_list__level="township", code="XZ-ZJ-0001")
    assert item.status == ItemStatus.IN_FORCE

    withdrawn = _import(
        county,
        shorter,
        document_number="清委办发〔2026〕4号",
        withdraw_missing=True,
        effective_date=datetime.date(2026, 3, 1),
    )

    assert [item.code for item in withdrawn.lists[0].withdrawn] == ["XZ-ZJ-0001"]
    item.refresh_from_db()
    assert (item.status, item.withdrawn_date) == (ItemStatus.WITHDRAWN, datetime.date(2026, 3, 1))
    latest = item.history.order_by("-history_id").first()
    assert (latest.status, latest.history_change_reason) == ("withdrawn", "清委办发〔2026〕4号")
    # Only the township list changed.
    assert DutyItem.objects.filter(status=ItemStatus.WITHDRAWN).count() == 1


def _header_removed(column_letter):
    return set_cell("乡镇(街道)", f"{column_letter}3", None)


BAD_FILES = [
    pytest.param(
        _header_removed("B"),
        "工作表“乡镇(街道)” 第 3 行 “事项编码”列：缺少“事项编码”列。",
        id="missing-column",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "F6", "县水务局"),
        "工作表“乡镇(街道)” 第 6 行 “牵头部门”列（F 列）："
        "“县水务局”不是清河县的部门（名称或编码）。",
        id="unknown-department",
    ),
    pytest.param(
        set_cell("村(社区)", "L5", "城关街道、青山镇"),
        "工作表“村(社区)” 第 5 行 “适用乡镇”列（L 列）："
        "“青山镇”不是清河县的乡镇(街道)（名称或编码）。",
        id="unknown-township",
    ),
    pytest.param(
        set_cell("网格", "B7", "WG-GA-0001"),
        "工作表“网格” 第 7 行 “事项编码”列（B 列）："
        "事项编码“WG-GA-0001”与工作表“网格”第 4 行重复。",
        id="duplicate-code",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "M8", "2025-06-31"),
        "工作表“乡镇(街道)” 第 8 行 “生效日期”列（M 列）："
        "“2025-06-31”不是有效的日期（如 2026-07-01 或 2026年7月1日）。",
        id="bad-date",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "D9", "安全生产"),
        "工作表“乡镇(街道)” 第 9 行 “类别”列（D 列）："
        "类别“安全生产”无效，应为：党的建设、经济发展、"
        "城乡建设、平安法治、生态环保、公共服务、社会事务、综合保障。",
        id="bad-category",
    ),
    pytest.param(
        set_cell("村(社区)", "I10", "   "),
        "工作表“村(社区)” 第 10 行 “实施依据”列（I 列）：不能为空。",
        id="empty-required-cell",
    ),
]


@pytest.mark.parametrize(("edit", "message"), BAD_FILES)
def test_bad_row_is_named_with_sheet_row_and_column_and_nothing_is_written(edit, message):
    county = qinghe()
    before = _state()

    with pytest.raises(ImportRefused) as refused:
        _import(county, edited(edit))

    assert [str(issue) for issue in refused.value.issues] == [message]
    assert _state() == before


def test_every_bad_row_is_reported_at_once():
    county = qinghe()
    content = edited(
        lambda workbook: (
            set_cell("乡镇(街道)", "D9", "安全生产")(workbook),
            set_cell("网格", "F5", "县水务局")(workbook),
        )
    )

    with pytest.raises(ImportRefused) as refused:
        _import(county, content)

    assert [(i.sheet, i.row, i.column) for i in refused.value.issues] == [
        ("乡镇(街道)", 9, "类别"),
        ("网格", 5, "牵头部门"),
    ]


def test_a_file_that_is_not_excel_is_refused():
    county = qinghe()
    before = _state()

    with pytest.raises(ImportRefused) as refused:
        _import(county, "事项编码,事项名称\n".encode(), file_name="清单.csv")

    assert [str(issue) for issue in refused.value.issues] == [
        "文件“清单.csv”不是 Excel 工作簿（.xlsx），无法读取；"
        "旧版 .xls 文件请先用 Excel 另存为 .xlsx。"
    ]
    assert _state() == before


def test_headers_match_despite_spaces_and_full_width_brackets():
    county = qinghe()
    content = edited(
        lambda workbook: (
            set_cell("乡镇(街道)", "H3", "乡镇（街道）\n职 责")(workbook),
            set_cell("乡镇(街道)", "D3", " 类　别 ")(workbook),
        )
    )

    result = _import(county, content)

    assert [len(p.added) for p in result.lists] == [31, 17, 12]


def test_one_sheet_per_township_layout_gives_applicability_by_sheet():
    county = qinghe()

    def per_township(workbook):
        source = workbook["乡镇(街道)"]
        rows = [list(row) for row in source.iter_rows(min_row=3, values_only=True)]
        header, items = rows[0], rows[1:4]  # XZ-ZJ-0001 … XZ-ZJ-0003
        for name in workbook.sheetnames:
            del workbook[name]
        applicability = header.index("适用乡镇")
        for township in ("城关街道", "青石镇"):
            sheet = workbook.create_sheet(township)
            sheet.append(header)
            for row in items:
                row = list(row)
                row[applicability] = ""
                sheet.append(row)

    result = _import(county, edited(per_township))

    assert [(s.name, s.layout, s.township, s.items) for s in result.sheets] == [
        ("城关街道", "township", "城关街道", 3),
        ("青石镇", "township", "青石镇", 3),
    ]
    assert [spec.code for spec in result.lists[0].added] == [
        "XZ-ZJ-0001",
        "XZ-ZJ-0002",
        "XZ-ZJ-0003",
    ]
    item = DutyItem.objects.get(code="XZ-ZJ-0002")
    assert (item.applies_to_all, sorted(item.townships.values_list("name", flat=True))) == (
        False,
        ["城关街道", "青石镇"],
    )


def test_township_sheets_must_agree_on_an_item():
    county = qinghe()

    def per_township(workbook):
        source = workbook["乡镇(街道)"]
        rows = [list(row) for row in source.iter_rows(min_row=3, max_row=4, values_only=True)]
        for name in workbook.sheetnames:
            del workbook[name]
        for township, title in (("城关街道", rows[1][2]), ("青石镇", "另一个名称")):
            sheet = workbook.create_sheet(township)
            sheet.append(rows[0])
            sheet.append([*rows[1][:2], title, *rows[1][3:]])

    with pytest.raises(ImportRefused) as refused:
        _import(county, edited(per_township))

    assert [str(issue) for issue in refused.value.issues] == [
        "工作表“青石镇” 第 2 行：事项“XZ-ZJ-0001”的事项名称与工作表“城关街道”第 2 行不同；"
        "同一事项在各乡镇(街道)表中应一致。"
    ]


def test_only_the_county_office_or_administrator_may_import():
    county = qinghe()
    staff = department_staff(county.departments.first())
    before = _state()

    with pytest.raises(PermissionDenied):
        _import(county, qinghe_file(), actor=staff)

    assert _state() == before


def test_template_is_read_back_as_an_empty_file():
    county = qinghe()

    with pytest.raises(ImportRefused) as refused:
        _import(county, template_xlsx(), file_name="清单导入模板.xlsx")

    assert [str(issue) for issue in refused.value.issues] == [
        "文件“清单导入模板.xlsx”中没有清单事项。"
    ]


def test_command_prints_progress_and_refuses_bad_files(tmp_path):
    qinghe()
    path = tmp_path / "清河县三张清单.xlsx"
    path.write_bytes(qinghe_file())
    out = io.StringIO()

    call_command("import_lists", str(path), county="330999", document_number=DOCUMENT, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "工作表“乡镇(街道)”：读取 31 行",
        "工作表“村(社区)”：读取 17 行",
        "工作表“网格”：读取 12 行",
    ]
    assert "乡镇(街道)：新增 31，修改 0，取消 0，未变 0" in lines
    assert "乡镇(街道)清单：新增 31，修改 0，取消 0，未变 0" in lines
    out = io.StringIO()
    call_command("import_lists", str(path), county="330999", document_number=DOCUMENT, stdout=out)
    assert out.getvalue().splitlines()[-1] == "清单与文件一致，未写入任何变更。"

    path.write_bytes(edited(set_cell("乡镇(街道)", "D9", "安全生产")))
    with pytest.raises(CommandError) as error:
        call_command(
            "import_lists", str(path), county="330999", document_number="x", stdout=io.StringIO()
        )
    assert str(error.value).startswith(
        "文件有 1 处错误，未写入任何数据：\n工作表“乡镇(街道)” 第 9 行"
    )
