"""The demo counties' change requests (演示申请), in every state of the admission flow.

``fixtures/demo/requests.csv`` holds one request per line, in the conventions of the
other demo files (UTF-8 CSV, Chinese header; see ``duty_lists.demo``):

- who files it: 申请人 (a username of ``users.csv``) for 申请单位 (a department, or a
  township asking to amend or withdraw an item that applies to it); 申请类型
  (新增事项/修改事项/取消事项), 清单层级, and 事项编码: the item to amend or withdraw, or
  for 新增事项 the code the new item is to get;
- what it asks for: the item fields (新增: all of them, 经费/人员/装备 included, "无"
  where there is none; 修改: only those that change; 取消: none), 涉及乡镇 (names
  joined by 、, or 全部) and 申请理由;
- the steps to apply, each optional, in this order: the county office's review (审查人,
  审查结论, 审查意见); the consulted parties' answers (征求意见: one answer per line of the
  cell, ``用户名：同意`` or ``用户名：有异议：理由[：修改建议]``); the ruling (裁定人; 裁定结果:
  ``单位：准入/修改后准入/不予准入`` per party, separated by ； or new lines; 裁定理由;
  协调会记录; and for 修改后准入 one rewritten text, 裁定修改字段 and 裁定修改内容).

``demo_requests_read`` checks the file's structure without the database;
``demo_requests_load`` resolves every line against the database and only then files each
request and applies its steps through the workflow services, as the named users, so
rights are checked exactly as for real users. The 申请编号 is appended to the request's
reasons; a re-run finds it in the request's history and leaves that request alone.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from viewflow.workflow.models import Task

from arbitration.models import Decision
from duty_lists.demo import DemoDataError, Units, field_values
from duty_lists.demo.files import FIELD_COLUMNS, Line, check_unique, parse_choice, read_lines
from duty_lists.models import DutyItem, Level
from organisations.models import County, Department, Township, User

from . import services
from .flows import ChangeRequestFlow
from .models import ChangeKind, ChangeRequestProcess, ConsultationAnswer, ReviewDecision
from .services.common import OPEN_STATUSES

REQUESTS_FILE = "requests.csv"
# The item's columns, less those a request does not set: the lead department is the
# filing department (or the item's), the scope is given by 涉及乡镇.
ITEM_COLUMNS = tuple(column for column in FIELD_COLUMNS if column not in ("牵头部门", "适用范围"))
REQUIRED_COLUMNS = ("申请编号", "所属县", "申请人", "申请单位", "申请类型", "清单层级", "申请理由")
OPTIONAL_COLUMNS = (
    "事项编码",
    *ITEM_COLUMNS,
    "涉及乡镇",
    "审查人",
    "审查结论",
    "审查意见",
    "征求意见",
    "裁定人",
    "裁定结果",
    "裁定理由",
    "协调会记录",
    "裁定修改字段",
    "裁定修改内容",
)
REQUEST_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
# The item texts a ruling may rewrite (arbitration.models.AMENDABLE_FIELDS; the amount
# is left out: a ruling of the demo rewrites text).
AMENDABLE_COLUMNS = {
    "事项名称": "title",
    "部门职责": "department_responsibilities",
    "属地职责": "local_responsibilities",
    "经费来源": "funding_source",
    "人员保障": "staffing",
    "装备保障": "equipment",
    "备注": "remarks",
}
PART_SEPARATOR = "："
ALL_TOWNSHIPS = "全部"


@dataclass(frozen=True)
class Answer:
    """One consulted party's answer, given by the user named in the 征求意见 cell."""

    username: str
    answer: str
    reason: str
    counter_proposal: str


@dataclass
class DemoRequest:
    """One line of ``requests.csv``, checked for structure."""

    line: Line
    kind: str
    level: str
    review: str
    answers: list[Answer]
    ruling: list[tuple[str, str]]
    amendment: dict[str, str]
    # Set by ``demo_requests_load`` once the line is resolved against the database.
    resolved: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.line["申请编号"]

    @property
    def marker(self) -> str:
        """Appended to the reasons; a re-run finds it and skips the request."""
        return f"（演示申请 {self.key}）"


