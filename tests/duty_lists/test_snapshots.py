"""As-of, per-township, diff and item-history reads over a hand-built history.

Each service call writes one history record "now"; the tests then move that record to a
chosen moment (Asia/Shanghai) so the timeline is exact:

    A  2026-01-05 10:00  created (东城街道、西城街道), by 张三
       2026-03-10 23:30  title and townships amended (东城街道、南山镇), by 李四
    B  2026-02-01 09:00  created, all townships
       2026-04-01 15:00  withdrawn (withdrawn_date 2026-04-01)
    C  2026-05-01 08:00  created, effective 2026-06-01
    D  2026-01-05 10:00  created, all townships
       2026-03-11 00:10  duty type amended (16:10 UTC on 03-10)
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from duty_lists import services, snapshots
from duty_lists.models import DutyItem, DutyType, ItemKind, ItemStatus, Level
from duty_lists.snapshots import FieldChange
from tests.factories import (
    SAFETY_LAW,
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    category_of,
    county_office_user,
    make_item,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(year, month, day, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def move_last_record(item: DutyItem, when: datetime.datetime) -> None:
    """Move the item's most recently written history record to ``when``."""
    record = DutyItem.history.filter(id=item.pk).order_by("-history_id").first()
    DutyItem.history.filter(history_id=record.history_id).update(history_date=when)


def codes(snapshots_):
    return [s.code for s in snapshots_]


@pytest.fixture
def timeline():
    county = CountyFactory(name="清河县")
    east = TownshipFactory(county=county, code="QH-01", name="东城街道")
    west = TownshipFactory(county=county, code="QH-02", name="西城街道")
    south = TownshipFactory(county=county, code="QH-03", name="南山镇")
    housing = DepartmentFactory(county=county, name="县住建局")
    emergency = DepartmentFactory(county=county, name="县应急管理局")
    zhang = county_office_user(county, display_name="张三")
    li = county_office_user(county, display_name="李四")

    a = make_item(
        county=county,
        code="XZ-0003",
        title="违法建设巡查",
        townships=[east, west],
        lead_department=housing,
        actor=zhang,
        reason="首批清单",
        effective_date=D(2026, 1, 5),
    )
    move_last_record(a, at(2026, 1, 5, 10))
    d = make_item(
        county=county,
        code="XZ-0002",
        title="农村危房排查",
        lead_department=housing,
        actor=zhang,
        reason="首批清单",
        effective_date=D(2026, 1, 5),
    )
    move_last_record(d, at(2026, 1, 5, 10))
    b = make_item(
        county=county,
        code="XZ-0001",
        title="燃气安全入户排查",
        lead_department=emergency,
        actor=zhang,
        reason="新增准入",
        effective_date=D(2026, 2, 1),
    )
    move_last_record(b, at(2026, 2, 1, 9))
    services.duty_item_amend(
        actor=li,
        item=a,
        reason="根据裁定调整",
        townships=[south, east],
        title="违法建设巡查和处置",
    )
    move_last_record(a, at(2026, 3, 10, 23, 30))
    services.duty_item_amend(actor=li, item=d, reason="履职类型调整", duty_type=DutyType.BASIC)
    move_last_record(d, at(2026, 3, 11, 0, 10))
    services.duty_item_withdraw(
        actor=li, item=b, reason="上级部门收回", withdrawn_date=D(2026, 4, 1)
    )
    move_last_record(b, at(2026, 4, 1, 15))
    c = make_item(
        county=county,
        code="XZ-0004",
        title="河道巡查",
        lead_department=emergency,
        actor=zhang,
        reason="新增准入",
        effective_date=D(2026, 6, 1),
    )
    move_last_record(c, at(2026, 5, 1, 8))

    # Noise that must never show up: another level of the county, another county.
    make_item(county=county, level=Level.VILLAGE, code="CS-0001", effective_date=D(2026, 1, 1))
    make_item(county=CountyFactory(), code="XZ-0001", effective_date=D(2026, 1, 1))

    return {
        "list": a.duty_list,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "east": east,
        "west": west,
        "south": south,
    }


@pytest.mark.parametrize(
    ("on_date", "expected"),
    [
        (D(2026, 1, 4), []),
        (D(2026, 1, 5), ["XZ-0002", "XZ-0003"]),
        (D(2026, 2, 1), ["XZ-0001", "XZ-0002", "XZ-0003"]),
        (D(2026, 3, 31), ["XZ-0001", "XZ-0002", "XZ-0003"]),
        (D(2026, 4, 1), ["XZ-0002", "XZ-0003"]),
        (D(2026, 5, 1), ["XZ-0002", "XZ-0003"]),
        (D(2026, 5, 31), ["XZ-0002", "XZ-0003"]),
        (D(2026, 6, 1), ["XZ-0002", "XZ-0003", "XZ-0004"]),
    ],
)
def test_items_as_of_lists_the_items_in_force_that_day(timeline, on_date, expected):
    assert codes(snapshots.items_as_of(timeline["list"], on_date)) == expected


