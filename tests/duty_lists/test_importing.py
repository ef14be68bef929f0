"""Import of approved lists (``duty_lists.importing.lists_import``)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from duty_lists.documents import document_xlsx, list_document
from duty_lists.importing import ImportRefused, lists_import, template_xlsx
from duty_lists.models import (
    Category,
    DutyItem,
    DutyItemCooperation,
    DutyList,
    ItemStatus,
    Release,
    ReleaseChange,
)
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
    return (
        list(DutyItem.objects.order_by("pk").values_list()),
        list(DutyItem.townships.through.objects.order_by("pk").values_list()),
        list(DutyItem.villages.through.objects.order_by("pk").values_list()),
        list(DutyItemCooperation.objects.order_by("pk").values_list()),
        list(Category.objects.order_by("pk").values_list()),
        HistoricalDutyItem.objects.count(),
        list(DutyList.objects.values_list()),
        list(Release.objects.values_list()),
    )


def test_demo_file_is_imported_with_one_history_record_per_item_and_a_release_per_list():
    county = qinghe()
    office = county_office_user(county)

    result = _import(county, qinghe_file(), actor=office)

    assert [(p.level, len(p.added), len(p.changed), p.unchanged) for p in result.lists] == [
        ("township", 32, 0, 0),
        ("village", 19, 0, 0),
        ("grid", 12, 0, 0),
    ]
    assert [(s.name, s.level, s.items) for s in result.sheets] == [
        ("乡镇(街道)", "township", 32),
        ("村(社区)", "village", 19),
        ("网格", "grid", 12),
    ]
    assert result.notices == []
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
    assert (gas.title, gas.category.name, gas.duty_type, gas.lead_department.name) == (
        "违法建设巡查、制止和报告",
        "城乡建设",
        "basic",
        "县住房和城乡建设局",
    )
    assert (gas.applies_to_all, gas.effective_date, gas.status) == (True, DAY, "in_force")
    records = HistoricalDutyItem.objects.all()
    assert records.count() == 63
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
    assert ReleaseChange.objects.filter(kind="added").count() == 63


def _item(level, code) -> DutyItem:
    return DutyItem.objects.get(duty_list__level=level, code=code)


def test_every_field_of_the_demo_file_is_imported():
    county = qinghe()

    _import(county, qinghe_file())

    # The county had no categories: it got the default eight, and the items use them.
    assert list(Category.objects.filter(county=county).values_list("code", "name")) == [
        ("DJ", "党的建设"),
        ("JJ", "经济发展"),
        ("CX", "城乡建设"),
        ("PA", "平安法治"),
        ("ST", "生态环保"),
        ("GG", "公共服务"),
        ("SH", "社会事务"),
        ("ZH", "综合保障"),
    ]
    item = _item("township", "XZ-ZJ-0001")
    assert [
        (row.department.name, row.responsibilities, row.position)
        for row in item.cooperations.order_by("position")
    ] == [
        ("县综合行政执法局", "对乡镇(街道)报告的违法建设依法立案查处，组织实施强制拆除。", 1),
        ("县自然资源和规划局", "负责农村村民非法占地建住宅的认定和查处。", 2),
    ]
    assert (
        item.primary_responsibility,
        item.accountability,
        item.exemption,
        item.work_requirements,
        item.funding_amount,
        item.funding_source,
        item.staffing,
        item.equipment,
        item.guidance_code,
        item.expires_on,
    ) == (
        "local",
        "发现违法建设未及时劝阻、制止或未在24小时内报告，造成严重后果的。",
        "已按规定巡查、制止并报告，因当事人拒不停工造成违法建设既成事实的。",
        "每月巡查不少于2次；发现在建违法建设24小时内报告。",
        Decimal("120.00"),
        "县财政按辖区面积核拨巡查经费",
        "每个乡镇(街道)配备不少于2名巡查人员",
        "无",
        "ZJ-XZ-JB-001",
        None,
    )
    # A part's own text may hold "；".
    flood = _item("township", "XZ-YJ-0002")
    assert (flood.funding_source, flood.staffing, flood.equipment) == (
        "无",
        "无",
        "县级下拨防汛物资；避灾安置场所由乡镇(街道)管理",
    )
    temporary = _item("township", "XZ-XF-0002")
    assert (temporary.effective_date, temporary.expires_on, temporary.primary_responsibility) == (
        datetime.date(2026, 11, 1),
        datetime.date(2027, 4, 30),
        "department",
    )
    certificate = _item("village", "CS-SG-0002")
    assert (certificate.item_kind, certificate.duty_type) == ("certificate", "basic")
    sign = _item("village", "CS-ZZ-0002")
    assert (sign.item_kind, sign.village_kind) == ("mechanism", "village")
    by_village = _item("village", "CS-SL-0001")
    assert (by_village.applies_to_all, list(by_village.townships.all())) == (False, [])
    assert sorted(by_village.villages.values_list("name", flat=True)) == sorted(
        ["青石村", "下溪村", "柳溪村", "柳塘村"]
    )
    # The history record holds the cooperating departments and villages too.
    record = item.history.get()
    assert list(
        record.cooperating_departments.order_by("position").values_list(
            "department__name", "responsibilities"
        )
    ) == [
        ("县综合行政执法局", "对乡镇(街道)报告的违法建设依法立案查处，组织实施强制拆除。"),
        ("县自然资源和规划局", "负责农村村民非法占地建住宅的认定和查处。"),
    ]
    assert sorted(
        by_village.history.get().villages.values_list("village__name", flat=True)
    ) == sorted(["青石村", "下溪村", "柳溪村", "柳塘村"])


def test_categories_are_the_countys_own_by_name_full_name_or_code():
    county = qinghe()
    _import(county, qinghe_file())
    safety = Category.objects.get(county=county, code="PA")
    Category.objects.create(county=county, parent=safety, code="PAXF", name="消防安全")
    later = edited(
        lambda workbook: (
            set_cell("乡镇(街道)", "D12", "平安法治／消防安全")(workbook),
            set_cell("乡镇(街道)", "D13", "消防安全")(workbook),
            set_cell("乡镇(街道)", "D14", "CX")(workbook),
        )
    )

    result = _import(county, later, document_number="清委办发〔2026〕2号")

    assert [(c.item.code, c.fields) for c in result.lists[0].changed] == [
        ("XZ-ZR-0001", ["类别"]),
        ("XZ-ZR-0002", ["类别"]),
    ]
    assert _item("township", "XZ-ZR-0001").category.full_name == "平安法治／消防安全"
    assert _item("township", "XZ-ZR-0002").category.code == "PAXF"
    assert _item("township", "XZ-ZR-0003").category.code == "CX"


def test_later_file_changes_cooperating_departments_and_resources():
    county = qinghe()
    _import(county, qinghe_file())
    later = edited(
        lambda workbook: (
            set_cell("乡镇(街道)", "I4", "县综合行政执法局：依法立案查处。")(workbook),
            set_cell("乡镇(街道)", "O4", "经费：县财政专项（150万元）\n人员：无\n装备：无")(
                workbook
            ),
        )
    )

    result = _import(county, later, document_number="清委办发〔2026〕5号")

    [change] = result.lists[0].changed
    assert (change.item.code, change.fields) == (
        "XZ-ZJ-0001",
        ["经费金额(万元)", "经费来源", "人员保障", "协同部门(及职责)"],
    )
    item = _item("township", "XZ-ZJ-0001")
    assert list(item.cooperations.values_list("department__name", "responsibilities")) == [
        ("县综合行政执法局", "依法立案查处。")
    ]
    assert (item.funding_amount, item.funding_source, item.staffing) == (
        Decimal("150.00"),
        "县财政专项",
        "无",
    )
    latest = item.history.order_by("-history_id").first()
    assert list(latest.cooperating_departments.values_list("department__name", flat=True)) == [
        "县综合行政执法局"
    ]
    # The cooperations of the items the file did not change are where they were.
    assert DutyItemCooperation.objects.filter(item__code="XZ-YJ-0002").count() == 2


def test_resources_in_separate_columns_must_agree_with_the_combined_cell():
    county = qinghe()

    def split_columns(workbook):
        sheet = workbook["乡镇(街道)"]
        sheet["U3"], sheet["V3"], sheet["W3"] = "经费金额(万元)", "经费来源", "人员保障"
        # XZ-SJ-0001 and XZ-ZR-0003: nothing in 配套保障.
        sheet["U10"], sheet["V10"], sheet["W10"] = 8, "县财政", "专职人员1名"
        sheet["V14"] = "乡镇自筹"

    content = edited(
        lambda workbook: (
            split_columns(workbook),
            set_cell("乡镇(街道)", "O14", "经费：县财政")(workbook),
        )
    )

    with pytest.raises(ImportRefused) as refused:
        _import(county, content)

    assert [str(issue) for issue in refused.value.issues] == [
        "工作表“乡镇(街道)” 第 14 行 “经费来源”列（V 列）：与“配套保障”列所写的经费来源不一致。"
    ]

    _import(county, edited(split_columns))

    item = _item("township", "XZ-SJ-0001")
    assert (item.funding_amount, item.funding_source, item.staffing) == (
        Decimal("8.00"),
        "县财政",
        "专职人员1名",
    )
    assert _item("township", "XZ-ZR-0003").funding_source == "乡镇自筹"


def test_a_temporary_item_may_be_marked_in_its_remarks_as_documents_write_it():
    county = qinghe()
    content = edited(
        lambda workbook: (
            set_cell("乡镇(街道)", "T28", None)(workbook),
            set_cell(
                "乡镇(街道)",
                "P28",
                "【临时事项，有效期至2027年4月30日】冬春火灾防控专项行动期间适用。",
            )(workbook),
        )
    )

    _import(county, content)

    item = _item("township", "XZ-XF-0002")
    assert (item.expires_on, item.remarks) == (
        datetime.date(2027, 4, 30),
        "冬春火灾防控专项行动期间适用。",
    )


def test_a_list_document_downloaded_from_the_system_reads_back_unchanged():
    county = qinghe()
    _import(county, qinghe_file())
    township_list = DutyList.objects.get(county=county, level="township")
    document = document_xlsx(list_document(township_list))

    result = _import(county, document, file_name="清单.xlsx", dry_run=True)

    # The document has no 适用乡镇 column: only the items applying to named townships
    # would change (to all); every other field reads back as it was written.
    [plan] = result.lists
    named = set(
        DutyItem.objects.filter(duty_list=township_list, applies_to_all=False).values_list(
            "code", flat=True
        )
    )
    assert {c.item.code for c in plan.changed} == named
    assert {tuple(c.fields) for c in plan.changed} == {("适用乡镇",)}
    assert (len(plan.added), plan.unchanged) == (0, 32 - len(named))


def test_dry_run_previews_and_writes_nothing():
    county = qinghe()
    before = _state()

    result = _import(county, qinghe_file(), dry_run=True)

    assert [len(p.added) for p in result.lists] == [32, 19, 12]
    assert _state() == before


def test_reimport_of_the_same_file_changes_nothing():
    county = qinghe()
    _import(county, qinghe_file())
    before = _state()

    result = _import(county, qinghe_file())

    assert [(len(p.added), len(p.changed), p.unchanged) for p in result.lists] == [
        (0, 0, 32),
        (0, 0, 19),
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
            set_cell("乡镇(街道)", f"R{row}", "青石镇、云岭乡")(workbook),
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
    assert HistoricalDutyItem.objects.count() == 64
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
        set_cell("乡镇(街道)", "G6", "县水务局"),
        "工作表“乡镇(街道)” 第 6 行 “牵头部门”列（G 列）："
        "“县水务局”不是清河县的部门（名称或编码）。",
        id="unknown-department",
    ),
    pytest.param(
        set_cell("村(社区)", "R5", "城关街道、青山镇"),
        "工作表“村(社区)” 第 5 行 “适用乡镇”列（R 列）："
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
        set_cell("乡镇(街道)", "S8", "2025-06-31"),
        "工作表“乡镇(街道)” 第 8 行 “生效日期”列（S 列）："
        "“2025-06-31”不是有效的日期（如 2026-07-01 或 2026年7月1日）。",
        id="bad-date",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "D9", "安全生产"),
        "工作表“乡镇(街道)” 第 9 行 “类别”列（D 列）："
        "类别“安全生产”不是清河县的领域类别（名称或代码），应为：党的建设、经济发展、"
        "城乡建设、平安法治、生态环保、公共服务、社会事务、综合保障。",
        id="bad-category",
    ),
    pytest.param(
        set_cell("村(社区)", "K10", "   "),
        "工作表“村(社区)” 第 10 行 “实施依据”列（K 列）：不能为空。",
        id="empty-required-cell",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "I12", "县应急管理局：负责险情处置。\n县地震局：负责地震监测。"),
        "工作表“乡镇(街道)” 第 12 行 “协同部门(及职责)”列（I 列）："
        "“县地震局”不是清河县的部门（名称或编码）。",
        id="unknown-cooperating-department",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "I12", "县应急管理局负责险情处置"),
        "工作表“乡镇(街道)” 第 12 行 “协同部门(及职责)”列（I 列）："
        "第1行应为“部门名称：协同职责”。（每行一个部门，如“县应急管理局：负责……”）",
        id="cooperation-without-duties",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "I12", "县自然资源和规划局：负责隐患点认定。"),
        "工作表“乡镇(街道)” 第 12 行 “协同部门(及职责)”列（I 列）："
        "牵头部门“县自然资源和规划局”不能同时是协同部门。",
        id="lead-department-cooperating",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "T28", "2027-02-30"),
        "工作表“乡镇(街道)” 第 28 行 “有效期至”列（T 列）："
        "“2027-02-30”不是有效的日期（如 2026-07-01 或 2026年7月1日）。",
        id="bad-end-date",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "T28", "2026-10-31"),
        "工作表“乡镇(街道)” 第 28 行 “有效期至”列（T 列）：临时事项的有效期不能早于生效日期。",
        id="end-date-before-effective-date",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "F4", "县委"),
        "工作表“乡镇(街道)” 第 4 行 “主体责任”列（F 列）：主体责任“县委”无效，"
        "应为“牵头部门”（部门承担）或本级单位“乡镇(街道)”“村(社区)”“网格”（属地承担）。",
        id="bad-primary-responsibility",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "O4", "县财政按辖区面积核拨巡查经费"),
        "工作表“乡镇(街道)” 第 4 行 “配套保障”列（O 列）："
        "“县财政按辖区面积核拨巡查经费”应写作“经费：…”、“人员：…”或“装备：…”。"
        "配套保障应分行写作“经费：来源（金额万元）”“人员：…”“装备：…”，没有的写“无”。",
        id="resources-not-in-parts",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "O4", "经费：无（5万元）"),
        "工作表“乡镇(街道)” 第 4 行 “配套保障”列（O 列）：经费来源为“无”时不应填写经费金额。",
        id="amount-without-funding",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "E5", "证明事项"),
        "工作表“乡镇(街道)” 第 5 行 “履职类型”列（E 列）：乡镇(街道)清单没有“证明事项”这类事项"
        "（证明事项、机制牌子只列入村(社区)清单）。",
        id="certificate-on-township-list",
    ),
    pytest.param(
        set_cell("网格", "E5", "上级部门收回"),
        "工作表“网格” 第 5 行 “履职类型”列（E 列）：网格清单的履职类型为基本履职、配合履职、"
        "不应承担事项。",
        id="taken-back-on-grid-list",
    ),
    pytest.param(
        set_cell("乡镇(街道)", "E5", "临时履职"),
        "工作表“乡镇(街道)” 第 5 行 “履职类型”列（E 列）：履职类型“临时履职”无效，应为："
        "基本履职、配合履职、上级部门收回、不应承担事项、证明事项、机制牌子。",
        id="bad-duty-type",
    ),
    pytest.param(
        set_cell("村(社区)", "S8", "青石村、石桥村"),
        "工作表“村(社区)” 第 8 行 “适用村(社区)”列（S 列）："
        "“石桥村”不是清河县的村(社区)（名称或编码）。",
        id="unknown-village",
    ),
    pytest.param(
        set_cell("村(社区)", "T4", "城中村"),
        "工作表“村(社区)” 第 4 行 “村(社区)类型”列（T 列）："
        "村(社区)类型“城中村”无效，应为：村、社区（留空为两者）。",
        id="bad-village-kind",
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
            set_cell("网格", "G5", "县水务局")(workbook),
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
            set_cell("乡镇(街道)", "J3", "乡镇（街道）\n职 责")(workbook),
            set_cell("乡镇(街道)", "D3", " 类　别 ")(workbook),
        )
    )

    result = _import(county, content)

    assert [len(p.added) for p in result.lists] == [32, 19, 12]


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
        "工作表“乡镇(街道)”：读取 32 行",
        "工作表“村(社区)”：读取 19 行",
        "工作表“网格”：读取 12 行",
    ]
    assert "乡镇(街道)：新增 32，修改 0，取消 0，未变 0" in lines
    assert "乡镇(街道)清单：新增 32，修改 0，取消 0，未变 0" in lines
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