@dataclass
class RequestReport:
    """What ``demo_requests_load`` did."""

    created: int = 0
    existing: int = 0


def demo_requests_read(directory: Path) -> list[DemoRequest]:
    """Read and check ``requests.csv`` of ``directory``; no database is needed.

    Returns the requests in file order. Raises ``DemoDataError`` naming the file and
    line of the first bad line.
    """
    path = Path(directory) / REQUESTS_FILE
    lines = read_lines(path, REQUEST_COLUMNS, optional=frozenset(OPTIONAL_COLUMNS))
    check_unique(lines, "申请编号")
    requests = [_parse(line) for line in lines]
    # Two new items may not be promised the same code.
    adds = [r.line for r in requests if r.kind == ChangeKind.ADD and r.line["事项编码"]]
    check_unique(adds, "所属县", "事项编码")
    return requests


def _both(line: Line, first: str, second: str) -> bool:
    """True if both cells are filled; ``DemoDataError`` if only one is."""
    if bool(line[first]) != bool(line[second]):
        raise line.error(f"{first}和{second}应同时填写或同时留空。")
    return bool(line[first])


def _parse(line: Line) -> DemoRequest:
    kind = parse_choice(line, "申请类型", ChangeKind)
    level = parse_choice(line, "清单层级", Level)
    if kind != ChangeKind.ADD and not line["事项编码"]:
        raise line.error(f"{ChangeKind(kind).label}时请填写要调整的事项编码。")
    filled = [column for column in ITEM_COLUMNS if line[column]]
    if kind == ChangeKind.WITHDRAW and (filled or line["涉及乡镇"]):
        raise line.error("取消事项时，事项内容和涉及乡镇应留空。")
    review = ""
    if _both(line, "审查人", "审查结论"):
        review = parse_choice(line, "审查结论", ReviewDecision)
    elif line["审查意见"]:
        raise line.error("填写了审查意见，但没有审查人和审查结论。")
    answers = [_parse_answer(line, text) for text in _entries(line["征求意见"], "\n")]
    if answers and review != ReviewDecision.FORWARD:
        label = ReviewDecision.FORWARD.label
        raise line.error(f"只有审查结论为“{label}”的申请才征求意见，请清空征求意见。")
    ruling, amendment = _parse_ruling(line, answers)
    return DemoRequest(line, kind, level, review, answers, ruling, amendment)


def _entries(text: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}]", text) if part.strip()]


def _parse_answer(line: Line, text: str) -> Answer:
    parts = [part.strip() for part in text.split(PART_SEPARATOR, 3)]
    if len(parts) < 2 or not parts[0]:
        raise line.error(f"征求意见“{text}”应写成“用户名：同意”或“用户名：有异议：理由”。")
    # "No answer" is recorded by the deadline timer, never given by a user.
    answers = {
        text: choice
        for choice in (ConsultationAnswer.ACCEPT, ConsultationAnswer.CONTEST)
        for text in (choice.value, choice.label)
    }
    answer = answers.get(parts[1])
    if answer is None:
        raise line.error(f"征求意见“{text}”中的意见“{parts[1]}”无效，应为同意或有异议。")
    reason, counter_proposal = (parts[2:] + ["", ""])[:2]
    return Answer(parts[0], answer, reason, counter_proposal)


def _parse_ruling(line: Line, answers: list[Answer]):
    ruling: list[tuple[str, str]] = []
    amendment: dict[str, str] = {}
    if _both(line, "裁定修改字段", "裁定修改内容"):
        column = line["裁定修改字段"]
        if column not in AMENDABLE_COLUMNS:
            allowed = "、".join(AMENDABLE_COLUMNS)
            raise line.error(f"裁定修改字段“{column}”无效，应为 {allowed} 之一。")
        amendment[AMENDABLE_COLUMNS[column]] = line["裁定修改内容"]
    if not _both(line, "裁定人", "裁定结果"):
        if line["裁定理由"] or line["协调会记录"] or amendment:
            raise line.error("填写了裁定内容，但没有裁定人和裁定结果。")
        return ruling, amendment
    if not any(a.answer == ConsultationAnswer.CONTEST for a in answers):
        raise line.error("征求意见中没有单位提出异议，申请不会进入裁定，请清空裁定各列。")
    if not line["裁定理由"]:
        raise line.error("裁定时请填写裁定理由。")
    for text in _entries(line["裁定结果"], "；;\n"):
        party, _, decision = (part.strip() for part in text.partition(PART_SEPARATOR))
        if not party or not decision:
            raise line.error(f"裁定结果“{text}”应写成“单位：准入/修改后准入/不予准入”。")
        if any(party == other for other, _ in ruling):
            raise line.error(f"裁定结果对“{party}”写了两次。")
        ruling.append((party, parse_choice(line, "裁定结果", Decision, decision)))
    return ruling, amendment