def test_change_late_in_the_evening_belongs_to_that_day_in_shanghai(timeline):
    def version(on_date, code):
        (snapshot,) = [
            s for s in snapshots.items_as_of(timeline["list"], on_date) if s.code == code
        ]
        return snapshot

    # A's amendment at 23:30 on 03-10 (15:30 UTC) is part of 03-10.
    assert version(D(2026, 3, 9), "XZ-0003").title == "违法建设巡查"
    assert version(D(2026, 3, 10), "XZ-0003").title == "违法建设巡查和处置"
    # D's amendment at 00:10 on 03-11 (16:10 UTC on 03-10) is part of 03-11, not 03-10.
    assert version(D(2026, 3, 10), "XZ-0002").duty_type == DutyType.COOPERATING
    assert version(D(2026, 3, 11), "XZ-0002").duty_type == DutyType.BASIC


def test_snapshot_carries_every_tracked_field_of_that_version(timeline):
    snapshot = next(
        s for s in snapshots.items_as_of(timeline["list"], D(2026, 3, 10)) if s.code == "XZ-0003"
    )
    record = DutyItem.history.get(id=timeline["a"].pk, history_type="~")

    assert snapshot == snapshots.ItemSnapshot(
        item_id=timeline["a"].pk,
        history_id=record.history_id,
        history_date=at(2026, 3, 10, 23, 30),
        history_type="~",
        history_user_id=record.history_user_id,
        history_user_name="李四",
        change_reason="根据裁定调整",
        duty_list_id=timeline["list"].pk,
        level=Level.TOWNSHIP,
        code="XZ-0003",
        title="违法建设巡查和处置",
        item_kind=ItemKind.DUTY,
        item_kind_label="履职事项",
        category_id=timeline["a"].category_id,
        category_code="CX",
        category_label="城乡建设",
        duty_type=DutyType.COOPERATING,
        duty_type_label="配合履职",
        primary_responsibility="department",
        lead_department_id=timeline["a"].lead_department_id,
        lead_department_name="县住建局",
        department_responsibilities="部门负责组织实施。",
        cooperations=(),
        local_responsibilities="乡镇负责发现报告。",
        basis="《测试条例》第一条",
        accountability="",
        exemption="",
        work_requirements="",
        funding_amount=None,
        funding_source="",
        staffing="",
        equipment="",
        remarks="",
        guidance_code="",
        applies_to_all=False,
        township_ids=frozenset({timeline["east"].pk, timeline["south"].pk}),
        township_names=("东城街道", "南山镇"),
        village_ids=frozenset(),
        village_names=(),
        village_township_ids=frozenset(),
        village_kind="",
        effective_date=D(2026, 1, 5),
        expires_on=None,
        status=ItemStatus.IN_FORCE,
        status_label="有效",
        withdrawn_date=None,
    )
    assert snapshot.applicability_label == "东城街道、南山镇"
    assert snapshot.local_responsibilities_label == "乡镇(街道)职责"
    assert snapshot.primary_responsibility_label == "牵头部门"


@pytest.mark.parametrize(
    ("township", "on_date", "expected"),
    [
        ("west", D(2026, 3, 9), ["XZ-0001", "XZ-0002", "XZ-0003"]),
        ("west", D(2026, 3, 10), ["XZ-0001", "XZ-0002"]),
        ("south", D(2026, 3, 9), ["XZ-0001", "XZ-0002"]),
        ("south", D(2026, 3, 10), ["XZ-0001", "XZ-0002", "XZ-0003"]),
        ("east", D(2026, 4, 1), ["XZ-0002", "XZ-0003"]),
        ("east", D(2026, 6, 1), ["XZ-0002", "XZ-0003", "XZ-0004"]),
    ],
)
def test_items_as_of_for_township_keeps_items_that_apply_to_it(
    timeline, township, on_date, expected
):
    result = snapshots.items_as_of_for_township(timeline[township], Level.TOWNSHIP, on_date)

    assert codes(result) == expected


def test_township_of_a_county_without_that_list_gets_nothing(timeline):
    assert snapshots.items_as_of_for_township(timeline["east"], Level.GRID, D(2026, 6, 1)) == []


