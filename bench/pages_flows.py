"""Change requests and off-list reports of the ``bench_pages.py`` data set, filed and
advanced through the workflow services as the users themselves (rights checked, tasks,
timers, answers, rulings, publications, history and notifications written exactly as
for real users), so that every inbox, queue, archive and list page has genuine rows.

In the bench county the scenarios below run in turn (``FlowCounts.bench_requests`` and
``bench_reports`` of them), centred on its first department and first township so that
the three measured users each have tasks waiting in their queue (待领取), tasks taken
(待办) and tasks done (已办); every other county gets a few (``requests_per_county``,
``reports_per_county``). Taking a task without doing it uses viewflow's own ``assign``
transition under the flow lock, as the task's "assign" page does.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from . import pages_data as data

# One request each, in this order: one pass gives each measured user tasks in its
# inbox, queue and archive (``tests/bench`` checks how many).
BENCH_SCENARIOS = (
    "consult_assigned",
    "consult_open",
    "review_open",
    "review_assigned",
    "returned",
    "returned_assigned",
    "published",
    "arbitration",
    "ruled",
    "revised",
    "township_request",
    "township_request_assigned",
    "rejected",
    "amend",
    "withdraw",
    "arbitration_assigned",
)
OTHER_SCENARIOS = ("published", "consult_open", "arbitration", "review_open", "ruled")
# Scenarios that publish a new item, and those that publish any change (one record).
ADDITIONS_PUBLISHED = frozenset({"published", "ruled"})
CHANGES_PUBLISHED = ADDITIONS_PUBLISHED | {"amend", "withdraw"}
BENCH_REPORTS = ("report_open", "report_answered", "report_upheld", "report_dismissed")
OTHER_REPORTS = ("report_upheld", "report_open")


@dataclass(frozen=True)
class FlowCounts:
    """How many requests and reports the workflow part of a build files."""

    bench_requests: int = 64
    requests_per_county: int = 3
    bench_reports: int = 16
    reports_per_county: int = 1

    def plan(self, county_codes: list[str], bench_code: str) -> list[tuple[str, str]]:
        """``(county code, scenario)`` of every request, in filing order."""
        return _plan(
            county_codes,
            bench_code,
            (self.bench_requests, BENCH_SCENARIOS),
            (self.requests_per_county, OTHER_SCENARIOS),
        )

    def report_plan(self, county_codes: list[str], bench_code: str) -> list[tuple[str, str]]:
        """``(county code, scenario)`` of every off-list report."""
        return _plan(
            county_codes,
            bench_code,
            (self.bench_reports, BENCH_REPORTS),
            (self.reports_per_county, OTHER_REPORTS),
        )

    def published(self, builder) -> tuple[int, int]:
        """How many requests of the plan publish a new item, and how many publish any
        change (each writes one history record): the list builder leaves room for them,
        so that the totals of items and of history records are exact."""
        codes = [county.code for county in builder.counties]
        scenarios = [scenario for _, scenario in self.plan(codes, builder.bench_code)]
        return (
            sum(scenario in ADDITIONS_PUBLISHED for scenario in scenarios),
            sum(scenario in CHANGES_PUBLISHED for scenario in scenarios),
        )


def _plan(codes, bench_code, bench, other) -> list[tuple[str, str]]:
    plan = []
    for code in codes:
        count, scenarios = bench if code == bench_code else other
        plan += [(code, scenarios[i % len(scenarios)]) for i in range(count)]
    return plan


def open_tasks(process_pk: int, node):
    from viewflow.workflow.models import Task

    from workflow.services.common import OPEN_STATUSES

    return Task.objects.filter(
        process_id=process_pk, flow_task=node, status__in=OPEN_STATUSES
    ).order_by("pk")


def party_task(process_pk: int, node, kind: str, pk: int):
    """The open task of ``node`` whose party (``task.data[kind]``) is ``pk``."""
    found = [task for task in open_tasks(process_pk, node) if task.data.get(kind) == pk]
    if len(found) != 1:
        raise RuntimeError(f"process {process_pk}: {len(found)} open {node.name} tasks for {pk}")
    return found[0]


def task_assign(task, user) -> None:
    """Take ``task`` for ``user`` without doing it (viewflow's assign transition, under
    the flow lock, after the node's own ``can_assign`` check)."""
    from django.db import transaction
    from viewflow.workflow.models import Task

    node = task.flow_task
    with node.flow_class.lock(task.process_id), transaction.atomic():
        task = Task.objects.select_related("process").get(pk=task.pk)
        if not node.can_assign(user, task):
            raise RuntimeError(f"{user} may not take task {task.pk}")
        node.activation_class(task).assign(user)


class _County:
    """The units and users of one county that its scenarios use: the first department
    and township are the ones whose users are measured (in the bench county)."""

    def __init__(self, builder, county):
        self.builder = builder
        self.county = county
        self.departments = builder.departments_of[county.pk]
        self.townships = builder.townships_of[county.pk]
        self.department = self.departments[0]
        self.township = self.townships[0]
        self.office = builder.user(data.office_username(county.code))
        self.head = builder.user(data.township_username(self.township.code))

    def staff(self, department):
        return self.builder.user(data.department_username(department.code))

    def head_of(self, township):
        return self.builder.user(data.township_username(township.code))


class _Request:
    """One change request of a scenario, filed and advanced through the services."""

    def __init__(self, place: _County, rng, number: int, used_items: set[int]):
        self.place = place
        self.rng = rng
        self.number = number
        self.used_items = used_items
        # The first pass of the scenarios comes from the measured department, then two
        # of three requests.
        first_pass = number < len(BENCH_SCENARIOS)
        others = place.departments[1:]
        self.department = place.department if first_pass or number % 3 else rng.choice(others)
        self.staff = place.staff(self.department)
        others = [t for t in place.townships if t.pk != place.township.pk]
        self.townships = [place.township, *rng.sample(others, min(len(others), rng.randint(1, 3)))]

    def run(self, scenario: str) -> None:
        getattr(self, scenario)()

    # -- steps --------------------------------------------------------------

    def file_add(self):
        from django.utils import timezone

        from duty_lists.models import Category, DutyType, Level
        from workflow import services
        from workflow.models import ChangeKind

        topic = self.rng.choice(data.TOPICS)
        self.process = services.change_request_file(
            actor=self.staff,
            county=self.place.county,
            kind=ChangeKind.ADD,
            level=Level.TOWNSHIP,
            department=self.department,
            fields={
                "title": f"配合开展{topic}专项行动（申请{self.number}）",
                "category": self.rng.choice(
                    list(Category.objects.filter(county=self.place.county, parent=None))
                ),
                "duty_type": DutyType.COOPERATING,
                "department_responsibilities": f"{self.department.name}负责{topic}的组织实施。",
                "local_responsibilities": f"乡镇(街道)配合开展{topic}，及时报送情况。",
                "basis": "《浙江省乡镇(街道)履行职责事项清单管理办法》",
                "funding_amount": Decimal("5"),
                "funding_source": "县财政工作经费",
                "staffing": "无",
                "equipment": "无",
                "effective_date": timezone.localdate(),
            },
            target_townships=self.townships,
            reasons=f"{topic}需要乡镇(街道)配合，申请列入乡镇(街道)履行职责事项清单。",
        )

    def file_change(self, kind: str):
        """An amendment or withdrawal, by the measured department, of an item in force
        that it leads (one applying to named townships when there is one left)."""
        from duty_lists.models import DutyItem, ItemStatus, Level
        from workflow import services
        from workflow.models import ChangeKind

        self.department = self.place.department
        self.staff = self.place.staff(self.department)
        item = self._item(
            DutyItem.objects.filter(
                duty_list__county=self.place.county,
                duty_list__level=Level.TOWNSHIP,
                status=ItemStatus.IN_FORCE,
                lead_department=self.department,
            )
        )
        fields = {}
        if kind == ChangeKind.AMEND:
            fields = {"local_responsibilities": item.local_responsibilities + "每月报送台账。"}
        self.process = services.change_request_file(
            actor=self.staff,
            county=self.place.county,
            kind=kind,
            department=self.department,
            target_item=item,
            fields=fields,
            applies_to_all=item.applies_to_all,
            target_townships=list(item.townships.all()),
            reasons="根据工作实际调整事项内容。",
        )

    def _item(self, candidates):
        candidates = candidates.exclude(pk__in=self.used_items)
        item = candidates.order_by("applies_to_all", "pk").first()
        if item is None:
            raise RuntimeError(f"no item left for a request in {self.place.county}")
        self.used_items.add(item.pk)
        return item

    def review(self, decision: str, comment: str = ""):
        from workflow import services

        task = open_tasks(self.process.pk, self._flow().review).first()
        services.change_request_review(
            actor=self.place.office, task_id=task.pk, decision=decision, comment=comment
        )

    def answer(self, township, answer: str = "accept"):
        from workflow import services

        task = party_task(self.process.pk, self._flow().consult, "township", township.pk)
        services.consultation_answer(
            actor=self.place.head_of(township),
            task_id=task.pk,
            answer=answer,
            reason="该事项超出本乡镇(街道)能力范围，建议由部门直接实施。"
            if answer == "contest"
            else "",
        )

    def answer_all(self, contest=()):
        for township in self.townships:
            self.answer(township, "contest" if township in contest else "accept")

    def rule(self):
        from workflow import services

        task = open_tasks(self.process.pk, self._flow().arbitrate).first()
        contested = self.process.consultations.filter(answer="contest")
        services.change_request_rule(
            actor=self.place.office,
            task_id=task.pk,
            decisions={services.party_key(c): "admit" for c in contested},
            reasoning="经协调会研究，该事项属于乡镇(街道)配合职责，予以准入。",
            meeting_record="县委编办召集部门和乡镇(街道)召开协调会。",
        )

    def decide(self):
        """The county leadership's decision (审定), recorded by the county office in a
        batch of its own: every party as the consultation or the ruling left it."""
        from django.utils import timezone

        from workflow import services

        today = timezone.localdate()
        batch = services.decision_batch_prepare(
            actor=self.place.office,
            county=self.process.county,
            title=f"清单调整事项第{self.process.pk}批",
            requests=[self.process],
        )
        parties = {services.party_key(c): "as_proposed" for c in self.process.consultations.all()}
        services.decision_batch_record(
            actor=self.place.office,
            batch=batch,
            decided_by="县委常委会",
            meeting_date=today,
            document_number=f"委办发〔{today.year}〕{self.process.pk}号",
            effective_date=today,
            decisions={self.process.pk: parties},
        )

    def take(self, node, user, **party):
        task = (
            party_task(self.process.pk, node, *party.popitem())
            if party
            else open_tasks(self.process.pk, node).first()
        )
        task_assign(task, user)

    @staticmethod
    def _flow():
        from workflow.flows import ChangeRequestFlow

        return ChangeRequestFlow

    # -- scenarios ----------------------------------------------------------

    def consult_assigned(self):
        self.file_add()
        self.review("forward")
        for township in self.townships[1:]:
            self.answer(township)
        self.take(self._flow().consult, self.place.head, township=self.place.township.pk)

    def consult_open(self):
        self.file_add()
        self.review("forward")
        if len(self.townships) > 1:
            self.answer(self.townships[-1])

    def review_open(self):
        self.file_add()

    def review_assigned(self):
        self.file_add()
        self.take(self._flow().review, self.place.office)

    def returned(self):
        self.file_add()
        self.review("return", "请补充实施依据和配套资源。")

    def returned_assigned(self):
        self.returned()
        self.take(self._flow().revise, self.staff)

    def revised(self):
        from workflow import services

        self.returned()
        task = open_tasks(self.process.pk, self._flow().revise).first()
        services.change_request_revise(
            actor=self.staff,
            task_id=task.pk,
            fields={"basis": "《浙江省乡镇(街道)履行职责事项清单管理办法》第十二条"},
        )

    def rejected(self):
        self.file_add()
        self.review("reject", "该事项属于部门法定职责，不宜列入乡镇(街道)清单。")

    def published(self):
        self.file_add()
        self.review("forward")
        self.answer_all()
        self.decide()

    def arbitration(self):
        self.file_add()
        self.review("forward")
        self.answer_all(contest=self.townships[:1])

    def arbitration_assigned(self):
        self.arbitration()
        self.take(self._flow().arbitrate, self.place.office)

    def ruled(self):
        self.arbitration()
        self.rule()
        self.decide()

    def amend(self):
        from workflow.models import ChangeKind

        self.file_change(ChangeKind.AMEND)
        self.forward_and_accept()

    def withdraw(self):
        from workflow.models import ChangeKind

        self.file_change(ChangeKind.WITHDRAW)
        self.forward_and_accept()

    def forward_and_accept(self):
        from workflow.selectors import consulted_townships

        self.review("forward")
        self.townships = consulted_townships(self.process)
        self.answer_all()
        self.decide()

    def township_request(self):
        """The measured township asks to amend an item of the measured department that
        applies to it; the department is consulted."""
        from duty_lists.models import Level
        from workflow import services
        from workflow.models import ChangeKind
        from workflow.permissions import items_township_may_contest

        place = self.place
        item = self._item(
            items_township_may_contest(place.township).filter(
                duty_list__level=Level.TOWNSHIP, lead_department=place.department
            )
        )
        self.process = services.change_request_file(
            actor=place.head,
            county=place.county,
            kind=ChangeKind.AMEND,
            township=place.township,
            target_item=item,
            fields={"staffing": "请部门配套巡查人员。"},
            reasons="本乡镇(街道)缺少专业力量，申请明确部门配套资源。",
        )
        self.review("forward")
        self.department, self.staff = place.department, place.staff(place.department)

    def township_request_assigned(self):
        self.township_request()
        self.take(self._flow().consult, self.staff, department=self.department.pk)


def _report(place: _County, rng, number: int, scenario: str) -> None:
    """One off-list report of ``scenario``, by the measured township (or another one of
    the county) about the measured department, assigned last year."""
    from django.utils import timezone

    from arbitration.models import Channel, DepartmentAnswer, ReportRuling
    from workflow.offlist_flow import OffListReportFlow
    from workflow.services.reporting import report_answer, report_file, report_rule

    township = place.township if number % 2 == 0 else rng.choice(place.townships)
    topic = rng.choice(data.TOPICS)
    year = timezone.localdate().year - 1
    report = report_file(
        actor=place.head_of(township),
        township=township,
        department=place.department,
        assignment=f"要求乡镇(街道)承担{topic}的专业检查并出具检查报告。",
        assigned_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        channel=rng.choice(Channel.values),
        channel_detail=f"{place.department.name}工作群通知",
    )
    if scenario == "report_open":
        return
    task = open_tasks(report.pk, OffListReportFlow.answer).first()
    report_answer(
        actor=place.staff(place.department),
        task_id=task.pk,
        answer=DepartmentAnswer.DISPUTE,
        reason="该事项属于乡镇(街道)属地管理职责。",
    )
    if scenario == "report_answered":
        return
    task = open_tasks(report.pk, OffListReportFlow.rule).first()
    report_rule(
        actor=place.office,
        task_id=task.pk,
        ruling=ReportRuling.UPHELD if scenario == "report_upheld" else ReportRuling.DISMISSED,
        reasoning="经核实，该事项不在乡镇(街道)履行职责事项清单内。",
    )


def run_flows(builder, counts: FlowCounts) -> None:
    """File and advance every request and report of ``counts``' plans."""
    codes = [county.code for county in builder.counties]
    by_code = {county.code: county for county in builder.counties}
    places: dict[str, _County] = {}

    def place(code: str) -> _County:
        if code not in places:
            places[code] = _County(builder, by_code[code])
        return places[code]

    used_items: set[int] = set()
    filed: dict[str, int] = {}
    for code, scenario in counts.plan(codes, builder.bench_code):
        filed[code] = filed.get(code, 0) + 1
        _Request(place(code), builder.rng, filed[code] - 1, used_items).run(scenario)
    reported: dict[str, int] = {}
    for code, scenario in counts.report_plan(codes, builder.bench_code):
        reported[code] = reported.get(code, 0) + 1
        _report(place(code), builder.rng, reported[code] - 1, scenario)
