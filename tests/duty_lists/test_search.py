"""这件事在清单上吗？: keywords, width- and case-insensitive matching, near matches."""

from types import SimpleNamespace

import pytest

from duty_lists.search import NEAR_THRESHOLD, search_items
from duty_lists.text import bigrams, coverage, keywords, normalise


def item(code, title, department="", local="", basis=""):
    return SimpleNamespace(
        code=code,
        title=title,
        department_responsibilities=department,
        local_responsibilities=local,
        basis=basis,
    )


ITEMS = [
    item(
        "XZ-ZJ-0001",
        "燃气安全入户排查",
        department="负责燃气安全监管。",
        local="配合开展入户排查，发现隐患及时报告。",
        basis="《城镇燃气管理条例》第四十一条",
    ),
    item("XZ-ZJ-0002", "违法建设巡查", local="发现违法建设及时制止并报告。"),
    item("XZ-YJ-0001", "森林防火巡查", basis="《森林防火条例》"),
    item("XZ-SC-0001", "LPG钢瓶检查", department="负责液化石油气(LPG)钢瓶充装监管。"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＬＰＧ钢瓶", "lpg钢瓶"),
        ("燃气， 入户。", "燃气入户"),
        ("第４１条", "第41条"),
        ("", ""),
    ],
)
def test_normalise_folds_width_and_case_and_drops_punctuation(text, expected):
    assert normalise(text) == expected


def test_keywords_split_on_spaces_and_chinese_punctuation_once_each():
    assert keywords("燃气　入户，排查、燃气 ") == ["燃气", "入户", "排查"]
    assert keywords("，。 ") == []


def test_bigrams_and_coverage():
    assert bigrams("燃气排查") == {"燃气", "气排", "排查"}
    assert bigrams("水") == {"水"}
    assert coverage({"燃气", "排查", "气排"}, {"燃气", "排查"}) == pytest.approx(2 / 3)
    assert coverage(set(), {"燃气"}) == 0.0


def test_an_item_covers_a_query_when_every_keyword_is_in_one_of_its_fields():
    result = search_items("入户 隐患", ITEMS)

    assert result.is_covered
    assert [(m.item.code, m.covers, m.fields) for m in result.matches] == [
        ("XZ-ZJ-0001", True, ("事项名称", "属地职责"))
    ]


def test_matching_ignores_width_and_case():
    result = search_items("ｌｐｇ　钢瓶", ITEMS)

    assert [m.item.code for m in result.matches] == ["XZ-SC-0001"]
    assert result.keywords == ("lpg", "钢瓶")


def test_title_matches_rank_before_matches_in_other_fields():
    result = search_items("巡查", ITEMS)

    assert [m.item.code for m in result.matches] == ["XZ-YJ-0001", "XZ-ZJ-0002"]
    assert [m.score for m in result.matches] == [2.0, 2.0]
    report = search_items("报告", ITEMS)
    assert [(m.item.code, m.score) for m in report.matches] == [
        ("XZ-ZJ-0001", 1.0),
        ("XZ-ZJ-0002", 1.0),
    ]


def test_basis_and_code_are_searched_too():
    assert [m.item.code for m in search_items("森林防火条例", ITEMS).matches] == ["XZ-YJ-0001"]
    assert [m.item.code for m in search_items("xz-zj-0002", ITEMS).matches] == ["XZ-ZJ-0002"]


def test_a_query_worded_differently_finds_near_items_only_when_nothing_covers_it():
    result = search_items("燃气排查", ITEMS)

    assert not result.is_covered
    assert [(m.item.code, m.covers, m.score) for m in result.matches] == [
        ("XZ-ZJ-0001", False, 0.67)
    ]
    assert result.matches[0].score >= NEAR_THRESHOLD


def test_a_duty_on_no_list_finds_nothing():
    result = search_items("生猪屠宰检疫", ITEMS)

    assert result.matches == ()
    assert not result.is_covered


def test_a_query_of_punctuation_only_finds_nothing():
    assert search_items("？！", ITEMS).matches == ()


def test_limit_keeps_the_best_matches():
    many = [item(f"XZ-{n:04d}", f"巡查事项{n}") for n in range(30)]

    result = search_items("巡查", many, limit=5)

    assert [m.item.code for m in result.matches] == [f"XZ-{n:04d}" for n in range(5)]
