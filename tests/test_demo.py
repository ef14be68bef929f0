"""``manage.py demo`` loads fixtures/demo/: the one test of those files, so they stay loadable."""

import datetime
import importlib.util
import io
import re
import shutil
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone as django_timezone
from openpyxl import load_workbook
from viewflow.workflow.models import Task

from arbitration.batch_services import notice_last_day
from arbitration.models import (
    BatchDocument,
    BatchEntry,
    DecisionBatch,
    NoticeOpinion,
    OffListReport,
    Ruling,
)
from duty_lists.models import DutyItem, DutyList, ItemStatus, Level, Release, ReleaseChange
from duty_lists.snapshots import duty_list_diff, item_history, items_as_of_for_township
from evaluation.models import (
    EvaluationRound,
    FlagKind,
    Indicator,
    IndicatorSet,
    RoundStage,
    SheetFlag,
    SheetState,
)
from organisations.models import (
    County,
    Department,
    Grid,
    Membership,
    Role,
    Township,
    User,
    Village,
)
from workflow import services
from workflow.flows import ChangeRequestFlow
from workflow.models import (
    ChangeRequestProcess,
    Consultation,
    CountyWorkflowSettings,
    Notification,
    TemporaryItemProcess,
)

pytestmark = pytest.mark.django_db

DEMO_DIR = django_settings.BASE_DIR / "fixtures" / "demo"
HistoricalDutyItem = DutyItem.history.model


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The demo creates 12 logins; PBKDF2 costs ~0.6 s each and is not what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def _demo(**options) -> str:
    # The evaluation rounds (~1600 sheets submitted one by one through the services)
    # take over a minute; only the test of those rounds loads them.
    options.setdefault("skip_evaluation", True)
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    models = (County, Department, Township, Village, Grid, User, Membership, DutyList)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["DutyItem"] = DutyItem.objects.count()
    counts["DutyItem history"] = HistoricalDutyItem.objects.count()
    counts["Membership history"] = Membership.history.count()
    for model in (ChangeRequestProcess, Task, Consultation, Ruling, Notification):
        counts[model.__name__] = model.objects.count()
    for model in (Release, ReleaseChange, DecisionBatch, BatchEntry, BatchDocument, NoticeOpinion):
        counts[model.__name__] = model.objects.count()
    for model in (IndicatorSet, Indicator):
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


def _indented_rows(output: str, heading: str) -> list[list[str]]:
    """The cells of the indented table printed after ``heading``."""
    section = output.split(heading, 1)[1].splitlines()[1:]
    rows = []
    for line in section:
        if not line.startswith("  "):
            break
        rows.append(line.split())
    return rows


def _item(code: str, county: str = "清河县") -> DutyItem:
    return DutyItem.objects.get(duty_list__county__name=county, code=code)


def test_demo_loads_twice_without_duplicates(debug_on):
    first_output = _demo()
    after_first = _row_counts()
    second_output = _demo()
    after_second = _row_counts()

    assert after_second == after_first
    # Tasks (with their timers) and notifications are as many as the flow makes; the
    # second run must add none of them.
    del after_second["Task"], after_second["Notification"]
    assert after_second == {
        "County": 2,
        "Department": 33,
        "Township": 17,
        "Village": 57,
        "Grid": 138,
        "User": 15,
        "Membership": 15,
        "DutyList": 5,
        # 66 from the lists files and 2 published by the decided demo batch.
        "DutyItem": 68,
        "DutyItem history": 75,
        "Membership history": 15,
        "ChangeRequestProcess": 13,
        "Consultation": 12,
        "Ruling": 2,
        # The first release of each of the five lists, and the decided batch's.
        "Release": 6,
        # The items in force when the lists were first issued (清河县 31 + 19 + 12,
        # 白沙县 2 + 1), then the decided batch's two.
        "ReleaseChange": 67,
        "DecisionBatch": 2,
        "BatchEntry": 4,
        "BatchDocument": 1,
        "NoticeOpinion": 1,
        # One set per direction for each county: 5 + 3 indicators.
        "IndicatorSet": 4,
        "IndicatorSet history": 4,
        "Indicator": 16,
        "Indicator history": 16,
    }
    assert (
        "用户：新建 15，已存在 0；清单事项：新建 66，已存在 0；变更：应用 7，已应用 0；"
        "申请：新建 13，已存在 0；临时事项到期计时：新建 1。"
    ) in first_output
    assert (
        "用户：新建 0，已存在 15；清单事项：新建 0，已存在 66；变更：应用 0，已应用 7；"
        "申请：新建 0，已存在 13；临时事项到期计时：新建 0。"
    ) in second_output
    assert "发布版本：新建 5，已存在 0；审定批次：新建 2，已存在 0。" in first_output
    assert "发布版本：新建 0，已存在 5；审定批次：新建 0，已存在 2。" in second_output
    assert "评价指标体系：新建 4，已存在 0。" in first_output
    assert "评价指标体系：新建 0，已存在 4。" in second_output
    assert "清单审查单位：设置 1，已设置 0。" in first_output
    assert "清单审查单位：设置 0，已设置 1。" in second_output
    assert "密码均为 qingdan-demo" in second_output
    login_lines = _indented_rows(second_output, "demo logins")
    assert login_lines[0] == ["用户名", "姓名", "角色", "单位"]
    assert ["chengguan_head", "张丽华", "乡镇(街道)负责人", "清河县", "城关街道"] in login_lines
    assert ["baisha_office", "黄志明", "县委编办", "白沙县委编办"] in login_lines
    village_login = [
        "beimen_shuji",
        "林晓梅",
        "村(社区)书记/主任",
        "清河县",
        "城关街道",
        "北门社区",
    ]
    assert village_login in login_lines
    grid_login = ["beimen_wangge", "何建军", "网格员", "清河县", "城关街道", "北门社区第一网格"]
    assert grid_login in login_lines
    assert len(login_lines) == 16
    task_lines = _indented_rows(second_output, "open tasks (inbox and queue):")
    assert task_lines == [
        ["用户名", "任务"],
        ["office", "形式审查", "1，拟办意见", "1"],
        ["admin", "—"],
        ["zjj_staff", "修改后重新提交", "1，征求意见", "1"],
        ["zjj_head", "修改后重新提交", "1，征求意见", "1"],
        ["yjj_staff", "征求意见", "1，部门答复", "1"],
        ["shegong_staff", "—"],
        ["chengguan_head", "征求意见", "1"],
        ["chengguan_staff", "—"],
        ["qingshi_head", "征求意见", "1"],
        ["yunling_head", "征求意见", "1"],
        ["beimen_shuji", "—"],
        ["beimen_wangge", "—"],
        ["baisha_office", "形式审查", "1"],
        ["baisha_head", "—"],
        ["kaohe", "—"],
    ]
    on_notice = DecisionBatch.objects.get(title="2026年第二批清单调整事项")
    assert _indented_rows(second_output, "decision batches:") == [
        ["县", "批次", "状态"],
        ["清河县", "2026年第一批清单调整事项", "已审定（清委办发〔2026〕35号）"],
        [
            "清河县",
            "2026年第二批清单调整事项",
            "公示中（公示至",
            f"{notice_last_day(on_notice):%Y-%m-%d}）",
        ],
    ]