def demo_requests_load(requests: list[DemoRequest]) -> RequestReport:
    """File the demo requests and apply their steps, through the workflow services.

    Every line is resolved (county, users, units, items) before the first request is
    filed; requests already loaded (found by their 申请编号) are left alone. Returns a
    ``RequestReport``. Raises ``DemoDataError`` naming the line when a name does not
    resolve or a service refuses a step; nothing is written then. Changes: processes,
    their tasks, answers, rulings, published items and notifications, as the services
    write them for real users.
    """
    report = RequestReport()
    with transaction.atomic():
        units, users = Units(), _Users()
        pending = []
        for request in requests:
            _resolve(request, units, users)
            if _is_loaded(request):
                report.existing += 1
            else:
                _check_new(request)
                pending.append(request)
        for request in pending:
            _apply(request)
            report.created += 1
    return report


class _Users(dict):
    """Users by username, cached; an unknown name is a ``DemoDataError``."""

    def get_user(self, line: Line, column: str, username: str) -> User:
        if username not in self:
            self[username] = User.objects.filter(username=username).first()
        if self[username] is None:
            raise line.error(f"{column}“{username}”不是 users.csv 中的用户。")
        return self[username]


def _unit(line: Line, column: str, units: Units, county: County, name: str):
    """The department or township of ``county`` called ``name`` (name or code)."""
    try:
        return units.department(line, column, county, name)
    except DemoDataError:
        pass
    try:
        return units.township(line, column, county, name)
    except DemoDataError:
        raise line.error(f"{column}“{name}”不是{county.name}的部门或乡镇(街道)。") from None


def _resolve(request: DemoRequest, units: Units, users: _Users) -> None:
    line = request.line
    county = units.county(line)
    unit = _unit(line, "申请单位", units, county, line["申请单位"])
    code = line["事项编码"]
    fields = {}
    for column in ITEM_COLUMNS:
        if line[column]:
            fields.update(field_values(line, column, line[column], units, county))
    target_item = None
    if request.kind == ChangeKind.ADD:
        if code:
            fields["code"] = code
    else:
        target_item = DutyItem.objects.filter(
            duty_list__county=county, duty_list__level=request.level, code=code
        ).first()
        if target_item is None:
            level = Level(request.level).label
            raise line.error(f"{county.name}的{level}清单中没有事项“{code}”。")
    villages = fields.pop("villages", [])
    village_kind = fields.pop("village_kind", "")
    if "cooperations" in fields:
        fields["cooperation"] = fields.pop("cooperations")
    townships = []
    if line["涉及乡镇"]:
        townships = units.applicability(line, "涉及乡镇", county, line["涉及乡镇"])
    ruling = {}
    for name, decision in request.ruling:
        party = _unit(line, "裁定结果", units, county, name)
        kind = "township" if isinstance(party, Township) else "department"
        ruling[f"{kind}:{party.pk}"] = decision
    request.resolved = {
        "county": county,
        "filer": users.get_user(line, "申请人", line["申请人"]),
        "department": unit if isinstance(unit, Department) else None,
        "township": unit if isinstance(unit, Township) else None,
        "target_item": target_item,
        "fields": fields,
        "applies_to_all": townships is None,
        "townships": townships or [],
        "villages": villages,
        "village_kind": village_kind,
        "reviewer": users.get_user(line, "审查人", line["审查人"]) if request.review else None,
        "answerers": [users.get_user(line, "征求意见", a.username) for a in request.answers],
        "ruler": users.get_user(line, "裁定人", line["裁定人"]) if request.ruling else None,
        "ruling": ruling,
    }


