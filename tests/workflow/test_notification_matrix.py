"""The notification matrix: for each event of the flows, exactly who is told what
(subject, text, link), and nobody else; every link opens for the person it was sent to.

The people (one of each), as the matrix names them:

- ``filer``: the staff member of 县住房和城乡建设局 who files the admission requests (the
  same department answers off-list reports and leads the items);
- ``consulted head`` (城关街道) and ``second consulted head`` (青石镇): the heads of the
  townships a request touches; ``consulted staff``: 城关街道's staff member;
- ``other township head``: 云岭乡's head, whom the requests do not touch;
- ``county office`` (县委编办) and ``justice bureau`` (县司法局, the legality reviewer);
- ``other county office`` and ``other county head`` (白沙县).
"""

import datetime

import pytest
from django.utils import timezone

from arbitration.models import OffListReport
from duty_lists.models import DutyItem, Release
from evaluation.models import ScoreSheet
from organisations.models import Role
from tests.arbitration.world import ASSIGNED_ON, ASSIGNMENT
from tests.decisions import prepare, record
from tests.evaluation.round_world import build_world, open_round
from tests.factories import DepartmentFactory, make_item, user_with_role
from workflow import services
from workflow.deadlines import CHINA_TIME
from workflow.models import (
    ChangeKind,
    ConsultationAnswer,
    CountyWorkflowSettings,
    Notification,
)
from workflow.services import reporting

from .conftest import open_task
from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db

# A Monday: the five working days of a consultation end on the next Monday, 17:30.
NOW = datetime.datetime(2026, 9, 7, 10, 0, tzinfo=CHINA_TIME)
DUE = "2026-09-14 17:30"
P = "SQ-2026-0001 新增事项：燃气安全入户排查"  # how the admission requests below are named