def test_demo_county_has_the_documented_shape(settings):
    # DEBUG off with --force loads as well.
    settings.DEBUG = False
    _demo(force=True)

    qinghe = County.objects.get(code="330999")
    assert qinghe.name == "清河县"
    assert Counter(qinghe.townships.values_list("kind", flat=True)) == {
        Township.Kind.SUBDISTRICT: 4,
        Township.Kind.TOWN: 9,
        Township.Kind.TOWNSHIP: 2,
    }
    assert qinghe.departments.count() == 30
    assert qinghe.departments.filter(name="县住房和城乡建设局").exists()
    villages_per_township = Counter(
        Village.objects.filter(township__county=qinghe).values_list("township__name", flat=True)
    )
    assert len(villages_per_township) == 15
    assert set(villages_per_township.values()) == {3, 4, 5}
    # Communities (社区) under 街道, villages (村) under 镇 and 乡.
    assert set(
        Village.objects.filter(township__county=qinghe).values_list("township__kind", "kind")
    ) == {
        (Township.Kind.SUBDISTRICT, Village.Kind.COMMUNITY),
        (Township.Kind.TOWN, Village.Kind.VILLAGE),
        (Township.Kind.TOWNSHIP, Village.Kind.VILLAGE),
    }
    grids_per_village = Counter(
        Grid.objects.filter(village__township__county=qinghe).values_list("village_id", flat=True)
    )
    assert len(grids_per_village) == 53
    assert set(grids_per_village.values()) == {2, 3}

    items = DutyItem.objects.filter(duty_list__county=qinghe)
    # The township list holds two items published by demo requests (requests.csv).
    assert Counter(items.values_list("duty_list__level", flat=True)) == {
        Level.TOWNSHIP: 34,
        Level.VILLAGE: 19,
        Level.GRID: 12,
    }
    # Village and grid lists have 不应承担事项 where the township list has 上级部门收回.
    assert Counter(items.values_list("duty_list__level", "duty_type")) == {
        (Level.TOWNSHIP, "cooperating"): 18 + 2,
        (Level.TOWNSHIP, "basic"): 10,
        (Level.TOWNSHIP, "taken_back"): 4,
        (Level.VILLAGE, "cooperating"): 12,
        (Level.VILLAGE, "basic"): 6,
        (Level.VILLAGE, "negative"): 1,
        (Level.GRID, "cooperating"): 11,
        (Level.GRID, "negative"): 1,
    }
    # The county's categories are its own rows, the eight every county starts with.
    assert list(qinghe.categories.values_list("code", "name")) == [
        ("DJ", "党的建设"),
        ("JJ", "经济发展"),
        ("CX", "城乡建设"),
        ("PA", "平安法治"),
        ("ST", "生态环保"),
        ("GG", "公共服务"),
        ("SH", "社会事务"),
        ("ZH", "综合保障"),
    ]
    assert set(items.values_list("category__county", flat=True)) == {qinghe.pk}
    assert items.values("category").distinct().count() == 8
    assert items.filter(applies_to_all=False).count() == 23
    assert list(_item("XZ-LY-0001").townships.order_by("code").values_list("name", flat=True)) == [
        "青石镇",
        "石门镇",
        "梅岭镇",
        "枫林镇",
        "云岭乡",
        "竹坪乡",
    ]

    baisha = County.objects.get(name="白沙县")
    assert baisha.townships.count() == 2
    assert baisha.departments.count() == 3
    assert DutyItem.objects.filter(duty_list__county=baisha).count() == 3
    # Same code in both counties, two separate items.
    assert _item("XZ-ZJ-0001", "白沙县").lead_department.county == baisha