def _is_loaded(request: DemoRequest) -> bool:
    # History keeps the reasons as filed, even if the request was revised since.
    return ChangeRequestProcess.history.filter(
        county=request.resolved["county"], reasons__endswith=request.marker
    ).exists()


def _check_new(request: DemoRequest) -> None:
    code = request.resolved["fields"].get("code")
    county = request.resolved["county"]
    if code and DutyItem.objects.filter(duty_list__county=county, code=code).exists():
        raise request.line.error(f"事项编码“{code}”在{county.name}的清单中已经存在。")


def _apply(request: DemoRequest) -> None:
    line, resolved = request.line, request.resolved
    process = _call(
        line,
        "提出申请",
        services.change_request_file,
        actor=resolved["filer"],
        county=resolved["county"],
        kind=request.kind,
        level=request.level,
        department=resolved["department"],
        township=resolved["township"],
        target_item=resolved["target_item"],
        fields=resolved["fields"],
        applies_to_all=resolved["applies_to_all"],
        target_townships=resolved["townships"],
        target_villages=resolved["villages"],
        village_kind=resolved["village_kind"],
        reasons=f"{line['申请理由']}{request.marker}",
    )
    if request.review:
        _call(
            line,
            "审查",
            services.change_request_review,
            actor=resolved["reviewer"],
            task_id=_open_task(request, process, "review", "审查").pk,
            decision=request.review,
            comment=line["审查意见"],
        )
    for answer, user in zip(request.answers, resolved["answerers"], strict=True):
        _call(
            line,
            f"{answer.username}的征求意见",
            services.consultation_answer,
            actor=user,
            task_id=_consult_task(request, process, user).pk,
            answer=answer.answer,
            reason=answer.reason,
            counter_proposal=answer.counter_proposal,
        )
    if request.ruling:
        _call(
            line,
            "裁定",
            services.change_request_rule,
            actor=resolved["ruler"],
            task_id=_open_task(request, process, "arbitrate", "裁定").pk,
            decisions=resolved["ruling"],
            reasoning=line["裁定理由"],
            meeting_record=line["协调会记录"],
            amendments=request.amendment or None,
        )


def _open_tasks(process, node_name: str):
    node = getattr(ChangeRequestFlow, node_name)
    return Task.objects.filter(process=process, flow_task=node, status__in=OPEN_STATUSES)


def _open_task(request: DemoRequest, process, node_name: str, step: str) -> Task:
    task = _open_tasks(process, node_name).order_by("pk").first()
    if task is None:
        title = getattr(ChangeRequestFlow, node_name).task_title
        raise request.line.error(f"{step}：申请此时没有待办的“{title}”任务。")
    return task


def _consult_task(request: DemoRequest, process, user: User) -> Task:
    """The open consultation task of ``process`` that ``user`` may take."""
    tasks = _open_tasks(process, "consult").order_by("pk")
    mine = [task for task in tasks if ChangeRequestFlow.consult.can_assign(user, task)]
    if len(mine) != 1:
        raise request.line.error(
            f"征求意见：{user.username} 在此申请中没有（或有多个）待答复的征求意见任务。"
        )
    return mine[0]


def _call(line: Line, step: str, service, **kwargs):
    """Run a service; turn its refusal into a ``DemoDataError`` naming the line."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        raise line.error(f"{step}：{'；'.join(exc.messages)}") from None
    except (PermissionDenied, services.TaskNotOpen) as exc:
        raise line.error(f"{step}：{exc}") from None


def demo_open_tasks(usernames: list[str]) -> dict[str, Counter]:
    """Each user's open tasks of every flow (change requests, off-list reports,
    evaluation rounds) counted by task title: those assigned to them (inbox) and those
    they may take (queue)."""
    from .evaluation_flow import EvaluationRoundFlow
    from .offlist_flow import OffListReportFlow

    flows = [ChangeRequestFlow, OffListReportFlow, EvaluationRoundFlow]
    found = {}
    for user in User.objects.filter(username__in=usernames):
        tasks = [*Task.objects.inbox(flows, user), *Task.objects.queue(flows, user)]
        found[user.username] = Counter(task.flow_task.task_title for task in tasks)
    return found