def test_diff_lists_added_withdrawn_and_changed_items_with_readable_values(timeline):
    diff = snapshots.duty_list_diff(timeline["list"], D(2026, 2, 15), D(2026, 6, 15))

    assert codes(diff.added) == ["XZ-0004"]
    assert diff.added[0].title == "河道巡查"

    (withdrawn,) = diff.withdrawn
    assert withdrawn.before.code == "XZ-0001"
    assert withdrawn.before.status == ItemStatus.IN_FORCE
    assert withdrawn.after.status == ItemStatus.WITHDRAWN
    assert withdrawn.after.withdrawn_date == D(2026, 4, 1)
    assert withdrawn.after.change_reason == "上级部门收回"

    assert [(c.after.code, c.changes) for c in diff.changed] == [
        ("XZ-0002", (FieldChange("duty_type", "履职类型", "配合履职", "基本履职"),)),
        (
            "XZ-0003",
            (
                FieldChange("title", "事项名称", "违法建设巡查", "违法建设巡查和处置"),
                FieldChange(
                    "townships", "适用乡镇(街道)", "东城街道、西城街道", "东城街道、南山镇"
                ),
            ),
        ),
    ]
    assert not diff.is_empty


def test_diff_across_the_day_boundary_shows_only_that_days_changes(timeline):
    diff = snapshots.duty_list_diff(timeline["list"], D(2026, 3, 9), D(2026, 3, 10))

    assert diff.added == ()
    assert diff.withdrawn == ()
    assert [c.after.code for c in diff.changed] == ["XZ-0003"]


def test_diff_of_a_quiet_period_is_empty(timeline):
    diff = snapshots.duty_list_diff(timeline["list"], D(2026, 4, 2), D(2026, 4, 30))

    assert diff.is_empty


def test_diff_rejects_reversed_dates(timeline):
    with pytest.raises(ValueError, match="date_from"):
        snapshots.duty_list_diff(timeline["list"], D(2026, 6, 1), D(2026, 1, 1))


def test_item_history_shows_who_when_why_and_what_changed(timeline):
    entries = snapshots.item_history(timeline["a"])

    assert [(e.when, e.user_name, e.reason, e.kind) for e in entries] == [
        (at(2026, 1, 5, 10), "张三", "首批清单", "新增"),
        (at(2026, 3, 10, 23, 30), "李四", "根据裁定调整", "修改"),
    ]
    assert entries[0].changes == ()
    assert entries[1].changes == (
        FieldChange("title", "事项名称", "违法建设巡查", "违法建设巡查和处置"),
        FieldChange("townships", "适用乡镇(街道)", "东城街道、西城街道", "东城街道、南山镇"),
    )


def test_item_history_marks_a_withdrawal_as_cancelled(timeline):
    entries = snapshots.item_history(timeline["b"])

    assert [(e.kind, e.user_name, e.reason) for e in entries] == [
        ("新增", "张三", "新增准入"),
        ("取消", "李四", "上级部门收回"),
    ]
    assert entries[1].changes == (
        FieldChange("status", "状态", "有效", "已取消"),
        FieldChange("withdrawn_date", "取消日期", "", "2026-04-01"),
    )


def test_field_changes_show_labels_names_and_all_units():
    county = CountyFactory()
    east = TownshipFactory(county=county, name="东城街道")
    item = make_item(
        county=county, lead_department=DepartmentFactory(county=county, name="县住建局")
    )
    police = DepartmentFactory(county=county, name="县公安局")
    services.duty_item_amend(
        actor=None,
        item=item,
        reason="调整",
        category=category_of(county, SAFETY_LAW),
        duty_type=DutyType.BASIC,
        lead_department=DepartmentFactory(county=county, name="县消防救援大队"),
        cooperations=[(police, "负责治安秩序维护。")],
        local_responsibilities="乡镇组织检查。",
        accountability="未按要求检查造成后果的。",
        funding_amount=Decimal("2"),
        funding_source="县财政",
        staffing="无",
        equipment="无",
        remarks="试行",
        guidance_code="ZJ-001",
        applies_to_all=False,
        townships=[east],
        effective_date=D(2026, 7, 1),
        expires_on=D(2026, 12, 31),
    )

    first, second = snapshots.item_history(item)

    assert second.user_name == "系统"
    assert second.changes == (
        FieldChange("category", "领域类别", "城乡建设", "平安法治"),
        FieldChange("duty_type", "履职类型", "配合履职", "基本履职"),
        FieldChange("lead_department", "牵头部门", "县住建局", "县消防救援大队"),
        FieldChange(
            "cooperating_departments", "协同部门及职责", "", "县公安局：负责治安秩序维护。"
        ),
        FieldChange(
            "local_responsibilities", "乡镇(街道)职责", "乡镇负责发现报告。", "乡镇组织检查。"
        ),
        FieldChange("accountability", "追责情形", "", "未按要求检查造成后果的。"),
        FieldChange("funding_amount", "经费金额(万元)", "", "2万元"),
        FieldChange("funding_source", "经费来源", "", "县财政"),
        FieldChange("staffing", "人员保障", "", "无"),
        FieldChange("equipment", "装备保障", "", "无"),
        FieldChange("remarks", "备注", "", "试行"),
        FieldChange("guidance_code", "指导目录编码", "", "ZJ-001"),
        FieldChange("townships", "适用乡镇(街道)", "全部", "东城街道"),
        FieldChange("effective_date", "生效日期", "2026-01-01", "2026-07-01"),
        FieldChange("expires_on", "有效期至", "", "2026-12-31"),
    )