def test_demo_items_carry_what_published_lists_carry(debug_on, client):
    _demo()

    # 协同部门, each with its own duties; 主体责任; 追责/免责情形 and 工作要求; 配套保障.
    gas = _item("XZ-ZJ-0001")
    assert list(gas.cooperations.values_list("department__name", flat=True)) == [
        "县综合行政执法局",
        "县自然资源和规划局",
    ]
    assert (gas.primary_responsibility, gas.funding_amount, gas.guidance_code) == (
        "local",
        Decimal("120.00"),
        "ZJ-XZ-JB-001",
    )
    assert gas.accountability.startswith("发现违法建设未及时劝阻")
    assert DutyItem.objects.filter(cooperations__isnull=False).distinct().count() == 7
    # The temporary item (临时事项) waits for its end in an expiry timer.
    fire = _item("XZ-XF-0002")
    assert (fire.expires_on, fire.primary_responsibility) == (
        datetime.date(2027, 4, 30),
        "department",
    )
    [timer] = TemporaryItemProcess.objects.filter(item=fire)
    assert (timer.expires_on, timer.outcome, timer.status) == (
        datetime.date(2027, 4, 30),
        "waiting",
        "NEW",
    )
    # Village lists: a certificate, a sign only for 村, an item for named villages.
    assert _item("CS-SG-0002").item_kind == "certificate"
    assert (_item("CS-ZZ-0002").item_kind, _item("CS-ZZ-0002").village_kind) == (
        "mechanism",
        "village",
    )
    assert _item("CS-SL-0001").villages.count() == 4

    # The township list's public document shows 主体责任 and 协同部门 as published
    # lists do.
    response = client.get("/public/330999/documents/township.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[3]]
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] == "XZ-ZJ-0001")
    cells = dict(zip(headers, row, strict=True))
    assert (cells["主体责任"], cells["协同部门(及职责)"]) == (
        "乡镇(街道)",
        "县综合行政执法局：对乡镇(街道)报告的违法建设依法立案查处，组织实施强制拆除。\n"
        "县自然资源和规划局：负责农村村民非法占地建住宅的认定和查处。",
    )
    assert cells["配套保障"] == (
        "经费：县财政按辖区面积核拨巡查经费（120万元）\n"
        "人员：每个乡镇(街道)配备不少于2名巡查人员\n装备：无"
    )
    assert "XZ-XF-0002" in [r[1] for r in sheet.iter_rows(min_row=4, values_only=True)]


