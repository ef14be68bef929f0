"""The demo's decision batches (审定批次): ``fixtures/demo/decisions.csv``.

One batch per line: 批次名称, 所属县, the requests it holds (申请编号 of ``requests.csv``
joined by 、, each waiting for 审定 once the requests are loaded), who prepares it
(提请人). 公示工作日, when filled, is the county's notice period in force when the batch
is prepared (the loader sets the county's 流程设置 to it first), so the batch goes on
public notice. The decision columns (审定机关, 会议名称, 会议日期, 文号, 生效日期, 登记人,
and 会议纪要: a file of the demo folder) are filled for a decided batch, every party as
proposed, and left empty for one still waiting; 公示意见 holds the opinions the public
sent, one per line of the cell: ``申请编号：姓名：意见`` (申请编号 and 姓名 may be empty).

Everything goes through the workflow services as the named users; a batch already
loaded (its county and name) is left alone. A meeting date later than today is
recorded as today (a decision cannot be recorded before its meeting).
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from arbitration.models import DecisionBatch
from duty_lists.demo import DemoDataError, Units
from duty_lists.demo.files import Line, check_unique, parse_date, read_lines
from organisations.models import User

from . import services
from .models import ChangeRequestProcess, Consultation, CountyWorkflowSettings

DECISIONS_FILE = "decisions.csv"
REQUIRED_COLUMNS = ("批次名称", "所属县", "申请编号", "提请人")
DECISION_COLUMNS = ("审定机关", "会议名称", "会议日期", "文号", "生效日期", "登记人", "会议纪要")
OPTIONAL_COLUMNS = ("公示工作日", *DECISION_COLUMNS, "公示意见")
PART_SEPARATOR = "："


@dataclass
class DecisionReport:
    """What ``demo_decisions_load`` did."""

    created: int = 0
    existing: int = 0


def demo_decisions_read(directory: Path) -> list[Line]:
    """Read and check ``decisions.csv``; no database is needed. Raises ``DemoDataError``."""
    path = Path(directory) / DECISIONS_FILE
    lines = read_lines(
        path, (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS), optional=frozenset(OPTIONAL_COLUMNS)
    )
    check_unique(lines, "所属县", "批次名称")
    for line in lines:
        filled = [column for column in DECISION_COLUMNS if line[column]]
        required = [c for c in DECISION_COLUMNS if c not in ("会议名称", "会议纪要")]
        if filled and any(not line[column] for column in required):
            missing = "、".join(column for column in required if not line[column])
            raise line.error(f"登记审定结果时请填写{missing}。")
        if filled:
            parse_date(line, "会议日期")
            parse_date(line, "生效日期")
        if line["公示工作日"] and not line["公示工作日"].isdigit():
            raise line.error(f"公示工作日“{line['公示工作日']}”应为整数。")
    return lines


def demo_decisions_load(lines: list[Line], directory: Path) -> DecisionReport:
    """Prepare, put on notice and decide the demo batches (call inside the demo's
    transaction, after the requests). Returns a ``DecisionReport``. Raises
    ``DemoDataError`` naming the line when a name does not resolve or a service
    refuses a step."""
    report = DecisionReport()
    units = Units()
    for line in lines:
        county = units.county(line)
        if DecisionBatch.objects.filter(county=county, title=line["批次名称"]).exists():
            report.existing += 1
            continue
        _load(line, county, Path(directory))
        report.created += 1
    return report


def _user(line: Line, column: str) -> User:
    user = User.objects.filter(username=line[column]).first()
    if user is None:
        raise line.error(f"{column}“{line[column]}”不是 users.csv 中的用户。")
    return user


def _request(line: Line, county, key: str) -> ChangeRequestProcess:
    process = ChangeRequestProcess.objects.filter(
        county=county, reasons__endswith=f"（演示申请 {key}）"
    ).first()
    if process is None:
        raise line.error(f"申请编号“{key}”不是 requests.csv 中{county.name}的申请。")
    return process


def _load(line: Line, county, directory: Path) -> None:
    keys = [key.strip() for key in line["申请编号"].split("、") if key.strip()]
    requests = {key: _request(line, county, key) for key in keys}
    if line["公示工作日"]:
        _set_notice_days(county, int(line["公示工作日"]))
    batch = _call(
        line,
        "提请审定",
        services.decision_batch_prepare,
        actor=_user(line, "提请人"),
        county=county,
        title=line["批次名称"],
        requests=list(requests.values()),
    )
    for text in (part.strip() for part in line["公示意见"].splitlines() if part.strip()):
        key, name, opinion = _opinion_parts(line, text)
        entry_id = batch.entries.get(process=requests[key]).pk if key else None
        _call(
            line,
            "公示意见",
            services.notice_opinion_receive,
            batch=batch,
            entry_id=entry_id,
            name=name,
            contact="",
            text=opinion,
        )
    if line["文号"]:
        _decide(line, batch, requests, directory)


def _opinion_parts(line: Line, text: str) -> tuple[str, str, str]:
    parts = [part.strip() for part in text.split(PART_SEPARATOR, 2)]
    keys = {key.strip() for key in line["申请编号"].split("、")}
    if len(parts) != 3 or not parts[2] or (parts[0] and parts[0] not in keys):
        raise line.error(
            f"公示意见“{text}”应写成“申请编号：姓名：意见”（申请编号为本批次的申请）。"
        )
    return parts[0], parts[1], parts[2]


def _set_notice_days(county, days: int) -> None:
    settings = CountyWorkflowSettings.objects.filter(county=county).first()
    settings = settings or CountyWorkflowSettings(county=county)
    if settings.pk is not None and settings.notice_working_days == days:
        return
    settings.notice_working_days = days
    settings.full_clean()
    settings._change_reason = "演示数据：设置公示期"
    settings.save()


def _decide(line: Line, batch, requests: dict, directory: Path) -> None:
    decisions = {}
    for process in requests.values():
        consultations = Consultation.objects.filter(process=process).order_by("pk")
        decisions[process.pk] = {services.party_key(c): "as_proposed" for c in consultations}
    minutes = None
    if line["会议纪要"]:
        path = directory / line["会议纪要"]
        if not path.is_file():
            raise line.error(f"会议纪要文件“{line['会议纪要']}”不在演示数据目录中。")
        minutes = SimpleUploadedFile(path.name, path.read_bytes())
    meeting_date = min(parse_date(line, "会议日期"), timezone.localdate())
    _call(
        line,
        "登记审定结果",
        services.decision_batch_record,
        actor=_user(line, "登记人"),
        batch=batch,
        decided_by=line["审定机关"],
        meeting=line["会议名称"],
        meeting_date=meeting_date,
        document_number=line["文号"],
        effective_date=max(parse_date(line, "生效日期"), meeting_date),
        decisions=decisions,
        minutes=minutes,
    )


def _call(line: Line, step: str, service, **kwargs):
    """Run a service; turn its refusal into a ``DemoDataError`` naming the line."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        raise line.error(f"{step}：{'；'.join(exc.messages)}") from None
    except (PermissionDenied, DemoDataError) as exc:
        raise line.error(f"{step}：{exc}") from None
