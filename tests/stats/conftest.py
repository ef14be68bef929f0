"""A small county history for the statistics, built through the services on a clock
set by hand: items and releases in 2025 and 2026, five requests at every stage and
age, consultations answered, contested, gone silent and overdue, four off-list
reports, and a region (丽水市) over both counties with its viewer.

Hand counts of every figure are written out in the tests against this fixture."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from duty_lists import services as duty_services
from duty_lists.models import DutyType
from organisations import services as org_services
from organisations.models import Region
from tests.api.conftest import answer, file_request, forward, open_task, world  # noqa: F401
from tests.arbitration.world import ASSIGNMENT
from tests.factories import SAFETY_LAW, UserFactory, category_of, make_item
from workflow import services
from workflow.models import ChangeKind, ChangeRequestProcess, ConsultationAnswer
from workflow.services import reporting

CHINA = ZoneInfo("Asia/Shanghai")


def china(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CHINA)


# The moment the statistics are read at.
NOW = china(2026, 12, 4, 10, 0)


class Clock:
    """The clock of the system under test (django.utils.timezone.now), set by hand."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(china(2025, 3, 10, 10, 0))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def _filed(process):
    """Date the request's filing at the hand-set clock: viewflow stamps ``created`` with
    the real time (its default is bound at import, out of the clock's reach)."""
    ChangeRequestProcess.objects.filter(pk=process.pk).update(created=timezone.now())
    return process


def _release(duty_list, items, number):
    return duty_services.release_publish(
        actor=None,
        duty_list=duty_list,
        items=items,
        document_number=number,
        decided_by="县委常委会",
        decided_on=timezone.localdate(),
        effective_date=timezone.localdate(),
    )


def _item(world, code, department, duty_type, **fields):
    return make_item(
        county=fields.pop("county", world.county),
        code=code,
        lead_department=department,
        duty_type=duty_type,
        **fields,
    )