def test_demo_lists_files_are_what_their_script_writes():
    spec = importlib.util.spec_from_file_location("make_lists", DEMO_DIR / "make_lists.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    written = script.workbooks()

    assert sorted(written) == ["清河县三张清单.xlsx", "白沙县三张清单.xlsx"]
    for name, content in written.items():
        fresh = load_workbook(io.BytesIO(content))
        committed = load_workbook(DEMO_DIR / name)
        assert committed.sheetnames == fresh.sheetnames
        for sheet in fresh.sheetnames:
            assert list(committed[sheet].values) == list(fresh[sheet].values), (name, sheet)


def test_demo_history_shows_amendments_and_the_withdrawal(debug_on):
    _demo()

    withdrawn = _item("XZ-JX-0001")
    assert withdrawn.status == ItemStatus.WITHDRAWN
    assert withdrawn.withdrawn_date == datetime.date(2026, 6, 30)

    history = item_history(_item("XZ-ZJ-0001"))
    assert [(entry.when.date(), entry.kind, entry.user_name) for entry in history] == [
        (datetime.date(2025, 7, 1), "新增", "系统"),
        (datetime.date(2026, 1, 15), "修改", "周建华"),
        (datetime.date(2026, 3, 20), "修改", "周建华"),
    ]
    assert history[0].reason == "演示数据导入"
    assert history[2].reason == (
        "补充农村村民非法占地建住宅和违法建筑处置的依据（演示数据导入，变更编号 BG-2026-003）"
    )
    assert [change.label for change in history[2].changes] == ["实施依据"]

    township_list = DutyList.objects.get(county__name="清河县", level=Level.TOWNSHIP)
    diff = duty_list_diff(township_list, datetime.date(2026, 3, 1), datetime.date(2026, 11, 1))
    # XZ-XF-0002, the temporary item, is in force from 2026-11-01.
    assert [snapshot.code for snapshot in diff.added] == ["XZ-SZ-0001", "XZ-XF-0002"]
    assert [entry.before.code for entry in diff.withdrawn] == ["XZ-JX-0001"]
    assert [entry.after.code for entry in diff.changed] == [
        "XZ-JY-0001",
        "XZ-YJ-0002",
        "XZ-ZJ-0001",
        "XZ-ZJ-0002",
    ]

    # 燃气入户排查 reached 青石镇 only with the amendment of 2026-04-08.
    qingshi = Township.objects.get(name="青石镇")
    before = items_as_of_for_township(qingshi, Level.TOWNSHIP, datetime.date(2026, 3, 1))
    after = items_as_of_for_township(qingshi, Level.TOWNSHIP, datetime.date(2026, 11, 1))
    assert "XZ-ZJ-0002" not in [snapshot.code for snapshot in before]
    assert "XZ-ZJ-0002" in [snapshot.code for snapshot in after]
    # And XZ-XF-0002, for every township, came into force on 2026-11-01.
    assert (len(before), len(after)) == (26, 28)


def test_demo_users_hold_their_roles(debug_on, client):
    _demo()

    memberships = {
        m.user.username: (m.role, m.unit.name, m.county.name)
        for m in Membership.objects.select_related(
            "user", "county", "department", "township", "village", "grid"
        )
    }
    assert memberships == {
        "office": (Role.COUNTY_OFFICE, "清河县", "清河县"),
        "admin": (Role.COUNTY_ADMIN, "清河县", "清河县"),
        "kaohe": (Role.ASSESSMENT_OFFICE, "清河县", "清河县"),
        "zjj_staff": (Role.DEPARTMENT_STAFF, "县住房和城乡建设局", "清河县"),
        "zjj_head": (Role.DEPARTMENT_HEAD, "县住房和城乡建设局", "清河县"),
        "yjj_staff": (Role.DEPARTMENT_STAFF, "县应急管理局", "清河县"),
        "shegong_staff": (Role.DEPARTMENT_STAFF, "县委社会工作部", "清河县"),
        "beimen_shuji": (Role.VILLAGE_HEAD, "北门社区", "清河县"),
        "beimen_wangge": (Role.GRID_WORKER, "北门社区第一网格", "清河县"),
        "chengguan_head": (Role.TOWNSHIP_HEAD, "城关街道", "清河县"),
        "chengguan_staff": (Role.TOWNSHIP_STAFF, "城关街道", "清河县"),
        "qingshi_head": (Role.TOWNSHIP_HEAD, "青石镇", "清河县"),
        "yunling_head": (Role.TOWNSHIP_HEAD, "云岭乡", "清河县"),
        "baisha_office": (Role.COUNTY_OFFICE, "白沙县", "白沙县"),
        "baisha_head": (Role.TOWNSHIP_HEAD, "沙湾街道", "白沙县"),
    }
    head = User.objects.get(username="chengguan_head")
    assert head.display_name == "张丽华"
    assert head.has_perm("organisations.act_for_township", Township.objects.get(name="城关街道"))
    assert not head.has_perm("organisations.act_for_township", Township.objects.get(name="青石镇"))
    # The login lockout needs the request that tries the password.
    assert client.login(request=HttpRequest(), username="chengguan_head", password="qingdan-demo")
    assert not User.objects.filter(is_superuser=True).exists()


def test_demo_seeds_default_indicator_sets_per_county(debug_on):
    _demo()

    seeded = {
        (s.county.name, s.direction, s.name): [
            (i.name, i.weight, i.max_score) for i in s.indicators.all()
        ]
        for s in IndicatorSet.objects.select_related("county").prefetch_related("indicators")
    }
    township_rates = [
        ("依单履职", 30, 100),
        ("资源随事转", 20, 100),
        ("响应及时", 20, 100),
        ("未转嫁责任", 15, 100),
        ("协同满意度", 15, 100),
    ]
    department_rates = [
        ("配合职责履行到位", 50, 100),
        ("信息报送及时准确", 30, 100),
        ("协作态度", 20, 100),
    ]
    assert seeded == {
        (county, direction, name): rows
        for county in ("清河县", "白沙县")
        for direction, name, rows in (
            ("township_to_department", "乡镇(街道)评价部门默认指标", township_rates),
            ("department_to_township", "部门评价乡镇(街道)默认指标", department_rates),
        )
    }
    assert set(Indicator.history.values_list("history_type", "history_change_reason")) == {
        ("+", "演示数据：默认评价指标")
    }


OPEN = ("NEW", "ASSIGNED", "STARTED")
REQUEST_KEY = re.compile(r"（演示申请 (SQ-\d{4}-\d{2})）$")


def _request(key: str) -> ChangeRequestProcess:
    return ChangeRequestProcess.objects.get(reasons__endswith=f"（演示申请 {key}）")


def _key(process) -> str:
    return REQUEST_KEY.search(process.coerced.reasons).group(1)


def _task_label(task) -> str:
    """``node`` or ``node:party`` for a consultation task."""
    if task.flow_task.name != "consult":
        return task.flow_task.name
    if "township" in task.data:
        return f"consult:{Township.objects.get(pk=task.data['township']).name}"
    return f"consult:{Department.objects.get(pk=task.data['department']).name}"


def test_demo_requests_stand_in_every_state(debug_on):
    _demo()

    states = {}
    for process in ChangeRequestProcess.objects.all():
        # Human tasks, and the wait for 审定 (a task the decision batch completes).
        open_tasks = process.task_set.filter(
            flow_task_type__in=["HUMAN", "FUNCTION"], status__in=OPEN
        )
        states[_key(process)] = (
            process.county.name,
            process.status,
            process.outcome,
            sorted(_task_label(task) for task in open_tasks),
        )
    assert states == {
        # published by the decided batch: all consulted townships accepted
        "SQ-2026-01": ("清河县", "DONE", "published", []),
        # published by the decided batch: 云岭乡 contested, the proposal admitted it with
        # amended text and the leadership followed it
        "SQ-2026-02": ("清河县", "DONE", "published", []),
        # rejected at review (不予受理)
        "SQ-2026-03": ("清河县", "DONE", "rejected", []),
        # the only township contested, the proposal rejects it: in the batch on notice
        "SQ-2026-04": ("清河县", "NEW", "pending", ["await_decision"]),
        # waiting for the county office's proposal: 青石镇 and 云岭乡 contested
        "SQ-2026-05": ("清河县", "NEW", "pending", ["arbitrate"]),
        # in consultation, 青石镇 has answered
        "SQ-2026-06": ("清河县", "NEW", "pending", ["consult:云岭乡", "consult:城关街道"]),
        # in consultation, 城关街道 has answered
        "SQ-2026-07": ("清河县", "NEW", "pending", ["consult:青石镇"]),
        # returned for revision
        "SQ-2026-08": ("清河县", "NEW", "pending", ["revise"]),
        # waiting for review
        "SQ-2026-09": ("清河县", "NEW", "pending", ["review"]),
        # township-initiated withdrawal and amendment, waiting for the lead department
        "SQ-2026-10": ("清河县", "NEW", "pending", ["consult:县住房和城乡建设局"]),
        "SQ-2026-11": ("清河县", "NEW", "pending", ["consult:县应急管理局"]),
        # the other county's request, waiting for its own county office
        "SQ-2026-12": ("白沙县", "NEW", "pending", ["review"]),
        # all accepted, in the batch on public notice (公示)
        "SQ-2026-13": ("清河县", "NEW", "pending", ["await_decision"]),
    }
    answers = Consultation.objects.order_by("pk").values_list(
        "process__reasons", "township__name", "department__name", "answer", "answered_by__username"
    )
    assert [(REQUEST_KEY.search(r).group(1), *rest) for r, *rest in answers] == [
        ("SQ-2026-01", "城关街道", None, "accept", "chengguan_head"),
        ("SQ-2026-01", "青石镇", None, "accept", "qingshi_head"),
        ("SQ-2026-02", "青石镇", None, "accept", "qingshi_head"),
        ("SQ-2026-02", "云岭乡", None, "contest", "yunling_head"),
        ("SQ-2026-04", "云岭乡", None, "contest", "yunling_head"),
        ("SQ-2026-05", "城关街道", None, "accept", "chengguan_head"),
        ("SQ-2026-05", "青石镇", None, "contest", "qingshi_head"),
        ("SQ-2026-05", "云岭乡", None, "contest", "yunling_head"),
        ("SQ-2026-06", "青石镇", None, "accept", "qingshi_head"),
        ("SQ-2026-07", "城关街道", None, "accept", "chengguan_head"),
        ("SQ-2026-13", "城关街道", None, "accept", "chengguan_head"),
        ("SQ-2026-13", "青石镇", None, "accept", "qingshi_head"),
    ]
    returned = _request("SQ-2026-08")
    assert (returned.review_decision, returned.reviewed_by.username) == ("return", "office")
    assert returned.review_comment.startswith("请写明实施依据的具体条款")
    assert _request("SQ-2026-03").review_comment.startswith("安全生产许可条件核查")


def test_demo_published_requests_are_on_the_list_with_their_history(debug_on):
    _demo()

    all_accepted = _request("SQ-2026-01")
    item = _item("XZ-ZJ-0005")
    assert all_accepted.published_item == item
    assert item.status == ItemStatus.IN_FORCE
    assert item.lead_department.name == "县住房和城乡建设局"
    assert sorted(item.townships.values_list("name", flat=True)) == ["城关街道", "青石镇"]
    history = item_history(item)
    assert [(entry.kind, entry.user_name) for entry in history] == [("新增", "周建华")]
    assert history[0].reason == (
        f"依据县委常委会审定（清委办发〔2026〕35号）发布："
        f"新增事项申请 {all_accepted.number}（新增事项：城镇老旧小区改造居民意见征集）"
    )

    ruled = _request("SQ-2026-02")
    item = _item("XZ-YJ-0003")
    assert ruled.published_item == item
    assert sorted(item.townships.values_list("name", flat=True)) == ["云岭乡", "青石镇"]
    assert item.local_responsibilities.endswith("不承担演练方案的编制和效果评估。")
    assert list(ruled.ruling.decisions.values_list("township__name", "decision")) == [
        ("云岭乡", "admit_amended")
    ]
    assert ruled.ruling.meeting_record.startswith("2026年11月县委编办召开协调会")
    assert item_history(item)[0].reason.startswith("依据县委常委会审定（清委办发〔2026〕35号）发布")
    assert item_history(item)[0].reason.endswith(
        f"新增事项申请 {ruled.number}（{ruled.subject_line}）"
    )

    # Not admitted, rejected at review, or still open: nothing reached the lists.
    assert not DutyItem.objects.filter(code__in=["XZ-ZJ-0006", "XZ-YJ-0004"]).exists()
    withdrawal_target = _item("XZ-ZJ-0004")
    assert withdrawal_target.status == ItemStatus.IN_FORCE
    assert "云岭乡" in withdrawal_target.townships.values_list("name", flat=True)


def _open_tasks_of(username: str) -> dict[str, list[tuple[str, str]]]:
    user = User.objects.get(username=username)
    return {
        box: sorted(
            (_key(task.process), _task_label(task))
            for task in getattr(Task.objects, box)([ChangeRequestFlow], user)
        )
        for box in ("inbox", "queue")
    }


def test_demo_users_have_their_open_tasks(debug_on):
    _demo()

    open_tasks = {user.username: _open_tasks_of(user.username) for user in User.objects.all()}

    # The services assign a task to its user only when the user completes it, so open
    # tasks wait in each user's queue (待领取) and every inbox is empty.
    assert {name: boxes["inbox"] for name, boxes in open_tasks.items()} == dict.fromkeys(
        open_tasks, []
    )
    assert {name: boxes["queue"] for name, boxes in open_tasks.items()} == {
        "office": [("SQ-2026-05", "arbitrate"), ("SQ-2026-09", "review")],
        "admin": [],
        "kaohe": [],
        "zjj_staff": [("SQ-2026-08", "revise"), ("SQ-2026-10", "consult:县住房和城乡建设局")],
        "zjj_head": [("SQ-2026-08", "revise"), ("SQ-2026-10", "consult:县住房和城乡建设局")],
        "yjj_staff": [("SQ-2026-11", "consult:县应急管理局")],
        "shegong_staff": [],
        "chengguan_head": [("SQ-2026-06", "consult:城关街道")],
        "chengguan_staff": [],
        "qingshi_head": [("SQ-2026-07", "consult:青石镇")],
        "yunling_head": [("SQ-2026-06", "consult:云岭乡")],
        "beimen_shuji": [],
        "beimen_wangge": [],
        "baisha_office": [("SQ-2026-12", "review")],
        "baisha_head": [],
    }


def test_demo_rerun_leaves_requests_advanced_since_alone(debug_on):
    _demo()
    process = _request("SQ-2026-07")
    task = process.task_set.get(flow_task_type="HUMAN", status="NEW")
    services.consultation_answer(
        actor=User.objects.get(username="qingshi_head"), task_id=task.pk, answer="accept"
    )
    counts = _row_counts()

    output = _demo()

    assert "申请：新建 0，已存在 13；" in output
    assert _row_counts() == counts
    # Every township accepted: it now waits for 审定, nothing is on the list yet.
    process.refresh_from_db()
    assert (process.status, process.outcome) == ("NEW", "pending")
    assert process.task_set.get(flow_task=ChangeRequestFlow.await_decision).status == "NEW"
    assert not DutyItem.objects.filter(code="XZ-YJ-0005").exists()


def test_demo_offlist_reports_one_upheld_one_waiting_for_the_department(debug_on):
    first_output = _demo()
    second_output = _demo()

    assert "清单外事项报告：新建 2，已存在 0。" in first_output
    assert "清单外事项报告：新建 0，已存在 2。" in second_output
    reports = {
        report.channel_detail.rsplit("演示报告 ", 1)[1].rstrip("）"): report
        for report in OffListReport.objects.select_related(
            "county", "township", "department", "reported_by", "answered_by", "ruled_by"
        )
    }
    assert sorted(reports) == ["BG-2026-01", "BG-2026-02"]
    upheld, waiting = reports["BG-2026-01"], reports["BG-2026-02"]
    assert (
        upheld.county.name,
        upheld.township.name,
        upheld.department.name,
        upheld.reported_by.username,
        upheld.department_answer,
        upheld.answered_by.username,
        upheld.ruling,
        upheld.ruled_by.username,
        upheld.status,
    ) == (
        "清河县",
        "城关街道",
        "县住房和城乡建设局",
        "chengguan_head",
        "dispute",
        "zjj_staff",
        "upheld",
        "office",
        "DONE",
    )
    assert (
        waiting.township.name,
        waiting.department.name,
        waiting.department_answer,
        waiting.ruling,
        waiting.status,
    ) == ("青石镇", "县应急管理局", "", "", "NEW")
    open_tasks = waiting.task_set.filter(status__in=OPEN).values_list("flow_task_type", "data")
    assert list(open_tasks) == [("HUMAN", {"department": waiting.department.pk})]
    assert waiting.task_set.filter(flow_task_type="TIMER", status="SCHEDULED").count() == 2


def test_demo_refuses_when_debug_is_off():
    assert not django_settings.DEBUG

    with pytest.raises(CommandError, match="(?s)DEBUG 已关闭.*--force.*DEBUG is off"):
        _demo()

    assert County.objects.count() == 0
    assert ChangeRequestProcess.objects.count() == 0
    assert IndicatorSet.objects.count() == 0


def _broken_copy(tmp_path, file_name: str, old: str, new: str):
    for path in DEMO_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    path = tmp_path / file_name
    text = path.read_text(encoding="utf-8-sig")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8-sig")
    return tmp_path


@pytest.mark.parametrize(
    ("file_name", "old", "new", "message"),
    [
        pytest.param(
            "users.csv",
            "qingshi_head,孙伟,乡镇(街道)负责人,清河县,青石镇",
            "qingshi_head,孙伟,乡镇(街道)负责人,清河县,青山镇",
            "users.csv 第 10 行：单位“青山镇”不是清河县的乡镇(街道)",
            id="unknown-township",
        ),
        pytest.param(
            "changes.csv",
            "BG-2026-005,2026-05-20,清河县,XZ-YJ-0002,修改,经费金额(万元)",
            "BG-2026-005,2026-05-20,清河县,XZ-YJ-0099,修改,经费金额(万元)",
            "changes.csv 第 7 行：清河县三张清单.xlsx 中没有清河县的事项“XZ-YJ-0099”",
            id="unknown-item",
        ),
        pytest.param(
            "changes.csv",
            "2026-06-30,清河县,XZ-JX-0001,取消",
            "2026-06-31,清河县,XZ-JX-0001,取消",
            "changes.csv 第 11 行：变更日期“2026-06-31”不是 YYYY-MM-DD 格式的日期",
            id="bad-date",
        ),
        pytest.param(
            "requests.csv",
            "SQ-2026-09,清河县,yjj_staff,",
            "SQ-2026-09,清河县,yjj_stuff,",
            "requests.csv 第 14 行：申请人“yjj_stuff”不是 users.csv 中的用户",
            id="request-unknown-user",
        ),
        pytest.param(
            "requests.csv",
            ",qingshi_head：同意,",
            ",qingshi_head：赞成,",
            "requests.csv 第 11 行：征求意见“qingshi_head：赞成”中的意见“赞成”无效",
            id="request-bad-answer",
        ),
        pytest.param(
            "requests.csv",
            "office,通过审查，征求意见,与现有事项",
            "office,退回修改,与现有事项",
            "requests.csv 第 11 行：只有审查结论为“通过审查，征求意见”的申请才征求意见",
            id="request-answer-without-forward",
        ),
        pytest.param(
            "requests.csv",
            "SQ-2026-09,清河县,yjj_staff,县应急管理局",
            "SQ-2026-09,清河县,yjj_staff,县住房和城乡建设局",
            "requests.csv 第 14 行：提出申请：您无权以“县住房和城乡建设局”的名义提出该申请",
            id="request-filer-without-rights",
        ),
        pytest.param(
            "requests.csv",
            ",chengguan_head：同意,",
            ",yunling_head：同意,",
            "requests.csv 第 12 行：征求意见：yunling_head 在此申请中没有（或有多个）待答复的",
            id="request-answer-by-unconsulted-township",
        ),
        pytest.param(
            "indicators.csv",
            "白沙县,部门评价乡镇(街道),协作态度,积极配合部门工作，沟通顺畅，对争议事项依程序提出意见,"
            "积极配合、依程序提出意见得满分；推诿扯皮一次扣 20 分,20,",
            "白沙县,部门评价乡镇(街道),协作态度,积极配合部门工作，沟通顺畅，对争议事项依程序提出意见,"
            "积极配合、依程序提出意见得满分；推诿扯皮一次扣 20 分,21,",
            "indicators.csv 第 15 行：各项指标的权重合计应为 100，现为 101。",
            id="indicator-weights-not-100",
        ),
    ],
)
def test_bad_demo_line_is_named_and_nothing_is_written(
    debug_on, tmp_path, file_name, old, new, message
):
    data_dir = _broken_copy(tmp_path, file_name, old, new)

    with pytest.raises(CommandError) as error:
        _demo(data_dir=data_dir)

    assert message in str(error.value)
    assert "未写入任何数据" in str(error.value)
    assert County.objects.count() == 0
    assert User.objects.count() == 0
    assert ChangeRequestProcess.objects.count() == 0
    assert IndicatorSet.objects.count() == 0


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        pytest.param(
            "D8",
            "安全生产",
            "清河县三张清单.xlsx：工作表“乡镇(街道)” 第 8 行 “类别”列（D 列）："
            "类别“安全生产”不是清河县的领域类别",
            id="unknown-category",
        ),
        pytest.param(
            "G19",
            "县水务局",
            "清河县三张清单.xlsx：工作表“乡镇(街道)” 第 19 行 “牵头部门”列（G 列）："
            "“县水务局”不是清河县的部门",
            id="unknown-department",
        ),
    ],
)
def test_bad_demo_list_cell_is_named_and_nothing_is_written(
    debug_on, tmp_path, cell, value, message
):
    for path in DEMO_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    workbook = load_workbook(tmp_path / "清河县三张清单.xlsx")
    workbook["乡镇(街道)"][cell] = value
    workbook.save(tmp_path / "清河县三张清单.xlsx")

    with pytest.raises(CommandError) as error:
        _demo(data_dir=tmp_path)

    assert message in str(error.value)
    assert "未写入任何数据" in str(error.value)
    assert County.objects.count() == 0
    assert User.objects.count() == 0
    assert DutyItem.objects.count() == 0


