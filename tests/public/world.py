"""The public pages' test world: a published county (清河县) with items on its three
lists and two releases, and a county that has switched its public pages off (白沙县).
Used by the public tests and the browser test."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from duty_lists import services as duty_services
from duty_lists.models import DutyType, Level
from organisations.models import Role
from tests.factories import (
    SAFETY_LAW,
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    make_item,
    user_with_role,
)
from workflow.models import CountyWorkflowSettings

DECIDED = datetime.date(2026, 1, 10)
FIRST_NUMBER = "清委办发〔2026〕3号"
SECOND_NUMBER = "清委办发〔2026〕12号"


def publish(office, items, number):
    """Issue ``items`` (of one list) as the list's next release under ``number``."""
    duty_list = items[0].duty_list
    return duty_services.release_publish(
        actor=office,
        duty_list=duty_list,
        items=items,
        document_number=number,
        decided_by="县委常委会",
        decided_on=DECIDED,
        effective_date=DECIDED,
    )


def build_county_world() -> SimpleNamespace:
    """清河县 (code 331100) with 住建局 and 应急管理局, 城关街道 and 青石镇:

    - township list: 燃气安全入户排查 (城关街道 only, 应急管理局 cooperating, 配套保障
      2万元, amended after release 1, issued again in release 2), 违法建设巡查 (all),
      森林防火巡查 (青石镇, 应急管理局),
      an item withdrawn and one taking effect in the future (neither in force today);
    - village list: 村级燃气安全宣传 (all), grid list: 网格燃气隐患巡查 (all);
    - 白沙县 (code 332200) with its own item, public pages off.
    """
    county = CountyFactory(name="清河县", code="331100")
    zjj = DepartmentFactory(county=county, name="县住房和城乡建设局", code="331100-ZJJ")
    yjj = DepartmentFactory(county=county, name="县应急管理局", code="331100-YJJ")
    chengguan = TownshipFactory(county=county, name="城关街道", code="331100001")
    qingshi = TownshipFactory(county=county, name="青石镇", code="331100002")
    office = user_with_role(Role.COUNTY_OFFICE, county, display_name="周建华")
    gas = make_item(
        county=county,
        lead_department=zjj,
        townships=[chengguan],
        code="XZ-ZJ-0001",
        title="燃气安全入户排查",
        category=SAFETY_LAW,
        department_responsibilities="负责燃气安全监管和隐患整改执法。",
        local_responsibilities="配合开展入户排查，发现隐患及时报告。",
        basis="《城镇燃气管理条例》第四十一条",
        cooperations=[(yjj, "负责燃气事故的应急处置协调。")],
        funding_amount=Decimal("2"),
        funding_source="县财政排查经费",
        staffing="无",
        equipment="无",
        remarks="每年至少排查一次。",
        guidance_code="ZJ-GD-0031",
        reason="申请 QD-2026-0007 经编办审查",
    )
    building = make_item(
        county=county,
        lead_department=zjj,
        code="XZ-ZJ-0002",
        title="违法建设巡查",
        duty_type=DutyType.BASIC,
        department_responsibilities="负责违法建设的认定和查处。",
        local_responsibilities="负责日常巡查，发现违法建设及时制止并报告。",
        basis="《中华人民共和国城乡规划法》第六十四条",
    )
    forest = make_item(
        county=county,
        lead_department=yjj,
        townships=[qingshi],
        code="XZ-YJ-0001",
        title="森林防火巡查",
        department_responsibilities="负责森林防火的指导和监督。",
        local_responsibilities="组织护林员开展防火巡查。",
        basis="《森林防火条例》",
    )
    withdrawn = make_item(
        county=county, lead_department=zjj, code="XZ-ZJ-0009", title="已取消的广告牌检查"
    )
    duty_services.duty_item_withdraw(
        actor=office,
        item=withdrawn,
        reason="部门收回",
        withdrawn_date=datetime.date(2026, 2, 1),
    )
    future = make_item(
        county=county,
        lead_department=zjj,
        code="XZ-ZJ-0010",
        title="将来施行的电梯安全巡查",
        effective_date=datetime.date(2099, 1, 1),
    )
    first = publish(office, [gas, building, forest], FIRST_NUMBER)
    duty_services.duty_item_amend(
        actor=office,
        item=gas,
        reason="采纳城关街道周建华的意见",
        title="燃气安全入户排查和宣传",
    )
    second = publish(office, [gas], SECOND_NUMBER)
    village = make_item(
        county=county,
        level=Level.VILLAGE,
        lead_department=zjj,
        code="CS-ZJ-0001",
        title="村级燃气安全宣传",
        local_responsibilities="村(社区)张贴宣传材料。",
    )
    grid = make_item(
        county=county,
        level=Level.GRID,
        lead_department=yjj,
        code="WG-YJ-0001",
        title="网格燃气隐患巡查",
        local_responsibilities="网格员巡查发现燃气隐患并上报。",
    )

    other = CountyFactory(name="白沙县", code="332200")
    CountyWorkflowSettings.objects.create(county=other, public_pages=False)
    other_township = TownshipFactory(county=other, name="沙湾街道", code="332200001")
    other_department = DepartmentFactory(county=other, name="白沙县住建局", code="332200-ZJJ")
    other_item = make_item(
        county=other,
        lead_department=other_department,
        code="XZ-BS-0001",
        title="白沙县河道巡查",
    )
    other_office = user_with_role(Role.COUNTY_OFFICE, other, display_name="白沙编办")
    other_release = publish(other_office, [other_item], "白委办发〔2026〕1号")
    return SimpleNamespace(
        county=county,
        zjj=zjj,
        yjj=yjj,
        chengguan=chengguan,
        qingshi=qingshi,
        office=office,
        gas=gas,
        building=building,
        forest=forest,
        withdrawn=withdrawn,
        future=future,
        village=village,
        grid=grid,
        first=first,
        second=second,
        other=other,
        other_office=other_office,
        other_township=other_township,
        other_department=other_department,
        other_item=other_item,
        other_release=other_release,
    )
