"""Indicator sets: created and replaced only through the services, by the right people."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import services
from evaluation.models import Direction, Indicator, IndicatorSet
from evaluation.selectors import indicator_set_list
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    UserFactory,
    county_office_user,
    department_staff,
    township_head,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "name": "依单履职",
        "description": "按清单履职",
        "scoring_rule": "无清单外交办得满分；每发现一件清单外交办扣 10 分。",
        "weight": 40,
        "max_score": 100,
    },
    {
        "name": "响应及时",
        "description": "",
        "scoring_rule": "按时响应得 10 分，每逾期一次扣 2 分。",
        "weight": 35,
        "max_score": 10,
    },
    {"name": "协同满意度", "scoring_rule": "满意 100，基本满意 80，不满意 0。", "weight": 25},
]


def _rows(**changes_by_index):
    """``ROWS`` copied, with ``{index: {key: value}}`` changes applied."""
    rows = [dict(row) for row in ROWS]
    for index, changes in changes_by_index.items():
        rows[int(index.removeprefix("row"))].update(changes)
    return rows


def _create(actor, county, indicators=None, **kw):
    return services.indicator_set_create(
        actor=actor,
        county=county,
        direction=kw.pop("direction", Direction.TOWNSHIP_TO_DEPARTMENT),
        name=kw.pop("name", "乡镇评价部门指标"),
        indicators=ROWS if indicators is None else indicators,
        **kw,
    )


def _written() -> tuple[int, int, int, int]:
    return (
        IndicatorSet.objects.count(),
        Indicator.objects.count(),
        IndicatorSet.history.count(),
        Indicator.history.count(),
    )


@pytest.fixture
def county():
    return CountyFactory(name="清河县")


@pytest.fixture
def office(county):
    return county_office_user(county, username="office")


def test_county_office_creates_set_with_exact_rows_and_history(county, office):
    indicator_set = _create(office, county, reason="县委编办发布年度指标")

    assert (indicator_set.county, indicator_set.direction, indicator_set.name) == (
        county,
        "township_to_department",
        "乡镇评价部门指标",
    )
    assert indicator_set.is_active
    assert list(
        indicator_set.indicators.values_list(
            "order", "name", "description", "scoring_rule", "weight", "max_score"
        )
    ) == [
        (
            1,
            "依单履职",
            "按清单履职",
            "无清单外交办得满分；每发现一件清单外交办扣 10 分。",
            40,
            100,
        ),
        (2, "响应及时", "", "按时响应得 10 分，每逾期一次扣 2 分。", 35, 10),
        (3, "协同满意度", "", "满意 100，基本满意 80，不满意 0。", 25, 100),
    ]
    set_history = list(
        indicator_set.history.values_list("history_type", "history_user", "history_change_reason")
    )
    assert set_history == [("+", office.pk, "县委编办发布年度指标")]
    assert sorted(
        Indicator.history.values_list(
            "name", "history_type", "history_user", "history_change_reason"
        )
    ) == sorted(
        [
            ("依单履职", "+", office.pk, "县委编办发布年度指标"),
            ("响应及时", "+", office.pk, "县委编办发布年度指标"),
            ("协同满意度", "+", office.pk, "县委编办发布年度指标"),
        ]
    )


def test_county_admin_and_system_may_create(county):
    admin = user_with_role(Role.COUNTY_ADMIN, county)

    by_admin = _create(admin, county, name="甲")
    by_system = _create(None, county, name="乙", direction=Direction.DEPARTMENT_TO_TOWNSHIP)

    assert by_admin.history.get().history_user == admin
    assert by_system.history.get().history_user is None
    assert by_system.history.get().history_change_reason == "新建评价指标体系"
    assert Indicator.objects.count() == 6


@pytest.mark.parametrize(
    ("indicators", "message"),
    [
        pytest.param(
            _rows(row2={"weight": 24}), "各项指标的权重合计应为 100，现为 99。", id="sum-99"
        ),
        pytest.param(
            _rows(row2={"weight": 26}), "各项指标的权重合计应为 100，现为 101。", id="sum-101"
        ),
        pytest.param(
            [*_rows(row2={"weight": 25}), {"name": "零权重", "scoring_rule": "略", "weight": 0}],
            "第 4 项指标“零权重”的权重：不能为 0，至少为 1。",
            id="zero-weight",
        ),
        pytest.param(
            _rows(row1={"scoring_rule": " \u200b "}),
            "第 2 项指标“响应及时”的评分标准：请填写评分标准（如何给分、扣分）。",
            id="no-scoring-rule",
        ),
        pytest.param(
            _rows(row1={"max_score": 0}),
            "第 2 项指标“响应及时”的满分：不能为 0，至少为 1。",
            id="zero-max-score",
        ),
        pytest.param(
            _rows(row2={"name": "依单履职"}),
            "第 3 项指标“依单履职”：与第 1 项指标重名。",
            id="duplicate-name",
        ),
        pytest.param(
            _rows(row1={"name": "  "}), "第 2 项指标：指标名称不能为空。", id="empty-name"
        ),
        pytest.param([], "请至少填写一项指标。", id="no-indicators"),
    ],
)
def test_bad_indicators_are_named_and_nothing_is_written(county, office, indicators, message):
    before = _written()

    with pytest.raises(ValidationError) as error:
        _create(office, county, indicators)

    assert error.value.message_dict == {"indicators": [message]}
    assert _written() == before == (0, 0, 0, 0)


def test_bad_set_fields_are_named_with_the_rows(county, office):
    with pytest.raises(ValidationError) as error:
        _create(office, county, _rows(row0={"weight": 0}), direction="sideways", name="")

    assert sorted(error.value.message_dict) == ["direction", "indicators", "name"]
    assert error.value.message_dict["indicators"] == [
        "第 1 项指标“依单履职”的权重：不能为 0，至少为 1。"
    ]
    assert _written() == (0, 0, 0, 0)


def _other_county_admin(county):
    return user_with_role(Role.COUNTY_ADMIN, CountyFactory())


def _township_head(county):
    return township_head(TownshipFactory(county=county))


def _department_staff(county):
    return department_staff(DepartmentFactory(county=county))


def _anonymous(county):
    return AnonymousUser()


def _plain_user(county):
    return UserFactory()


DENIED = [
    pytest.param(_anonymous, id="anonymous"),
    pytest.param(_plain_user, id="no-role"),
    pytest.param(_other_county_admin, id="other-county-admin"),
    pytest.param(_township_head, id="township-head"),
    pytest.param(_department_staff, id="department-staff"),
]


@pytest.mark.parametrize("make_actor", DENIED)
def test_create_is_denied_logged_and_writes_nothing(county, make_actor, caplog):
    actor = make_actor(county)
    caplog.set_level(logging.WARNING, logger="qingdan.audit")
    caplog.clear()

    with pytest.raises(PermissionDenied):
        _create(actor, county)

    assert _written() == (0, 0, 0, 0)
    assert [r.getMessage() for r in caplog.records if r.name == "qingdan.audit"] == [
        f"denied: {actor} may not manage the indicator sets of county {county.pk}"
    ]


@pytest.mark.parametrize("make_actor", DENIED)
def test_replace_is_denied_and_writes_nothing(county, office, make_actor):
    indicator_set = _create(office, county)
    actor = make_actor(county)
    before = _written()

    with pytest.raises(PermissionDenied):
        services.indicator_set_replace_indicators(
            actor=actor, indicator_set=indicator_set, indicators=_rows(), reason="改"
        )

    assert _written() == before


def test_replace_updates_adds_and_removes_by_name_with_history(county, office):
    indicator_set = _create(office, county)
    kept_pk = indicator_set.indicators.get(name="依单履职").pk
    admin = user_with_role(Role.COUNTY_ADMIN, county)
    new_rows = [
        {**ROWS[0], "weight": 50},
        {
            "name": "未转嫁责任",
            "description": "不转嫁清单外责任",
            "scoring_rule": "未转嫁得满分。",
            "weight": 25,
        },
        ROWS[2],
    ]

    services.indicator_set_replace_indicators(
        actor=admin, indicator_set=indicator_set, indicators=new_rows, reason="2027 年指标调整"
    )

    assert list(indicator_set.indicators.values_list("order", "name", "weight", "max_score")) == [
        (1, "依单履职", 50, 100),
        (2, "未转嫁责任", 25, 100),
        (3, "协同满意度", 25, 100),
    ]
    assert indicator_set.indicators.get(name="依单履职").pk == kept_pk
    # 协同满意度 is unchanged, so it gets no record.
    changes = Indicator.history.filter(history_change_reason="2027 年指标调整")
    assert sorted(changes.values_list("name", "history_type", "history_user")) == sorted(
        [("依单履职", "~", admin.pk), ("响应及时", "-", admin.pk), ("未转嫁责任", "+", admin.pk)]
    )
    assert list(
        indicator_set.history.values_list("history_type", "history_user", "history_change_reason")
    ) == [("~", admin.pk, "2027 年指标调整"), ("+", office.pk, "新建评价指标体系")]


def test_replace_rejects_bad_rows_and_no_change_and_writes_nothing(county, office):
    indicator_set = _create(office, county)
    before = _written()

    with pytest.raises(ValidationError) as bad_sum:
        services.indicator_set_replace_indicators(
            actor=office,
            indicator_set=indicator_set,
            indicators=_rows(row0={"weight": 41}),
            reason="调整",
        )
    with pytest.raises(ValidationError) as unchanged:
        services.indicator_set_replace_indicators(
            actor=office, indicator_set=indicator_set, indicators=_rows(), reason="调整"
        )
    with pytest.raises(ValidationError) as no_reason:
        services.indicator_set_replace_indicators(
            actor=office, indicator_set=indicator_set, indicators=_rows(), reason=" "
        )

    assert bad_sum.value.message_dict == {"indicators": ["各项指标的权重合计应为 100，现为 101。"]}
    assert unchanged.value.message_dict == {"indicators": ["没有任何变更。"]}
    assert no_reason.value.message_dict == {"reason": ["请填写变更理由。"]}
    assert _written() == before
    assert list(indicator_set.indicators.values_list("weight", flat=True)) == [40, 35, 25]


@pytest.fixture
def two_counties():
    """Two counties, each with one set per direction (made by the system)."""
    counties = {}
    for name in ("清河县", "白沙县"):
        county = CountyFactory(name=name)
        for direction in Direction:
            _create(None, county, name=f"{name}{direction.label}", direction=direction)
        counties[name] = county
    return counties


def _names(user) -> list[str]:
    return [indicator_set.name for indicator_set in indicator_set_list(user)]


QINGHE_SETS = ["清河县部门评价乡镇(街道)", "清河县乡镇(街道)评价部门"]


@pytest.mark.parametrize(
    ("make_user", "expected"),
    [
        pytest.param(lambda c: county_office_user(c["清河县"]), QINGHE_SETS, id="county-office"),
        pytest.param(
            lambda c: user_with_role(Role.COUNTY_ADMIN, c["清河县"]), QINGHE_SETS, id="admin"
        ),
        pytest.param(
            lambda c: department_staff(DepartmentFactory(county=c["清河县"])),
            QINGHE_SETS,
            id="department-staff",
        ),
        pytest.param(
            lambda c: township_head(TownshipFactory(county=c["清河县"])),
            QINGHE_SETS,
            id="township-head",
        ),
        pytest.param(
            lambda c: user_with_role(Role.TOWNSHIP_STAFF, TownshipFactory(county=c["白沙县"])),
            ["白沙县部门评价乡镇(街道)", "白沙县乡镇(街道)评价部门"],
            id="other-county-township-staff",
        ),
        pytest.param(lambda c: UserFactory(), [], id="no-role"),
        pytest.param(lambda c: AnonymousUser(), [], id="anonymous"),
    ],
)
def test_indicator_set_list_is_scoped_to_the_users_county(two_counties, make_user, expected):
    user = make_user(two_counties)

    assert sorted(_names(user)) == sorted(expected)


def test_superuser_sees_every_county_set(two_counties):
    assert len(_names(UserFactory(is_superuser=True))) == 4


@pytest.mark.parametrize("extra_sets", [0, 6])
def test_indicator_set_list_runs_fixed_queries(two_counties, extra_sets, django_assert_num_queries):
    county = two_counties["清河县"]
    for n in range(extra_sets):
        _create(None, county, name=f"附加{n}")
    office = county_office_user(county)

    with django_assert_num_queries(2):
        sets = list(indicator_set_list(office))
        indicators = [i.name for s in sets for i in s.indicators.all()]

    assert len(sets) == 2 + extra_sets
    assert len(indicators) == 3 * (2 + extra_sets)


def _admin_url(view: str, *args) -> str:
    return reverse(f"admin:evaluation_indicatorset_{view}", args=args)


def test_admin_shows_own_county_sets_read_only_and_refuses_others(client, two_counties):
    own, other = (
        IndicatorSet.objects.get(
            county=two_counties[name], direction=Direction.TOWNSHIP_TO_DEPARTMENT
        )
        for name in ("清河县", "白沙县")
    )
    admin = user_with_role(Role.COUNTY_ADMIN, two_counties["清河县"], is_staff=True)
    client.force_login(admin)

    changelist = client.get(_admin_url("changelist"))
    own_page = client.get(_admin_url("change", own.pk))
    other_page = client.get(_admin_url("change", other.pk))
    add_page = client.get(_admin_url("add"))
    post = client.post(_admin_url("change", own.pk), {"name": "改名"})

    assert changelist.status_code == 200
    assert {s.county.name for s in changelist.context["cl"].result_list} == {"清河县"}
    assert len(changelist.context["cl"].result_list) == 2
    assert own_page.status_code == 200
    assert "依单履职" in own_page.content.decode()
    assert (other_page.status_code, add_page.status_code, post.status_code) == (403, 403, 403)
    own.refresh_from_db()
    assert own.name == "清河县乡镇(街道)评价部门"