def test_demo_evaluation_rounds_one_published_one_open(debug_on, client):
    first_output = _demo(skip_evaluation=False)
    second_output = _demo(skip_evaluation=False)

    assert "考核评价轮次：新建 2，已存在 0。" in first_output
    assert "考核评价轮次：新建 0，已存在 2。" in second_output
    past = EvaluationRound.objects.get(county__name="清河县", name="2025年度双向互评")
    current = EvaluationRound.objects.get(county__name="清河县", name="2026年度双向互评")
    assert (past.stage, current.stage) == (RoundStage.PUBLISHED, RoundStage.OPEN)
    assert Counter(past.sheets.values_list("state", flat=True)) == {
        SheetState.SUBMITTED: 736,
        SheetState.MISSING: 2,
    }
    assert sorted(
        (str(sheet.rater), str(sheet.ratee))
        for sheet in past.sheets.filter(state=SheetState.MISSING)
    ) == [("云岭乡", "县住房和城乡建设局"), ("县应急管理局", "云岭乡")]
    # 26 of the 30 departments lead an item of a township (or filed a request, or were
    # reported) in 2025: the other four are linked to no township and take no part.
    assert past.base_scores.count() == past.results.count() == 26 + 15
    assert SheetFlag.objects.filter(sheet__evaluation_round=past, kind=FlagKind.LATE).count() == 2
    # 县发展和改革局 works on XZ-ZJ-0005 (published by SQ-2026-01) with 城关街道 and
    # 青石镇: two more linked pairs than the lead departments alone give, four sheets.
    assert Counter(current.sheets.values_list("state", flat=True)) == {
        SheetState.PENDING: 749,
        SheetState.SUBMITTED: 13,
        SheetState.DRAFT: 10,
    }
    client.force_login(User.objects.get(username="chengguan_head"))
    response = client.get(reverse("evaluation:results", args=[past.pk]))
    assert response.status_code == 200
    assert [row.name for row in response.context["data"].township_ranking] == ["城关街道"]
    # The notices agree with the demo's dates: nobody is asked to fill in or reminded
    # of the published round, whose deadline passed in January; the open round's
    # "please fill in" notices stay, and no reminder is about a deadline already past.
    subjects = Counter(Notification.objects.values_list("subject", flat=True))
    about_past = {s: n for s, n in subjects.items() if s.endswith(f"：{past.name}")}
    assert about_past == {f"考核评价结果已公布：{past.name}": 45}
    # 县发展和改革局 rates the two townships of the item it works on: its head is told too.
    assert subjects[f"请填写评分表：{current.name}"] == 47
    assert current.deadline > django_timezone.now()
    assert not [s for s in subjects if s.startswith(("评分表即将截止", "征求意见即将到期"))]


