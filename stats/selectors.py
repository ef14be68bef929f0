"""The figures of the statistics pages (统计分析), computed with aggregate queries.

Every function takes a ``StatsScope`` (the counties shown) and returns ``Table`` rows;
each runs a fixed number of queries whatever the number of items, requests or units
(the counts are grouped in the database, the labels read once per kind of unit).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from arbitration.models import OffListReport, ReportRuling
from duty_lists.columns import Resources
from duty_lists.models import (
    NONE_MARK,
    DutyItem,
    DutyType,
    ItemStatus,
    Level,
    ReleaseChange,
    ReleaseChangeKind,
)
from organisations.models import County, Department, Township
from workflow.flows import ChangeRequestFlow
from workflow.models import ChangeRequestProcess, Consultation, ConsultationAnswer, Outcome

from .tables import Table

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# The duty types a township carries; 上级部门收回 items are duties taken back from it.
CARRIED_TYPES = (DutyType.BASIC, DutyType.COOPERATING)


@dataclass(frozen=True)
class StatsScope:
    """The counties whose figures are shown: ``counties`` maps id to name, in code
    order; ``now`` is the moment ages and deadlines are measured at."""

    counties: dict[int, str]
    now: datetime.datetime = field(default_factory=timezone.now)

    @property
    def county_ids(self) -> list[int]:
        return list(self.counties)

    @property
    def is_multi(self) -> bool:
        """True when more than one county is shown: rows then name their county."""
        return len(self.counties) > 1


def stats_scope(county_ids, *, now: datetime.datetime | None = None) -> StatsScope:
    """The ``StatsScope`` of ``county_ids`` (one query for their names)."""
    counties = dict(
        County.objects.filter(pk__in=sorted(county_ids)).order_by("code").values_list("pk", "name")
    )
    return StatsScope(counties=counties, now=now or timezone.now())


def _county_column(scope: StatsScope) -> tuple[str, ...]:
    return ("县(市、区)",) if scope.is_multi else ()


def _county_cell(scope: StatsScope, county_id: int) -> list:
    return [scope.counties[county_id]] if scope.is_multi else []


def _label_columns(scope: StatsScope) -> tuple[int, ...]:
    return (0, 1) if scope.is_multi else (0,)


def _offset(scope: StatsScope) -> int:
    return 1 if scope.is_multi else 0


def _departments(scope: StatsScope) -> dict[int, tuple[int, str]]:
    """``{department id: (county id, name)}`` of the scope, in county and code order."""
    rows = Department.objects.filter(county_id__in=scope.county_ids).order_by(
        "county__code", "code"
    )
    return {
        pk: (county_id, name) for pk, county_id, name in rows.values_list("pk", "county_id", "name")
    }


def _townships(scope: StatsScope) -> dict[int, tuple[int, str]]:
    """``{township id: (county id, name)}`` of the scope, in county and code order."""
    rows = Township.objects.filter(county_id__in=scope.county_ids).order_by("county__code", "code")
    return {
        pk: (county_id, name) for pk, county_id, name in rows.values_list("pk", "county_id", "name")
    }


def _in_force_items(scope: StatsScope):
    return DutyItem.objects.filter(
        duty_list__county_id__in=scope.county_ids, status=ItemStatus.IN_FORCE
    )


LEVELS = (Level.TOWNSHIP, Level.VILLAGE, Level.GRID)
LEVEL_SHORT = {Level.TOWNSHIP: "乡镇级", Level.VILLAGE: "村级", Level.GRID: "网格"}


def township_burden(scope: StatsScope) -> Table:
    """Items in force that apply to each township, per list level and duty type
    (负担): an item applies to every township of its county when it applies to the
    whole level, else to the townships named on it. Three queries."""
    whole = defaultdict(int)
    for county_id, level, duty_type, count in (
        _in_force_items(scope)
        .filter(applies_to_all=True)
        .values_list("duty_list__county_id", "duty_list__level", "duty_type")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        whole[(county_id, level, duty_type)] += count
    named = defaultdict(int)
    through = DutyItem.townships.through
    for township_id, level, duty_type, count in (
        through.objects.filter(
            dutyitem__duty_list__county_id__in=scope.county_ids,
            dutyitem__status=ItemStatus.IN_FORCE,
            dutyitem__applies_to_all=False,
        )
        .values_list("township_id", "dutyitem__duty_list__level", "dutyitem__duty_type")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        named[(township_id, level, duty_type)] += count
    columns = [*_county_column(scope), "乡镇(街道)"]
    for level in LEVELS:
        columns += [f"{LEVEL_SHORT[level]}基本履职", f"{LEVEL_SHORT[level]}配合履职"]
    columns += ["承担事项合计", "上级部门收回"]
    rows = []
    for township_id, (county_id, name) in _townships(scope).items():

        def count(level, duty_type, township_id=township_id, county_id=county_id):
            return whole[(county_id, level, duty_type)] + named[(township_id, level, duty_type)]

        cells = [count(level, duty_type) for level in LEVELS for duty_type in CARRIED_TYPES]
        taken_back = sum(count(level, DutyType.TAKEN_BACK) for level in LEVELS)
        rows.append([*_county_cell(scope, county_id), name, *cells, sum(cells), taken_back])
    offset = _offset(scope) + 1
    return Table(
        key="burden",
        title="各乡镇(街道)承担事项数",
        columns=tuple(columns),
        rows=rows,
        label_columns=_label_columns(scope),
        chart_columns=tuple(range(offset, offset + 2 * len(LEVELS))),
        note="有效事项中适用于该乡镇(街道)的事项数（适用本级全部单位的事项计入本县每个乡镇(街道)）；"
        "村级、网格清单按其适用的乡镇(街道)计；“上级部门收回”事项不计入承担合计。",
    )


def department_items(scope: StatsScope) -> Table:
    """Items in force per department as lead (牵头部门), per list level; one query for
    the counts, one for the departments."""
    counts = defaultdict(int)
    for department_id, level, count in (
        _in_force_items(scope)
        .values_list("lead_department_id", "duty_list__level")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[(department_id, level)] += count
    rows = []
    for department_id, (county_id, name) in _departments(scope).items():
        cells = [counts[(department_id, level)] for level in LEVELS]
        rows.append([*_county_cell(scope, county_id), name, *cells, sum(cells)])
    offset = _offset(scope) + 1
    return Table(
        key="departments",
        title="各部门牵头事项数",
        columns=(
            *_county_column(scope),
            "部门",
            *(f"{Level(level).label}清单" for level in LEVELS),
            "合计",
        ),
        rows=rows,
        label_columns=_label_columns(scope),
        chart_columns=tuple(range(offset, offset + len(LEVELS))),
        note="有效事项按牵头(主体责任)部门统计。",
    )


def _without_funding() -> Q:
    # 配套保障's 经费 (费随事转): none when its source is not stated, is "无", or its
    # amount is 0.
    return Q(funding_source="") | Q(funding_source=NONE_MARK) | Q(funding_amount=0)


def funding_by_department(scope: StatsScope) -> Table:
    """Items in force a township carries (基本/配合履职) per lead department, and how
    many of them state no 经费 in their 配套保障 (no source, "无", or an amount of 0);
    two queries."""
    counts = {
        department_id: (total, unfunded)
        for department_id, total, unfunded in (
            _in_force_items(scope)
            .filter(duty_type__in=CARRIED_TYPES)
            .values_list("lead_department_id")
            .annotate(total=Count("pk"), unfunded=Count("pk", filter=_without_funding()))
            .order_by()
        )
    }
    rows = []
    for department_id, (county_id, name) in _departments(scope).items():
        total, unfunded = counts.get(department_id, (0, 0))
        if total:
            share = f"{100 * unfunded / total:.1f}%"
            rows.append([*_county_cell(scope, county_id), name, total, unfunded, share])
    offset = _offset(scope) + 1
    return Table(
        key="funding",
        title="未列明经费的事项（按牵头部门）",
        columns=(*_county_column(scope), "部门", "承担事项数", "未列明经费", "占比"),
        rows=rows,
        label_columns=_label_columns(scope),
        chart_columns=(offset + 1,),
        note=(
            "基本履职和配合履职的有效事项中，配套保障未写明经费"
            "（未填经费来源、经费为“无”或金额为 0）的事项。"
        ),
    )


def funding_items(scope: StatsScope) -> Table:
    """The items counted as without 经费 by ``funding_by_department``; one query."""
    items = (
        _in_force_items(scope)
        .filter(duty_type__in=CARRIED_TYPES)
        .filter(_without_funding())
        .order_by("duty_list__county__code", "duty_list__level", "code")
        .values_list(
            "duty_list__county_id",
            "code",
            "title",
            "duty_list__level",
            "lead_department__name",
            "funding_amount",
            "funding_source",
            "staffing",
            "equipment",
        )
    )
    rows = [
        [
            *_county_cell(scope, county_id),
            code,
            title,
            Level(level).label,
            department,
            Resources(*resources).text("；"),
        ]
        for county_id, code, title, level, department, *resources in items
    ]
    return Table(
        key="funding_items",
        title="未列明经费的事项清单",
        columns=(*_county_column(scope), "事项编码", "事项名称", "清单", "牵头部门", "配套保障"),
        rows=rows,
    )


AGE_BUCKETS = (("≤7天", 7), ("8–30天", 30), ("31–90天", 90), ("90天以上", None))
STAGES = (
    ("review", "形式审查"),
    ("review_legality", "合法性审查"),
    ("revise", "退回修改"),
    ("consult", "征求意见"),
    ("arbitrate", "拟办意见"),
    ("await_decision", "待审定"),
)


def requests_by_stage(scope: StatsScope) -> Table:
    """Requests in progress (办理中) by the stage they wait in and their age since
    filing; one query. A request waits in the stage of its latest open task (its
    consultations count once); a request with no open task counts as 其他."""
    open_task = (
        Task.objects.filter(
            process=OuterRef("pk"),
            status__in=OPEN_STATUSES,
            flow_task__in=[getattr(ChangeRequestFlow, name) for name, _ in STAGES],
        )
        .order_by("-created", "-pk")
        .values("flow_task")[:1]
    )
    buckets = []
    for index, (_label, days) in enumerate(AGE_BUCKETS):
        if days is not None:
            buckets.append(
                When(created__gt=scope.now - datetime.timedelta(days=days), then=Value(index))
            )
    age = Case(*buckets, default=Value(len(AGE_BUCKETS) - 1))
    counts = defaultdict(int)
    for county_id, stage, bucket, count in (
        ChangeRequestProcess.objects.filter(county_id__in=scope.county_ids, outcome=Outcome.PENDING)
        .annotate(stage=Subquery(open_task, output_field=CharField()), age=age)
        .values_list("county_id", "stage", "age")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[(county_id, _stage_name(stage), bucket)] += count
    stages = [*STAGES, ("", "其他")]
    rows = []
    for county_id in scope.county_ids:
        for name, label in stages:
            cells = [counts[(county_id, name, bucket)] for bucket in range(len(AGE_BUCKETS))]
            if name or sum(cells):
                rows.append([*_county_cell(scope, county_id), label, *cells, sum(cells)])
    offset = _offset(scope) + 1
    return Table(
        key="requests",
        title="办理中的申请（按环节和时长）",
        columns=(*_county_column(scope), "环节", *(label for label, _ in AGE_BUCKETS), "合计"),
        rows=rows,
        label_columns=_label_columns(scope),
        chart_columns=tuple(range(offset, offset + len(AGE_BUCKETS))),
        note="时长自提出申请起算。",
    )


def _stage_name(stored) -> str:
    """The node name of a stored task reference ("…/flows.ChangeRequestFlow.consult")."""
    if not stored:
        return ""
    name = str(stored).rsplit(".", 1)[-1]
    return name if name in dict(STAGES) else ""


def consultations_by_party(scope: StatsScope) -> Table:
    """Consultations (征求意见) per consulted township: answered, closed as 逾期未答复,
    still open and, of those, past their deadline (the deadline timer has not fired
    yet). Three queries and the townships."""
    answers = defaultdict(int)
    for township_id, answer, count in (
        Consultation.objects.filter(process__county_id__in=scope.county_ids, township__isnull=False)
        .values_list("township_id", "answer")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        answers[(township_id, answer)] += count
    open_now, overdue = _open_consultations(scope)
    rows = []
    for township_id, (county_id, name) in _townships(scope).items():
        answered = (
            answers[(township_id, ConsultationAnswer.ACCEPT)]
            + answers[(township_id, ConsultationAnswer.CONTEST)]
        )
        silent = answers[(township_id, ConsultationAnswer.NO_ANSWER)]
        pending = open_now[township_id]
        late = overdue[township_id]
        if answered or silent or pending:
            rows.append([*_county_cell(scope, county_id), name, answered, silent, pending, late])
    offset = _offset(scope) + 1
    return Table(
        key="consultations",
        title="征求意见答复与逾期情况（按乡镇(街道)）",
        columns=(
            *_county_column(scope),
            "乡镇(街道)",
            "已答复",
            "逾期未答复",
            "待答复",
            "其中已超期",
        ),
        rows=rows,
        label_columns=_label_columns(scope),
        chart_columns=(offset, offset + 1),
        note="“逾期未答复”为期限届满后按未答复办结的征求意见；“其中已超期”为仍待答复但已过答复期限的。",
    )


def _open_consultations(scope: StatsScope) -> tuple[dict, dict]:
    """``({township id: open consultations}, {township id: those past their
    deadline})``; one query (one row per open consultation task)."""
    deadline = Task.objects.filter(
        previous=OuterRef("pk"),
        flow_task=ChangeRequestFlow.consult__timeout_2,
        status=STATUS.SCHEDULED,
    ).values("scheduled")[:1]
    tasks = (
        Task.objects.filter(
            process__in=ChangeRequestProcess.objects.filter(county_id__in=scope.county_ids).values(
                "pk"
            ),
            flow_task=ChangeRequestFlow.consult,
            status__in=OPEN_STATUSES,
        )
        .annotate(due=Subquery(deadline))
        .values_list("data", "due")
    )
    open_now, overdue = defaultdict(int), defaultdict(int)
    for data, due in tasks:
        township_id = (data or {}).get("township")
        if township_id is None:
            continue
        open_now[township_id] += 1
        if due is not None and due <= scope.now:
            overdue[township_id] += 1
    return open_now, overdue


def overdue_consultations(scope: StatsScope) -> Table:
    """The open consultations past their deadline, one row each; two queries."""
    deadline = Task.objects.filter(
        previous=OuterRef("pk"),
        flow_task=ChangeRequestFlow.consult__timeout_2,
        status=STATUS.SCHEDULED,
    ).values("scheduled")[:1]
    tasks = (
        Task.objects.filter(
            process__in=ChangeRequestProcess.objects.filter(county_id__in=scope.county_ids).values(
                "pk"
            ),
            flow_task=ChangeRequestFlow.consult,
            status__in=OPEN_STATUSES,
        )
        .annotate(due=Subquery(deadline))
        .filter(due__lte=scope.now)
        .order_by("due", "pk")
        .values_list("process_id", "data", "due")
    )
    tasks = list(tasks)
    townships = _townships(scope) if tasks else {}
    titles = (
        dict(
            ChangeRequestProcess.objects.filter(pk__in={pk for pk, _, _ in tasks}).values_list(
                "pk", "title"
            )
        )
        if tasks
        else {}
    )
    rows = []
    for process_id, data, due in tasks:
        township_id = (data or {}).get("township")
        if township_id not in townships:
            continue
        county_id, name = townships[township_id]
        local_due = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
        days = (scope.now - due).days
        rows.append(
            [
                *_county_cell(scope, county_id),
                name,
                f"#{process_id} {titles.get(process_id, '')}",
                local_due,
                days,
            ]
        )
    return Table(
        key="overdue",
        title="已超期仍待答复的征求意见",
        columns=(*_county_column(scope), "乡镇(街道)", "申请", "答复期限", "超期天数"),
        rows=rows,
    )


def contest_rate(scope: StatsScope) -> Table:
    """Per department, the consultations of townships on the requests it filed and how
    many were contested (异议率 = 有异议 ÷ 征求意见); two queries."""
    counts = {
        department_id: (total, contested, silent)
        for department_id, total, contested, silent in (
            Consultation.objects.filter(
                process__county_id__in=scope.county_ids,
                process__initiator_department__isnull=False,
                township__isnull=False,
            )
            .values_list("process__initiator_department_id")
            .annotate(
                total=Count("pk"),
                contested=Count("pk", filter=Q(answer=ConsultationAnswer.CONTEST)),
                silent=Count("pk", filter=Q(answer=ConsultationAnswer.NO_ANSWER)),
            )
            .order_by()
        )
    }
    rows = []
    for department_id, (county_id, name) in _departments(scope).items():
        total, contested, silent = counts.get(department_id, (0, 0, 0))
        if total:
            accepted = total - contested - silent
            rate = f"{100 * contested / total:.1f}%"
            rows.append(
                [*_county_cell(scope, county_id), name, total, accepted, contested, silent, rate]
            )
    offset = _offset(scope) + 1
    return Table(
        key="contest",
        title="各部门申请的征求意见异议率",
        columns=(
            *_county_column(scope),
            "申请部门",
            "征求意见",
            "同意",
            "有异议",
            "逾期未答复",
            "异议率",
        ),
        rows=rows,
        label_columns=_label_columns(scope),
        chart_columns=(offset + 1, offset + 2, offset + 3),
        note="部门所提申请中各乡镇(街道)的答复；异议率=有异议÷征求意见次数，逾期未答复单列。",
    )


REPORT_OUTCOMES = (
    ("", "待裁定"),
    (ReportRuling.UPHELD, "属实"),
    (ReportRuling.DISMISSED, "不成立"),
    (ReportRuling.CONVERTED, "转为准入申请"),
)


def reports_by_department(scope: StatsScope) -> Table:
    """Off-list reports (清单外事项报告) per department named in them and their outcome
    (the county office's ruling, or 待裁定); two queries."""
    counts = defaultdict(int)
    for department_id, ruling, count in (
        OffListReport.objects.filter(county_id__in=scope.county_ids)
        .values_list("department_id", "ruling")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[(department_id, ruling)] += count
    rows = []
    for department_id, (county_id, name) in _departments(scope).items():
        cells = [counts[(department_id, ruling)] for ruling, _ in REPORT_OUTCOMES]
        if sum(cells):
            rows.append([*_county_cell(scope, county_id), name, *cells, sum(cells)])
    offset = _offset(scope) + 1
    return Table(
        key="reports",
        title="清单外事项报告（按交办部门和裁定结果）",
        columns=(
            *_county_column(scope),
            "交办部门",
            *(label for _, label in REPORT_OUTCOMES),
            "合计",
        ),
        rows=rows,
        label_columns=_label_columns(scope),
        chart_columns=tuple(range(offset, offset + len(REPORT_OUTCOMES))),
    )


CHANGE_KINDS = (ReleaseChangeKind.ADDED, ReleaseChangeKind.AMENDED, ReleaseChangeKind.WITHDRAWN)


def changes_per_year(scope: StatsScope) -> Table:
    """Items added, amended and withdrawn per year of publication (发布版本), all levels
    together; one query. Years in China time."""
    counts = defaultdict(int)
    for county_id, year, kind, count in (
        ReleaseChange.objects.filter(release__duty_list__county_id__in=scope.county_ids)
        .annotate(year=ExtractYear("release__published_at"))
        .values_list("release__duty_list__county_id", "year", "kind")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[(county_id, year, kind)] += count
    years = sorted({year for _, year, _ in counts})
    rows = []
    for county_id in scope.county_ids:
        for year in years:
            cells = [counts[(county_id, year, kind)] for kind in CHANGE_KINDS]
            if sum(cells):
                rows.append([*_county_cell(scope, county_id), str(year), *cells, sum(cells)])
    offset = _offset(scope) + 1
    return Table(
        key="changes",
        title="清单事项变更（按发布年份）",
        columns=(
            *_county_column(scope),
            "年份",
            *(ReleaseChangeKind(kind).label for kind in CHANGE_KINDS),
            "合计",
        ),
        rows=rows,
        label_columns=_label_columns(scope),
        chart_columns=tuple(range(offset, offset + len(CHANGE_KINDS))),
        note="按发布版本统计（每个版本中新增、修改、取消的事项数）。",
    )
