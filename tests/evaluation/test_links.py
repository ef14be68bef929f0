"""Only linked departments and townships rate each other (参评关系), in both directions,
and the one rule that says which pairs are linked (``workflow.selectors.evaluation_links``
over ``evaluation.links``).

The fixture county 清河县 has five departments and four townships; the period is the
200 days around today (China time):

- 住建局 (A) leads an item applying to 城关街道 (T1), in force: linked A–T1 (item); 城关街道
  also reported an off-list demand of A in the period: A–T1 (item, report). A leads
  another item, for 青石镇 (T2), that takes effect only after the period: no link.
- 应急局 (B) filed a change request touching 青石镇 in the period: B–T2 (request); its
  earlier request, filed before the period, touching 云岭乡 (T3): no link.
- 市场监管局 (C): 云岭乡 reported an off-list demand of it in the period: C–T3 (report);
  a report of 东山镇 (T4) about C, assigned and filed before the period: no link.
- 自然资源局 (D) and 农业农村局 (E): nothing; they take no part.
- 白沙县, the other county, has its own linked pair, which never enters 清河县's round.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from arbitration.models import OffListReport
from evaluation.links import DOMAIN_SOURCES, SheetPair, linked_pairs, sheet_pairs
from evaluation.models import Direction, LinkKind, ScoreSheet
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    make_item,
    user_with_role,
)
from tests.workflow.conftest import add_fields
from workflow import services
from workflow.models import ChangeKind, ChangeRequestProcess
from workflow.selectors import evaluation_links
from workflow.services import reporting

from .round_factories import indicator_sets

pytestmark = pytest.mark.django_db


def _request(actor, county, department, township):
    return services.change_request_file(
        actor=actor,
        county=county,
        kind=ChangeKind.ADD,
        level="township",
        department=department,
        fields=add_fields(
            county,
            lead_department=department,
            department_responsibilities="负责燃气安全监管。",
            local_responsibilities="配合开展入户排查。",
        ),
        applies_to_all=False,
        target_townships=[township],
        reasons="属地需要配合入户排查。",
    )


def _report(head, township, department, assigned_on):
    return reporting.report_file(
        actor=head,
        township=township,
        department=department,
        assignment="要求乡镇代为开展执法检查",
        assigned_on=assigned_on,
        channel="phone",
    )


@pytest.fixture
def county_world():
    today = timezone.localdate()
    period = (today - datetime.timedelta(days=100), today + datetime.timedelta(days=100))
    before = period[0] - datetime.timedelta(days=30)
    county = CountyFactory(name="清河县")
    a, b, c, d, e = (
        DepartmentFactory(county=county, name=name, code=f"QH-D{index}")
        for index, name in enumerate(
            [
                "县住房和城乡建设局",
                "县应急管理局",
                "县市场监督管理局",
                "县自然资源局",
                "县农业农村局",
            ]
        )
    )
    t1, t2, t3, t4 = (
        TownshipFactory(county=county, name=name, code=f"QH-T{index}")
        for index, name in enumerate(["城关街道", "青石镇", "云岭乡", "东山镇"])
    )
    heads = {t: user_with_role(Role.TOWNSHIP_HEAD, t) for t in (t1, t2, t3, t4)}
    make_item(county=county, lead_department=a, townships=[t1], effective_date=before)
    make_item(
        county=county,
        lead_department=a,
        townships=[t2],
        effective_date=period[1] + datetime.timedelta(days=1),
    )
    b_staff = user_with_role(Role.DEPARTMENT_STAFF, b)
    _request(b_staff, county, b, t2)
    earlier = _request(b_staff, county, b, t3)
    ChangeRequestProcess.objects.filter(pk=earlier.pk).update(
        created=timezone.now() - datetime.timedelta(days=150)
    )
    _report(heads[t1], t1, a, today - datetime.timedelta(days=3))
    _report(heads[t3], t3, c, today - datetime.timedelta(days=3))
    old = _report(heads[t4], t4, c, before)
    OffListReport.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=150)
    )
    other = CountyFactory(name="白沙县")
    other_department = DepartmentFactory(county=other, name="白沙县住建局")
    other_township = TownshipFactory(county=other, name="沙湾街道")
    make_item(county=other, lead_department=other_department, effective_date=before)
    return {
        "county": county,
        "period": period,
        "units": (a, b, c, d, e, t1, t2, t3, t4),
        "other": (other, other_department, other_township),
        "office": user_with_role(Role.COUNTY_OFFICE, county),
    }


def test_only_linked_pairs_with_the_kinds_of_their_links(county_world):
    a, b, c, _d, _e, t1, t2, t3, _t4 = county_world["units"]

    links = evaluation_links(county_world["county"], *county_world["period"])

    assert links == {
        (a.pk, t1.pk): ("item", "report"),
        (b.pk, t2.pk): ("request",),
        (c.pk, t3.pk): ("report",),
    }


def test_round_gives_each_linked_pair_a_sheet_each_way_and_nothing_else(county_world):
    a, b, c, _d, _e, t1, t2, t3, _t4 = county_world["units"]
    indicator_sets(county_world["county"])

    evaluation_round = services.evaluating.evaluation_round_open(
        actor=county_world["office"],
        county=county_world["county"],
        name="本年度双向互评",
        period_start=county_world["period"][0],
        period_end=county_world["period"][1],
        deadline=timezone.now() + datetime.timedelta(days=10),
    )

    sheets = sorted(
        (s.direction, str(s.rater), str(s.ratee), tuple(s.links))
        for s in ScoreSheet.objects.filter(evaluation_round=evaluation_round).select_related(
            "rater_township", "rater_department", "ratee_township", "ratee_department"
        )
    )
    t2d, d2t = Direction.TOWNSHIP_TO_DEPARTMENT, Direction.DEPARTMENT_TO_TOWNSHIP
    assert sheets == sorted(
        [
            (t2d, "城关街道", "县住房和城乡建设局", ("item", "report")),
            (d2t, "县住房和城乡建设局", "城关街道", ("item", "report")),
            (t2d, "青石镇", "县应急管理局", ("request",)),
            (d2t, "县应急管理局", "青石镇", ("request",)),
            (t2d, "云岭乡", "县市场监督管理局", ("report",)),
            (d2t, "县市场监督管理局", "云岭乡", ("report",)),
        ]
    )


def test_the_sheet_page_says_why_the_pair_rates_each_other(client, county_world):
    a, *_rest = county_world["units"]
    t1 = county_world["units"][5]
    indicator_sets(county_world["county"])
    evaluation_round = services.evaluating.evaluation_round_open(
        actor=county_world["office"],
        county=county_world["county"],
        name="本年度双向互评",
        period_start=county_world["period"][0],
        period_end=county_world["period"][1],
        deadline=timezone.now() + datetime.timedelta(days=10),
    )
    sheet = ScoreSheet.objects.get(
        evaluation_round=evaluation_round, rater_township=t1, ratee_department=a
    )
    client.force_login(user_with_role(Role.TOWNSHIP_STAFF, t1))

    response = client.get(reverse("evaluation:sheet", args=[sheet.pk]))

    assert response.status_code == 200
    assert '<span data-testid="sheet-links">牵头事项、清单外事项报告</span>' in (
        response.content.decode()
    )


def test_a_county_without_linked_pairs_opens_no_round(county_world):
    lonely = CountyFactory(name="无关联县")
    DepartmentFactory(county=lonely)
    TownshipFactory(county=lonely)
    indicator_sets(lonely)

    with pytest.raises(ValidationError) as raised:
        services.evaluating.evaluation_round_open(
            actor=user_with_role(Role.COUNTY_OFFICE, lonely),
            county=lonely,
            name="本年度双向互评",
            period_start=county_world["period"][0],
            period_end=county_world["period"][1],
            deadline=timezone.now() + datetime.timedelta(days=10),
        )

    assert raised.value.message_dict == {
        "county": ["考核期内本县没有相互关联的部门和乡镇(街道)，无需互评。"]
    }
    assert not ScoreSheet.objects.exists()


def test_a_new_kind_of_link_is_one_more_source(county_world):
    """A further kind (here a made-up 结对帮扶) joins as one more source in the mapping,
    after the declared kinds; pairs naming another county's units are dropped."""
    a, b, c, d, _e, t1, t2, t3, t4 = county_world["units"]
    _other, other_department, other_township = county_world["other"]

    def pairing(county, start, end):
        return [
            (d.pk, t4.pk),
            (a.pk, t1.pk),
            (other_department.pk, t4.pk),
            (d.pk, other_township.pk),
        ]

    links = linked_pairs(
        county=county_world["county"],
        period_start=county_world["period"][0],
        period_end=county_world["period"][1],
        sources={**DOMAIN_SOURCES, "pairing": pairing},
    )

    assert links == {
        (a.pk, t1.pk): ("item", "report", "pairing"),
        (c.pk, t3.pk): ("report",),
        (d.pk, t4.pk): ("pairing",),
    }


def test_sheet_pairs_orders_township_sheets_first():
    links = {(7, 2): (LinkKind.ITEM,), (3, 2): (LinkKind.REPORT,), (3, 1): (LinkKind.ITEM,)}

    assert sheet_pairs(links) == [
        SheetPair(Direction.TOWNSHIP_TO_DEPARTMENT, 1, 3, ("item",)),
        SheetPair(Direction.TOWNSHIP_TO_DEPARTMENT, 2, 3, ("report",)),
        SheetPair(Direction.TOWNSHIP_TO_DEPARTMENT, 2, 7, ("item",)),
        SheetPair(Direction.DEPARTMENT_TO_TOWNSHIP, 3, 1, ("item",)),
        SheetPair(Direction.DEPARTMENT_TO_TOWNSHIP, 3, 2, ("report",)),
        SheetPair(Direction.DEPARTMENT_TO_TOWNSHIP, 7, 2, ("item",)),
    ]