def test_demo_lists_are_issued_and_one_batch_decided_one_on_notice(debug_on, client):
    _demo()

    releases = {
        (release.duty_list.county.name, release.duty_list.level, release.number): release
        for release in Release.objects.select_related("duty_list__county")
    }
    assert {key: r.document_number for key, r in releases.items()} == {
        ("清河县", "township", 1): "清委办发〔2026〕12号",
        ("清河县", "village", 1): "清委办发〔2026〕12号",
        ("清河县", "grid", 1): "清委办发〔2026〕12号",
        ("清河县", "township", 2): "清委办发〔2026〕35号",
        ("白沙县", "township", 1): "白委办发〔2026〕7号",
        ("白沙县", "village", 1): "白委办发〔2026〕7号",
    }
    first = releases["清河县", "township", 1]
    in_force = DutyItem.objects.filter(
        duty_list=first.duty_list, status=ItemStatus.IN_FORCE
    ).exclude(code__in=["XZ-ZJ-0005", "XZ-YJ-0003"])
    assert set(first.changes.values_list("item__code", "kind")) == {
        (code, "added") for code in in_force.values_list("code", flat=True)
    }
    assert first.changes.count() == 31
    second = releases["清河县", "township", 2]
    assert (second.decided_by, second.effective_date) == ("县委常委会", datetime.date(2026, 12, 1))
    assert sorted(second.changes.values_list("item__code", "kind")) == [
        ("XZ-YJ-0003", "added"),
        ("XZ-ZJ-0005", "added"),
    ]

    decided = DecisionBatch.objects.get(title="2026年第一批清单调整事项")
    assert (decided.document_number, decided.recorded_by.username, decided.meeting) == (
        "清委办发〔2026〕35号",
        "office",
        "县委第十二届第58次常委会会议",
    )
    assert list(decided.releases.all()) == [second]
    assert list(decided.documents.values_list("kind", "original_name")) == [
        ("minutes", "县委常委会会议纪要.pdf")
    ]

    on_notice = DecisionBatch.objects.get(title="2026年第二批清单调整事项")
    assert on_notice.notice_is_open(django_timezone.now())
    assert sorted(_key(entry.process) for entry in on_notice.entries.all()) == [
        "SQ-2026-04",
        "SQ-2026-13",
    ]
    [opinion] = on_notice.opinions.select_related("entry__process")
    assert (_key(opinion.entry.process), opinion.name) == ("SQ-2026-13", "李女士")
    assert (
        Notification.objects.filter(
            recipient__username="office", subject__startswith="公示收到意见"
        ).count()
        == 1
    )
    page = client.get(f"/public/330999/notice/{on_notice.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "乡镇应急物资储备点日常管理" in html
    assert "工贸企业安全生产执法检查" not in html  # proposed for rejection: no change


def test_demo_village_and_grid_users_read_their_own_lists(debug_on, client):
    _demo()
    qinghe = County.objects.get(name="清河县")
    chengguan = Township.objects.get(name="城关街道")

    client.force_login(User.objects.get(username="beimen_shuji"))
    [village_list] = client.get(reverse("lists:mine")).context["lists"]
    client.force_login(User.objects.get(username="beimen_wangge"))
    [grid_list] = client.get(reverse("lists:mine")).context["lists"]

    beimen = Village.objects.get(name="北门社区")

    def in_force_for_beimen(level):
        # Items for all units or naming 城关街道 or 北门社区, unless only for 村.
        items = DutyItem.objects.filter(
            duty_list__county=qinghe, duty_list__level=level, status=ItemStatus.IN_FORCE
        )
        return sorted(
            item.code
            for item in items.prefetch_related("townships", "villages")
            if item.village_kind in ("", beimen.kind)
            and (
                item.applies_to_all
                or chengguan in item.townships.all()
                or beimen in item.villages.all()
            )
        )

    assert (village_list.duty_list.level, village_list.unit_names) == ("village", ("北门社区",))
    assert [item.code for item in village_list.items] == in_force_for_beimen(Level.VILLAGE)
    # Counted by hand in lists_source.csv: 村(社区) items for 全部 or naming 城关街道 or
    # 北门社区, without CS-ZZ-0002 (村 only).
    assert len(village_list.items) == 13
    assert "CS-ZZ-0002" not in [item.code for item in village_list.items]
    # The phone page shows the item as the list carries it.
    client.force_login(User.objects.get(username="beimen_shuji"))
    page = client.get(reverse("lists:mine")).content.decode()
    assert "县卫生健康局：负责食源性疾病监测和报告的业务指导。" in page
    assert "经费：协管员补助由县财政承担（36万元）<br>人员：每个村(社区)1名食品安全协管员" in page
    assert '<span data-testid="item-category">公共服务</span>' in page
    assert '<span class="mine-type">证明事项</span>' in page
    assert (grid_list.duty_list.level, grid_list.unit_names) == ("grid", ("北门社区第一网格",))
    assert [item.code for item in grid_list.items] == in_force_for_beimen(Level.GRID)
    assert len(grid_list.items) == 8

    # Nothing else: the demo's batches, reports and requests are not theirs to see.
    for username in ("beimen_shuji", "beimen_wangge"):
        client.force_login(User.objects.get(username=username))
        decisions = client.get(reverse("decisions:index")).context
        assert (decisions["batches"], decisions["waiting"]) == ([], [])
        assert client.get("/changerequest/").status_code == 403
    assert DecisionBatch.objects.count() == 2
    assert OffListReport.objects.count() == 2
    client.force_login(User.objects.get(username="beimen_shuji"))
    assert list(client.get(reverse("reports:index")).context["object_list"]) == []


def test_demo_village_list_is_reviewed_by_the_social_work_department(debug_on):
    _demo()
    qinghe = County.objects.get(name="清河县")

    settings = CountyWorkflowSettings.objects.get(county=qinghe)

    assert settings.village_list_reviewer.name == "县委社会工作部"
    assert settings.grid_list_reviewer is None
    assert CountyWorkflowSettings.objects.filter(county__name="白沙县").first() is None
    process = services.change_request_file(
        actor=User.objects.get(username="zjj_staff"),
        county=qinghe,
        kind="add",
        level=Level.VILLAGE,
        department=Department.objects.get(county=qinghe, name="县住房和城乡建设局"),
        fields={
            "title": "村级燃气安全宣传",
            "category": qinghe.categories.get(code="PA"),
            "duty_type": "cooperating",
            "department_responsibilities": "负责编印燃气安全宣传材料。",
            "local_responsibilities": "村(社区)张贴宣传材料。",
            "basis": "《城镇燃气管理条例》",
            "funding_source": "无",
            "staffing": "无",
            "equipment": "无",
            "effective_date": datetime.date(2027, 1, 1),
        },
        applies_to_all=True,
        reasons="村(社区)需要配合宣传。",
    )

    def queue_of(username):
        user = User.objects.get(username=username)
        return [
            (t.process_id, t.flow_task.name) for t in Task.objects.queue([ChangeRequestFlow], user)
        ]

    assert process.reviewing_department.name == "县委社会工作部"
    assert queue_of("shegong_staff") == [(process.pk, "review")]
    assert (process.pk, "review") not in queue_of("office")


def _readme_logins() -> set[tuple[str, str, tuple[str, ...]]]:
    """``(username, role, unit path)`` of each row of the README's demo login table; a
    role's remark in brackets, e.g. "县委编办 (arbiter)", is not part of it."""
    text = (django_settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    rows = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        username, role, unit = (cell.strip() for cell in line.strip("|").split("|")[:3])
        rows.add(
            (
                username.strip("`"),
                role.split(" (", 1)[0].strip(),
                tuple(part.strip() for part in unit.split("·")),
            )
        )
    return rows


def test_readme_login_table_matches_the_demo_users(debug_on):
    _demo()

    loaded = set()
    for m in Membership.objects.select_related(
        "user", "county", "department", "township", "village__township", "grid__village__township"
    ):
        if m.grid_id:
            path = (m.county.name, m.grid.village.township.name, m.grid.name)
        elif m.village_id:
            path = (m.county.name, m.village.township.name, m.village.name)
        elif m.township_id:
            path = (m.county.name, m.township.name)
        elif m.department_id:
            path = (m.county.name, m.department.name)
        else:
            path = (m.county.name,)
        loaded.add((m.user.username, Role(m.role).label, path))

    assert _readme_logins() == loaded
    assert len(loaded) == User.objects.count() == 15
