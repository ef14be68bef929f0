"""The demo county's off-list reports (演示清单外事项报告): one upheld, one waiting for
the department's answer.

They are filed, answered and ruled through the flow's services as the demo users, so
rights are checked as for real users. Each report carries its demo key at the end of its
channel detail; a re-run finds it and leaves that report alone.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from arbitration.models import OffListReport
from organisations.models import Department, Township, User

from .offlist_flow import OffListReportFlow
from .services import reporting
from .services.common import OPEN_STATUSES

COUNTY = "清河县"


@dataclass(frozen=True)
class DemoReport:
    key: str
    reporter: str
    township: str
    department: str
    assignment: str
    assigned_on: datetime.date
    channel: str
    channel_detail: str
    answer: tuple[str, str, str] | None = None  # (username, answer, reason)
    ruling: tuple[str, str, str] | None = None  # (username, ruling, reasoning)

    @property
    def marker(self) -> str:
        return f"（演示报告 {self.key}）"


DEMO_REPORTS = (
    DemoReport(
        key="BG-2026-01",
        reporter="chengguan_head",
        township="城关街道",
        department="县住房和城乡建设局",
        assignment=(
            "要求街道抽调人员对辖区内全部既有建筑开展外墙脱落隐患排查，并逐栋出具排查报告。"
        ),
        assigned_on=datetime.date(2026, 8, 12),
        channel="document",
        channel_detail="清建〔2026〕31号",
        answer=("zjj_staff", "dispute", "外墙隐患排查属于属地巡查发现报告的范围。"),
        ruling=(
            "office",
            "upheld",
            "清单中的“房屋安全巡查”只要求乡镇发现和报告隐患，不包括逐栋排查和出具报告，"
            "交办事项超出清单，报告属实。",
        ),
    ),
    DemoReport(
        key="BG-2026-02",
        reporter="qingshi_head",
        township="青石镇",
        department="县应急管理局",
        assignment="要求镇里每周对辖区所有小微企业开展消防安全检查并上报检查台账。",
        assigned_on=datetime.date(2026, 11, 10),
        channel="message",
        channel_detail="县应急管理局工作群通知",
    ),
)


@dataclass
class ReportsReport:
    created: int = 0
    existing: int = 0


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _open_task_id(report, node) -> int:
    return (
        report.task_set.filter(flow_task=node, status__in=OPEN_STATUSES)
        .values_list("pk", flat=True)
        .get()
    )


def demo_reports_load() -> ReportsReport:
    """File the demo reports that are not there yet and take them to their demo state.

    Returns how many were created and how many already existed. Raises what the
    services raise (``PermissionDenied``, ``ValidationError``) if the demo users or units
    do not fit; the caller's transaction then writes nothing.
    """
    result = ReportsReport()
    for demo in DEMO_REPORTS:
        if OffListReport.objects.filter(
            Q(county__name=COUNTY) & Q(channel_detail__endswith=demo.marker)
        ).exists():
            result.existing += 1
            continue
        report = reporting.report_file(
            actor=_user(demo.reporter),
            township=Township.objects.get(county__name=COUNTY, name=demo.township),
            department=Department.objects.get(county__name=COUNTY, name=demo.department),
            assignment=demo.assignment,
            assigned_on=demo.assigned_on,
            channel=demo.channel,
            channel_detail=f"{demo.channel_detail}{demo.marker}",
        )
        if demo.answer:
            username, answer, reason = demo.answer
            reporting.report_answer(
                actor=_user(username),
                task_id=_open_task_id(report, OffListReportFlow.answer),
                answer=answer,
                reason=reason,
            )
        if demo.ruling:
            username, ruling, reasoning = demo.ruling
            reporting.report_rule(
                actor=_user(username),
                task_id=_open_task_id(report, OffListReportFlow.rule),
                ruling=ruling,
                reasoning=reasoning,
            )
        result.created += 1
    return result
