"""The demo lists' first releases (首次印发): ``fixtures/demo/releases.csv``.

One line per list: 所属县, 清单层级, the 文号 it was issued under, the body that decided
it (审定机关), 审定日期, 生效日期, who recorded it (登记人, a username of ``users.csv``)
and a 说明. The release holds every item of the list in force when the demo loads
(after ``changes.csv``), through ``release_publish`` as the named user. A list that
already has a release with that 文号 is left alone.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError

from organisations.models import User

from .. import services
from ..models import DutyItem, ItemStatus, Level, Release
from .files import Line, check_unique, parse_choice, parse_date, read_lines
from .loading import Units

RELEASES_FILE = "releases.csv"
RELEASE_COLUMNS = (
    "所属县",
    "清单层级",
    "文号",
    "审定机关",
    "审定日期",
    "生效日期",
    "登记人",
    "说明",
)


@dataclass
class ReleaseReport:
    """What ``demo_releases_load`` did."""

    created: int = 0
    existing: int = 0


def demo_releases_read(directory: Path) -> list[Line]:
    """Read and check ``releases.csv``; no database is needed. Raises ``DemoDataError``."""
    lines = read_lines(
        Path(directory) / RELEASES_FILE, RELEASE_COLUMNS, optional=frozenset({"说明"})
    )
    check_unique(lines, "所属县", "清单层级")
    for line in lines:
        parse_choice(line, "清单层级", Level)
        parse_date(line, "审定日期")
        parse_date(line, "生效日期")
    return lines


def demo_releases_load(lines: list[Line]) -> ReleaseReport:
    """Issue the first release of each demo list (call inside the demo's transaction,
    after its items and changes). Returns a ``ReleaseReport``. Raises ``DemoDataError``
    naming the line when a name does not resolve or the service refuses."""
    report = ReleaseReport()
    units = Units()
    for line in lines:
        county = units.county(line)
        duty_list = services.duty_list_for(county, parse_choice(line, "清单层级", Level))
        if Release.objects.filter(duty_list=duty_list, document_number=line["文号"]).exists():
            report.existing += 1
            continue
        user = User.objects.filter(username=line["登记人"]).first()
        if user is None:
            raise line.error(f"登记人“{line['登记人']}”不是 users.csv 中的用户。")
        items = DutyItem.objects.filter(duty_list=duty_list, status=ItemStatus.IN_FORCE)
        try:
            services.release_publish(
                actor=user,
                duty_list=duty_list,
                items=items,
                document_number=line["文号"],
                decided_by=line["审定机关"],
                decided_on=parse_date(line, "审定日期"),
                effective_date=parse_date(line, "生效日期"),
                note=line["说明"],
            )
        except ValidationError as exc:
            raise line.error("；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise line.error(f"登记人无权发布：{exc}") from None
        report.created += 1
    return report