def test_township_set_kept_while_applying_to_all_is_not_a_change():
    county = CountyFactory()
    east = TownshipFactory(county=county)
    item = make_item(county=county)
    services.duty_item_amend(actor=None, item=item, reason="补录", townships=[east])

    assert snapshots.item_history(item)[1].changes == ()


def test_withdrawal_taking_effect_later_keeps_the_item_in_force_until_then():
    county = CountyFactory()
    item = make_item(county=county, code="XZ-0001", effective_date=D(2026, 1, 1))
    move_last_record(item, at(2026, 1, 1, 9))
    services.duty_item_withdraw(
        actor=None, item=item, reason="自7月1日起取消", withdrawn_date=D(2026, 7, 1)
    )
    move_last_record(item, at(2026, 4, 1, 9))

    assert codes(snapshots.items_as_of(item.duty_list, D(2026, 6, 30))) == ["XZ-0001"]
    assert codes(snapshots.items_as_of(item.duty_list, D(2026, 7, 1))) == []
    diff = snapshots.duty_list_diff(item.duty_list, D(2026, 6, 30), D(2026, 7, 1))
    assert [w.before.code for w in diff.withdrawn] == ["XZ-0001"]


def test_records_with_the_same_timestamp_resolve_to_the_one_written_last():
    county = CountyFactory()
    item = make_item(county=county, title="旧名称")
    services.duty_item_amend(actor=None, item=item, reason="更名", title="新名称")
    DutyItem.history.filter(id=item.pk).update(history_date=at(2026, 2, 1, 9))

    (snapshot,) = snapshots.items_as_of(item.duty_list, D(2026, 2, 1))

    assert snapshot.title == "新名称"


def build_list(size: int):
    """A list of ``size`` items, half amended with townships, one in ten withdrawn."""
    county = CountyFactory()
    townships = [TownshipFactory(county=county) for _ in range(3)]
    department = DepartmentFactory(county=county)
    items = [
        make_item(county=county, lead_department=department, townships=townships[:2])
        for _ in range(size)
    ]
    DutyItem.history.filter(id__in=[i.pk for i in items]).update(history_date=at(2026, 1, 5))
    for index, item in enumerate(items):
        if index % 2 == 0:
            services.duty_item_amend(
                actor=None, item=item, reason="调整", title=f"调整后{index}", townships=townships
            )
        if index % 10 == 0:
            services.duty_item_withdraw(
                actor=None, item=item, reason="取消", withdrawn_date=D(2026, 1, 6)
            )
    return county, townships[0], items[0].duty_list, items


@pytest.mark.parametrize("size", [10, 200])
def test_reads_run_a_fixed_number_of_queries(size, django_assert_num_queries):
    county, township, duty_list, items = build_list(size)
    today = timezone.localdate()

    with django_assert_num_queries(2):
        in_force = snapshots.items_as_of(duty_list, today)
    with django_assert_num_queries(2):
        for_township = snapshots.items_as_of_for_township(township, Level.TOWNSHIP, today)
    with django_assert_num_queries(4):
        diff = snapshots.duty_list_diff(duty_list, D(2026, 1, 5), today)
    with django_assert_num_queries(2):
        history = snapshots.item_history(items[0])

    assert len(in_force) == len(for_township) == size - size // 10
    assert len(diff.withdrawn) == size // 10
    assert len(diff.changed) == size // 2 - size // 10
    assert [e.kind for e in history] == ["新增", "修改", "取消"]
