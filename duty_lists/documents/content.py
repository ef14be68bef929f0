"""What an official list document shows: title, version (文号 and dates) and rows."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from organisations.models import Department, Township

from .. import snapshots
from ..columns import cooperation_text, published_columns, remarks_text, type_cell
from ..directory import department_items
from ..models import DutyList, ItemKind, Level, Release

FILE_FORMATS = ("xlsx", "pdf", "html")
# Rows of a village list: its duties first, then its certificates and signs.
_KIND_ORDER = {ItemKind.DUTY: 0, ItemKind.CERTIFICATE: 1, ItemKind.MECHANISM: 2}


def column_headers(level: str) -> tuple[str, ...]:
    """The columns of a published list of ``level`` (``columns.published_columns``):
    序号 … 履职类型, 主体责任, 牵头部门 … 协同部门(及职责), the level's own duties
    (乡镇(街道)职责 / 村(社区)职责 / 网格职责), 实施依据 … 指导目录编码."""
    return published_columns(level)


def chinese_date(value: datetime.date) -> str:
    """``value`` as written in official documents, e.g. "2026年3月2日"."""
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class DocumentRow:
    """One item of a document, every cell as text, written as ``duty_lists.columns``
    writes published lists (协同部门 "名称：职责" per line, 配套保障 "经费：…" per line,
    a temporary item's end date at the head of 备注)."""

    number: int
    item_id: int
    code: str
    title: str
    category: str
    duty_type: str
    primary_responsibility: str
    lead_department: str
    department_responsibilities: str
    cooperation: str
    local_responsibilities: str
    basis: str
    accountability: str
    exemption: str
    work_requirements: str
    resources: str
    remarks: str
    guidance_code: str

    def cells(self) -> tuple:
        """The row's values in the order of ``column_headers``."""
        return (
            self.number,
            self.code,
            self.title,
            self.category,
            self.duty_type,
            self.primary_responsibility,
            self.lead_department,
            self.department_responsibilities,
            self.cooperation,
            self.local_responsibilities,
            self.basis,
            self.accountability,
            self.exemption,
            self.work_requirements,
            self.resources,
            self.remarks,
            self.guidance_code,
        )


@dataclass(frozen=True)
class ListDocument:
    """An official document of one list: a whole level, one township's or one
    department's part, as of a date or a release.

    ``version_label`` is the line under the title (文号, decision and dates);
    ``header_label`` the running page header of the PDF (文号 and issue date, or the
    date the current list is read on); ``document_number`` is "" when the document is
    not a release and the list has none yet.
    """

    county_name: str
    level: str
    level_label: str
    title: str
    version_label: str
    header_label: str
    document_number: str
    release_number: int | None
    on_date: datetime.date
    headers: tuple[str, ...]
    rows: tuple[DocumentRow, ...]
    filename: str


def list_document(
    duty_list: DutyList,
    *,
    township: Township | None = None,
    department: Department | None = None,
    release: Release | None = None,
    on_date: datetime.date | None = None,
) -> ListDocument:
    """Return the document of ``duty_list``: all of it, or the items that apply to
    ``township``, or the items ``department`` has a role in (leads or works on). Rows
    are in code order; on a village list the duties come first, then the certificates
    (证明事项) and the signs (机制牌子).

    With ``release`` the items are those the release published (their versions recorded
    up to its ``published_at``, in force on its effective date or on the day it was
    recorded, whichever is later) and its 文号 heads the document; otherwise the items
    in force on ``on_date`` (default today), headed by the list's latest release if it
    has one. Raises ValueError when both a township and a
    department are given, or one of them, or the release, belongs elsewhere. Runs at most
    three queries once ``duty_list.county`` is loaded.
    """
    county = duty_list.county
    if township is not None and department is not None:
        raise ValueError("a document is of a township or of a department, not both")
    if township is not None and township.county_id != county.pk:
        raise ValueError("the township is not of the list's county")
    if department is not None and department.county_id != county.pk:
        raise ValueError("the department is not of the list's county")
    if release is not None and release.duty_list_id != duty_list.pk:
        raise ValueError("the release is not of this list")

    if release is not None:
        # In force from the release's effective date, or from the day it was recorded
        # when that was later: a withdrawal or an item recorded with an earlier date
        # then reads as it stood when the release was issued.
        issued = timezone.localtime(release.published_at).date()
        on_date = max(release.effective_date, issued)
        items = snapshots.items_published_at(duty_list, release.published_at, on_date)
        latest = release
    else:
        on_date = on_date or timezone.localdate()
        items = snapshots.items_as_of(duty_list, on_date)
        latest = (
            duty_list.releases.filter(published_at__lte=timezone.now()).order_by("-number").first()
        )
    if township is not None:
        items = [item for item in items if item.applies_to(township)]
    if department is not None:
        items = [entry.item for entry in department_items(items, department.pk)]
    items = sorted(items, key=lambda item: (_KIND_ORDER.get(item.item_kind, 9), item.code))

    level = Level(duty_list.level)
    title = _title(county.name, level, township, department)
    version_label, header_label = _version(release, latest, on_date)
    suffix = f"第{release.number}版" if release else on_date.isoformat()
    return ListDocument(
        county_name=county.name,
        level=level.value,
        level_label=str(level.label),
        title=title,
        version_label=version_label,
        header_label=header_label,
        document_number=latest.document_number if latest else "",
        release_number=release.number if release else None,
        on_date=on_date,
        headers=column_headers(level),
        rows=tuple(_row(number, item) for number, item in enumerate(items, start=1)),
        filename=f"{title}_{suffix}",
    )


def _title(county_name: str, level: Level, township, department) -> str:
    if township is not None:
        scope = "" if level == Level.TOWNSHIP else str(level.label)
        return f"{county_name}{township.name}{scope}履行职责事项清单"
    if department is not None:
        return f"{county_name}{department.name}事项目录（{level.label}清单，牵头和协同事项）"
    return f"{county_name}{level.label}履行职责事项清单"


def _version(release, latest, on_date: datetime.date) -> tuple[str, str]:
    if release is not None:
        issued = timezone.localtime(release.published_at).date()
        return (
            f"第{release.number}版　文号：{release.document_number}　"
            f"{release.decided_by}{chinese_date(release.decided_on)}审定，"
            f"{chinese_date(release.effective_date)}起施行",
            f"{release.document_number}　{chinese_date(issued)}印发",
        )
    current = f"现行清单（截至{chinese_date(on_date)}）"
    if latest is None:
        return f"{current}　尚未以文号发布", current
    return (
        f"{current}　最近发布：第{latest.number}版　文号：{latest.document_number}"
        f"（{chinese_date(latest.effective_date)}起施行）",
        f"{latest.document_number}　{current}",
    )


def _row(number: int, item) -> DocumentRow:
    return DocumentRow(
        number=number,
        item_id=item.item_id,
        code=item.code,
        title=item.title,
        category=item.category_label,
        duty_type=type_cell(item.item_kind, item.duty_type),
        primary_responsibility=item.primary_responsibility_label,
        lead_department=item.lead_department_name,
        department_responsibilities=item.department_responsibilities,
        cooperation=cooperation_text(
            (row.department_name, row.responsibilities) for row in item.cooperations
        ),
        local_responsibilities=item.local_responsibilities,
        basis=item.basis,
        accountability=item.accountability,
        exemption=item.exemption,
        work_requirements=item.work_requirements,
        resources=item.resources.text(),
        remarks=remarks_text(item.remarks, item.expires_on),
        guidance_code=item.guidance_code,
    )