@pytest.fixture
def stats_world(world, clock):  # noqa: F811
    """清河县 (4 townships T0–T3; 住建局 D1, 应急管理局 D2, 县委社会工作部 D3) and 白沙县.

    Items in force of 清河县 (乡镇级 unless named):
      XZ-1 基本, all, D1, no 配套保障           XZ-2 配合, all, D1, 经费 县财政 2万元
      XZ-3 配合, T0+T1, D2, 经费：无，人员 2名   XZ-4 收回, T0, D2 (added 2026)
      CS-5 村级 配合, T0, D1, 人员 only          WG-6 网格 基本, all, D3, 经费 县财政保障
      XZ-7 配合, all, D1: withdrawn in 2026.
    白沙县: BS-8 基本, all. Releases: 2025 清河 XZ-1,2,3,7 (4 新增), 白沙 BS-8 (1 新增);
    2026 清河 XZ-2 修改, XZ-7 取消, XZ-4 新增.

    Requests (清河县, all but R5 by 住建局 for T0–T2):
      R4 filed 2026-06-01: T0 contest, T1 silent (deadline fired), T2 accept → 拟办意见
      R3 filed 2026-10-01: all accept → 待审定
      R2 filed 2026-11-20: T0 accept, T1 contest, T2 open past its deadline → 征求意见
      R5 filed 2026-11-30 by 应急管理局 for T0 only: T0 contest → 拟办意见
      R1 filed 2026-12-01: → 形式审查
    Off-list reports: 住建局 upheld, dismissed, pending; 应急管理局 pending.
    """
    w = world
    d1, d2, d3 = w.department, w.other_department, w.social_work
    t0, t1 = w.townships[0], w.townships[1]

    item1 = _item(w, "XZ-1", d1, DutyType.BASIC)
    item2 = _item(w, "XZ-2", d1, DutyType.COOPERATING, funding_source="县财政", funding_amount=2)
    item3 = _item(
        w,
        "XZ-3",
        d2,
        DutyType.COOPERATING,
        funding_source="无",
        staffing="2名",
        townships=[t0, t1],
    )
    _item(w, "CS-5", d1, DutyType.COOPERATING, staffing="村协管员", level="village", townships=[t0])
    _item(w, "WG-6", d3, DutyType.BASIC, funding_source="县财政保障", level="grid")
    item7 = _item(w, "XZ-7", d1, DutyType.COOPERATING, funding_source="县财政", funding_amount=5)
    other_item = _item(
        w,
        "BS-8",
        w.other_county.departments.get(),
        DutyType.BASIC,
        county=w.other_county,
    )
    township_list = item1.duty_list
    _release(township_list, [item1, item2, item3, item7], "清委办发〔2025〕3号")
    _release(other_item.duty_list, [other_item], "白委办发〔2025〕9号")

    clock.moment = china(2026, 2, 2, 10, 0)
    item4 = _item(w, "XZ-4", d2, DutyType.TAKEN_BACK, townships=[t0])
    duty_services.duty_item_amend(actor=None, item=item2, reason="调整名称", title="燃气安全巡查")
    duty_services.duty_item_withdraw(
        actor=None, item=item7, reason="不再下放", withdrawn_date=timezone.localdate()
    )
    _release(township_list, [item2, item7, item4], "清委办发〔2026〕2号")

    clock.moment = china(2026, 6, 1, 10, 0)
    r4 = _filed(file_request(w, title="R4"))
    forward(w, r4)
    clock.moment = china(2026, 6, 2, 10, 0)
    answer(w, r4, 0, ConsultationAnswer.CONTEST, reason="缺少人员。")
    answer(w, r4, 2, ConsultationAnswer.ACCEPT)
    clock.moment = china(2026, 6, 9, 10, 0)
    call_command("workflow_timers")

    clock.moment = china(2026, 10, 1, 10, 0)
    r3 = _filed(file_request(w, title="R3"))
    forward(w, r3)
    for index in range(3):
        answer(w, r3, index, ConsultationAnswer.ACCEPT)

    clock.moment = china(2026, 11, 2, 10, 0)
    reports = [
        reporting.report_file(
            actor=w.heads[index],
            township=w.townships[index],
            department=department,
            assignment=ASSIGNMENT,
            assigned_on=datetime.date(2026, 10, 28),
            channel="document",
        )
        for index, department in ((0, d1), (1, d1), (2, d1), (0, d2))
    ]
    reporting.report_answer(
        actor=w.staff,
        task_id=_report_task(reports[0], "answer").pk,
        answer="dispute",
        reason="属于部门职责。",
    )
    reporting.report_rule(
        actor=w.office,
        task_id=_report_task(reports[0], "rule").pk,
        ruling="upheld",
        reasoning="交办事项不在清单内。",
    )
    reporting.report_answer(
        actor=w.staff,
        task_id=_report_task(reports[1], "answer").pk,
        answer="withdraw",
        reason="已撤回。",
    )
    reporting.report_rule(
        actor=w.office,
        task_id=_report_task(reports[1], "rule").pk,
        ruling="dismissed",
        reasoning="已撤回。",
    )

    clock.moment = china(2026, 11, 20, 10, 0)
    r2 = _filed(file_request(w, title="R2"))
    forward(w, r2)
    answer(w, r2, 0, ConsultationAnswer.ACCEPT)
    answer(w, r2, 1, ConsultationAnswer.CONTEST, reason="缺少经费。")

    clock.moment = china(2026, 11, 30, 10, 0)
    r5 = _filed(
        services.change_request_file(
            actor=w.other_staff,
            county=w.county,
            kind=ChangeKind.ADD,
            level="township",
            department=d2,
            fields={
                "title": "R5",
                "category": category_of(w.county, SAFETY_LAW),
                "duty_type": "cooperating",
                "department_responsibilities": "负责执法。",
                "local_responsibilities": "配合巡查。",
                "basis": "《安全生产法》",
                "funding_source": "无",
                "staffing": "无",
                "equipment": "无",
                "effective_date": datetime.date(2027, 1, 1),
            },
            target_townships=[t0],
            reasons="需要属地配合。",
        )
    )
    forward(w, r5)
    answer(w, r5, 0, ConsultationAnswer.CONTEST, reason="无执法权。")

    clock.moment = china(2026, 12, 1, 10, 0)
    _filed(file_request(w, title="R1"))

    clock.moment = NOW
    w.requests = {"R1": None, "R2": r2, "R3": r3, "R4": r4, "R5": r5}
    w.clock = clock
    return w


@pytest.fixture
def region_world(world):  # noqa: F811
    """``world`` (whose 丽水市 covers both counties, with its viewer) and 白沙片区 over
    白沙县 only, with its own viewer."""
    small = Region.objects.create(code="3312", name="白沙片区")
    small.counties.set([world.other_county])
    world.other_region_viewer = UserFactory(display_name="白沙片区查看")
    org_services.region_membership_grant(actor=None, user=world.other_region_viewer, region=small)
    return world


def _report_task(report, node_name):
    from tests.arbitration.world import open_task as report_task

    return report_task(report, node_name)


__all__ = ["NOW", "answer", "open_task", "region_world", "stats_world", "world"]