@pytest.fixture
def world(county_world, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    world = county_world
    world.township_staff = user_with_role(
        Role.TOWNSHIP_STAFF, world.townships[0], display_name="城关街道经办人"
    )
    world.justice = DepartmentFactory(county=world.county, name="县司法局")
    world.justice_staff = user_with_role(Role.DEPARTMENT_STAFF, world.justice, display_name="司法")
    world.people = {
        "filer": world.staff,
        "consulted head": world.heads[0],
        "consulted staff": world.township_staff,
        "second consulted head": world.heads[1],
        "other township head": world.heads[2],
        "county office": world.office,
        "justice bureau": world.justice_staff,
        "other county office": world.other_office,
        "other county head": world.other_head,
    }
    return world


def told(world, event) -> dict[str, list[tuple[str, str, str]]]:
    """Run ``event``; return what each person was told by it: (subject, text, link)."""
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    event()
    label_of = {user.pk: label for label, user in world.people.items()}
    notices: dict[str, list] = {}
    for notice in Notification.objects.filter(pk__gt=before).order_by("pk"):
        label = label_of.get(notice.recipient_id, f"user #{notice.recipient_id}")
        notices.setdefault(label, []).append((notice.subject, notice.body, notice.url))
    return notices


def asked_by(filer: str) -> str:
    """The text asking a consulted party to answer."""
    return f"{filer}提出的申请需要本单位表态（同意或提出异议），请于 {DUE} 前答复。"


def request_page(process) -> str:
    return f"/changerequest/{process.pk}/"


def task_page(process, node: str, **data) -> str:
    return f"/changerequest/{process.pk}/{node}/{open_task(process, node, **data).pk}/execute/"


def consult_page(world, process, index: int) -> str:
    return task_page(process, "consult", township=world.townships[index].pk)


def file_two(world):
    """An add request of the department touching 城关街道 and 青石镇."""
    return file_add(world, townships=world.townships[:2])


def consulting(world):
    process = file_two(world)
    forward(world, process)
    return process


def legality_on(world):
    CountyWorkflowSettings.objects.create(
        county=world.county, legality_review=True, legality_reviewer=world.justice
    )


def contest(world, process, index=0):
    return services.consultation_answer(
        actor=world.heads[index],
        task_id=open_task(process, "consult", township=world.townships[index].pk).pk,
        answer=ConsultationAnswer.CONTEST,
        reason="街道没有燃气执法人员。",
        counter_proposal="由县住建局派员入户，街道负责通知住户。",
    )


def propose(world, process, **amendments):
    return services.change_request_rule(
        actor=world.office,
        task_id=open_task(process, "arbitrate").pk,
        decisions={f"township:{world.townships[0].pk}": "admit_amended"},
        reasoning="经协调会研究，街道只负责通知住户。",
        amendments=amendments,
    )


PROPOSED_TEXT = {
    "title": "燃气安全入户检查",
    "local_responsibilities": "配合开展入户排查，负责通知住户，发现隐患及时报告。",
}


def proposed(world):
    """A request 城关街道 contested and the county office proposed to amend."""
    process = consulting(world)
    contest(world, process)
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    propose(world, process, **PROPOSED_TEXT)
    return process


# --- the events ------------------------------------------------------------------------


def request_filed(world):
    process = None

    def event():
        nonlocal process
        process = file_two(world)

    notices = told(world, event)
    return notices, {
        "county office": [
            (
                f"待审查：{P}",
                "县住房和城乡建设局提出申请，请进行形式审查。",
                task_page(process, "review"),
            )
        ]
    }


def forwarded_consultation_opens(world):
    process = file_two(world)
    notices = told(world, lambda: forward(world, process))
    asked = asked_by("县住房和城乡建设局")
    return notices, {
        "filer": [
            (
                f"申请已转征求意见：{P}",
                "清河县委编办形式审查通过，已向城关街道、青石镇征求意见。",
                request_page(process),
            )
        ],
        "consulted head": [(f"请答复征求意见：{P}", asked, consult_page(world, process, 0))],
        "second consulted head": [(f"请答复征求意见：{P}", asked, consult_page(world, process, 1))],
    }


def forwarded_legality_review_opens(world):
    legality_on(world)
    process = file_two(world)
    notices = told(world, lambda: forward(world, process))
    return notices, {
        "filer": [
            (
                f"申请已送合法性审查：{P}",
                "清河县委编办形式审查通过，已送县司法局进行合法性审查。",
                request_page(process),
            )
        ],
        "justice bureau": [
            (
                f"待合法性审查：{P}",
                "清河县委编办形式审查已通过，请进行合法性审查。",
                task_page(process, "review_legality"),
            )
        ],
    }


def legality_passed_consultation_opens(world):
    legality_on(world)
    process = file_two(world)
    forward(world, process)

    def event():
        services.legality_review(
            actor=world.justice_staff,
            task_id=open_task(process, "review_legality").pk,
            decision="pass",
            opinion="符合《城镇燃气管理条例》。",
        )

    notices = told(world, event)
    passed = (f"合法性审查通过：{P}", "符合《城镇燃气管理条例》。", request_page(process))
    asked = asked_by("县住房和城乡建设局")
    return notices, {
        "filer": [passed],
        "county office": [passed],
        "consulted head": [(f"请答复征求意见：{P}", asked, consult_page(world, process, 0))],
        "second consulted head": [(f"请答复征求意见：{P}", asked, consult_page(world, process, 1))],
    }


def returned_by_the_county_office(world):
    process = file_two(world)

    def event():
        services.change_request_review(
            actor=world.office,
            task_id=open_task(process, "review").pk,
            decision="return",
            comment="请补充实施依据条款。",
        )

    notices = told(world, event)
    return notices, {
        "filer": [
            (
                f"申请被退回修改：{P}",
                "清河县委编办退回意见：请补充实施依据条款。\n请修改后重新提交。",
                task_page(process, "revise"),
            )
        ]
    }


def returned_by_the_legality_review(world):
    legality_on(world)
    process = file_two(world)
    forward(world, process)

    def event():
        services.legality_review(
            actor=world.justice_staff,
            task_id=open_task(process, "review_legality").pk,
            decision="return",
            opinion="未授权乡镇开展执法检查。",
        )

    notices = told(world, event)
    return notices, {
        "filer": [
            (
                f"申请被退回修改：{P}",
                "县司法局合法性审查意见：未授权乡镇开展执法检查。\n请修改后重新提交。",
                task_page(process, "revise"),
            )
        ],
        "county office": [
            (f"合法性审查退回修改：{P}", "未授权乡镇开展执法检查。", request_page(process))
        ],
    }


def revised_and_resubmitted(world):
    process = file_two(world)
    services.change_request_review(
        actor=world.office,
        task_id=open_task(process, "review").pk,
        decision="return",
        comment="请补充实施依据条款。",
    )

    def event():
        services.change_request_revise(
            actor=world.staff,
            task_id=open_task(process, "revise").pk,
            fields={"basis": "《城镇燃气管理条例》第四十一条"},
        )

    notices = told(world, event)
    return notices, {
        "county office": [
            (
                f"待审查（已修改）：{P}",
                "县住房和城乡建设局已修改申请并重新提交，请再次进行形式审查。",
                task_page(process, "review"),
            )
        ]
    }


def contested(world):
    process = consulting(world)
    notices = told(world, lambda: contest(world, process))
    notice = (
        f"城关街道对申请提出异议：{P}",
        "理由：街道没有燃气执法人员。\n修改建议：由县住建局派员入户，街道负责通知住户。",
        request_page(process),
    )
    return notices, {"filer": [notice], "county office": [notice]}


def last_answer_opens_the_proposal(world):
    process = consulting(world)
    contest(world, process)
    notices = told(world, lambda: answer(world, process, 1, ConsultationAnswer.ACCEPT))
    return notices, {
        "county office": [
            (
                f"待提出拟办意见：{P}",
                "征求意见已结束。有异议或逾期未答复：城关街道（有异议）。请提出拟办意见。",
                task_page(process, "arbitrate"),
            )
        ]
    }


def proposal_recorded(world):
    process = consulting(world)
    contest(world, process)
    answer(world, process, 1, ConsultationAnswer.ACCEPT)
    notices = told(world, lambda: propose(world, process, **PROPOSED_TEXT))
    return notices, {
        "filer": [
            (
                f"拟办意见已提出：{P}",
                "拟办意见（报县委、县政府审定）：\n"
                "城关街道：修改后准入\n"
                "理由：经协调会研究，街道只负责通知住户。\n"
                "拟修改申请文本：\n"
                "事项名称：「燃气安全入户排查」改为「燃气安全入户检查」\n"
                "乡镇(街道)职责：「配合开展入户排查，发现隐患及时报告。」"
                "改为「配合开展入户排查，负责通知住户，发现隐患及时报告。」",
                request_page(process),
            )
        ]
    }


def put_before_the_leadership(world):
    process = proposed(world)
    notices = told(world, lambda: prepare(world.office, process))
    return notices, {
        "filer": [
            (
                f"申请已提请审定：{P}",
                "2026年第一批清单调整事项：等待审定。",
                request_page(process),
            )
        ]
    }


def decision_recorded_with_changed_text(world):
    process = proposed(world)
    batch = prepare(world.office, process)
    source = "县财政排查专项经费"
    amended = {f"township:{world.townships[0].pk}": "amended"}
    notices = told(
        world,
        lambda: record(
            world.office,
            batch,
            decisions={process.pk: amended},
            amendments={process.pk: {"funding_source": source}},
        ),
    )
    item = DutyItem.objects.get()
    release = Release.objects.get()
    decided = (
        f"申请已发布：{P}",
        "依据县委常委会审定（清委办发〔2026〕12号），自2026-09-07起施行："
        f"{item.code} 燃气安全入户检查\n"
        "与申请相比，文本修改如下：\n"
        "事项名称：「燃气安全入户排查」改为「燃气安全入户检查」\n"
        "乡镇(街道)职责：「配合开展入户排查，发现隐患及时报告。」"
        "改为「配合开展入户排查，负责通知住户，发现隐患及时报告。」\n"
        "经费来源：「县财政排查经费」改为「县财政排查专项经费」",
        request_page(process),
    )
    issued = (
        "清单已发布：清河县乡镇(街道)履行职责事项清单 第1版（清委办发〔2026〕12号）",
        f"县委常委会审定，2026-09-07；自2026-09-07起施行。\n新增：{item.code} 燃气安全入户检查",
        f"/lists/releases/{release.pk}/",
    )
    return notices, {
        "filer": [decided, issued],
        "county office": [decided],
        "consulted head": [decided, issued],
        "consulted staff": [decided, issued],
        "second consulted head": [decided, issued],
    }


def published_under_standing_authorisation(world):
    CountyWorkflowSettings.objects.create(
        county=world.county,
        standing_authorisation=True,
        standing_authorisation_reference="清委办〔2026〕3号",
    )
    process = consulting(world)
    answer(world, process, 0, ConsultationAnswer.ACCEPT)
    notices = told(world, lambda: answer(world, process, 1, ConsultationAnswer.ACCEPT))
    item = DutyItem.objects.get()
    release = Release.objects.get()
    published = (
        f"申请已发布：{P}",
        f"依常设授权（清委办〔2026〕3号）发布：{item.code} 燃气安全入户排查",
        request_page(process),
    )
    issued = (
        "清单已发布：清河县乡镇(街道)履行职责事项清单 第1版（清委办〔2026〕3号）",
        "清河县委编办（依常设授权）审定，2026-09-07；自2026-09-07起施行。\n"
        f"新增：{item.code} 燃气安全入户排查",
        f"/lists/releases/{release.pk}/",
    )
    return notices, {
        "filer": [published, issued],
        "county office": [published],
        "consulted head": [published, issued],
        "consulted staff": [published, issued],
        "second consulted head": [published, issued],
    }


def township_request_consults_the_lead_department(world):
    item = make_item(
        county=world.county,
        lead_department=world.department,
        townships=world.townships[:1],
        title="燃气安全宣传",
    )
    process = services.change_request_file(
        actor=world.heads[0],
        county=world.county,
        kind=ChangeKind.WITHDRAW,
        township=world.townships[0],
        target_item=item,
        reasons="街道无相应人员。",
    )
    notices = told(world, lambda: forward(world, process))
    forwarded = (
        f"申请已转征求意见：{process.number} 取消事项：燃气安全宣传",
        "清河县委编办形式审查通过，已向县住房和城乡建设局征求意见。",
        request_page(process),
    )
    department_task = open_task(process, "consult", department=world.department.pk)
    return notices, {
        "consulted head": [forwarded],
        "consulted staff": [forwarded],
        "filer": [
            (
                f"请答复征求意见：{process.number} 取消事项：燃气安全宣传",
                asked_by("城关街道"),
                f"/changerequest/{process.pk}/consult/{department_task.pk}/execute/",
            )
        ],
    }


def file_report(world):
    return reporting.report_file(
        actor=world.heads[0],
        township=world.townships[0],
        department=world.department,
        assignment=ASSIGNMENT,
        assigned_on=ASSIGNED_ON,
        channel="document",
        channel_detail="清建〔2026〕18号",
    )


def off_list_report_filed(world):
    notices = told(world, lambda: file_report(world))
    report = OffListReport.objects.get()
    return notices, {
        "filer": [
            (
                f"待答复：城关街道报告清单外事项 #{report.pk}",
                f"城关街道报告贵单位交办了清单外事项，请于 {DUE} 前答复。",
                f"/reports/{report.pk}/answer/",
            )
        ]
    }


def answer_report(world, report):
    reporting.report_answer(
        actor=world.staff,
        task_id=report.task_set.get(flow_task_type="HUMAN", status="NEW").pk,
        answer="dispute",
        reason="该事项属于部门法定职责。",
    )


def off_list_report_answered(world):
    report = file_report(world)
    notices = told(world, lambda: answer_report(world, report))
    return notices, {
        "county office": [
            (
                f"待裁定：清单外事项报告 #{report.pk}（县住房和城乡建设局已答复）",
                "答复：有异议。该事项属于部门法定职责。",
                f"/reports/{report.pk}/rule/",
            )
        ]
    }


def off_list_report_ruled(world):
    report = file_report(world)
    answer_report(world, report)

    def event():
        reporting.report_rule(
            actor=world.office,
            task_id=report.task_set.get(flow_task_type="HUMAN", status="NEW").pk,
            ruling="upheld",
            reasoning="交办事项不在清单内。",
        )

    notices = told(world, event)
    ruled = (
        f"清单外事项报告 #{report.pk} 已裁定：属实（清单外交办成立）",
        "交办事项不在清单内。",
        f"/reports/{report.pk}/",
    )
    return notices, {"consulted head": [ruled], "consulted staff": [ruled], "filer": [ruled]}


EVENTS = {
    "request filed": request_filed,
    "forwarded: consultation opens": forwarded_consultation_opens,
    "forwarded: legality review opens": forwarded_legality_review_opens,
    "legality review passed: consultation opens": legality_passed_consultation_opens,
    "returned by the county office": returned_by_the_county_office,
    "returned by the legality review": returned_by_the_legality_review,
    "revised and resubmitted": revised_and_resubmitted,
    "contested": contested,
    "last answer: proposal opens": last_answer_opens_the_proposal,
    "proposal recorded (拟办意见)": proposal_recorded,
    "put before the leadership (提请审定)": put_before_the_leadership,
    "decision recorded (审定) with changed text": decision_recorded_with_changed_text,
    "published under standing authorisation": published_under_standing_authorisation,
    "township's request: lead department consulted": (
        township_request_consults_the_lead_department
    ),
    "off-list report filed": off_list_report_filed,
    "off-list report answered": off_list_report_answered,
    "off-list report ruled": off_list_report_ruled,
}


@pytest.mark.parametrize("event", list(EVENTS))
def test_each_event_tells_exactly_the_people_concerned(world, client, event):
    notices, expected = EVENTS[event](world)

    assert notices == expected
    # Every link opens for the person it was sent to.
    for label, received in notices.items():
        client.force_login(world.people[label])
        for subject, _body, url in received:
            assert client.get(url).status_code == 200, (label, subject, url)


def test_score_sheets_open_tells_each_rater_unit_once_with_a_link_to_its_sheets(
    client, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    rounds = build_world()
    people = {
        **{f"head of {t}": rounds.township_heads[t.pk] for t in rounds.townships},
        **{f"staff of {t}": rounds.township_staff[t.pk] for t in rounds.townships},
        **{f"head of {d}": rounds.department_heads[d.pk] for d in (rounds.a, rounds.b)},
        **{f"staff of {d}": rounds.department_staff[d.pk] for d in (rounds.a, rounds.b)},
        "county office": rounds.office,
        "other county office": rounds.other_office,
    }
    rounds.people = people
    evaluation_round = None

    def event():
        nonlocal evaluation_round
        evaluation_round = open_round(rounds)

    notices = told(rounds, event)

    subject = "请填写评分表：2025年度双向互评"
    round_page = f"/evaluation/rounds/{evaluation_round.pk}/"

    def sheets(count: int, url: str) -> list:
        return [(subject, f"截止时间：2026-09-17 10:00。本单位共有 {count} 张评分表待填写。", url)]

    def sheet_page(township) -> str:
        sheet = ScoreSheet.objects.get(evaluation_round=evaluation_round, rater_township=township)
        return f"/evaluation/sheets/{sheet.pk}/"

    def department_sheet_page(department) -> str:
        sheet = ScoreSheet.objects.get(
            evaluation_round=evaluation_round, rater_department=department
        )
        return f"/evaluation/sheets/{sheet.pk}/"

    # Only linked pairs rate each other: 住建局's item applies to every township,
    # 应急管理局's to 城关街道 only. So 城关街道 rates both departments, the other
    # townships 住建局 only; 住建局 rates every township, 应急管理局 城关街道 only.
    expected_by_unit = {
        "城关街道": sheets(2, round_page),
        "青石镇": sheets(1, sheet_page(rounds.t2)),
        "云岭乡": sheets(1, sheet_page(rounds.t3)),
        "县住房和城乡建设局": sheets(3, round_page),
        "县应急管理局": sheets(1, department_sheet_page(rounds.b)),
    }
    assert notices == {
        f"{role} of {unit}": received
        for unit, received in expected_by_unit.items()
        for role in ("head", "staff")
    }
    for label, received in notices.items():
        client.force_login(people[label])
        for _subject, _body, url in received:
            assert client.get(url).status_code == 200, (label, url)
