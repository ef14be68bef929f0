"""这件事在清单上吗？ on a county's public page: the answer in plain words, for all
townships or one, and the way to report an off-list demand when nothing covers it."""

import pytest
from django.test import Client

from .test_pages import text_of

pytestmark = pytest.mark.django_db


def ask(query: str, township: str = "") -> str:
    response = Client().get("/public/331100/search/", {"q": query, "township": township})
    assert response.status_code == 200
    return text_of(response)


def test_covered_duty_names_the_items_their_lists_and_townships(county_world):
    text = ask("燃气")

    assert "在清单上。现行清单中有 3 个事项涵盖“燃气”" in text
    answer = text[text.index("在清单上") :]
    # 乡镇(街道) items first, then 村(社区), then 网格.
    assert answer.index("燃气安全入户排查和宣传") < answer.index("村级燃气安全宣传")
    assert answer.index("村级燃气安全宣传") < answer.index("网格燃气隐患巡查")
    assert "乡镇(街道)清单 XZ-ZJ-0001 配合履职 牵头部门：县住房和城乡建设局 适用于：城关街道" in (
        answer
    )
    assert "适用于：全部村(社区)" in answer
    assert "适用于：全部网格" in answer
    assert "已取消的广告牌检查" not in text


def test_answer_for_one_township_separates_items_that_apply_elsewhere(county_world):
    text = ask("森林 巡查", township="331100001")

    assert "没有找到适用于城关街道、涵盖“森林 巡查”的清单事项。" in text
    assert "以下事项涵盖“森林 巡查”，但不适用于城关街道" in text
    assert "森林防火巡查" in text
    assert "适用于：青石镇（不适用于城关街道）" in text


def test_answer_for_the_township_an_item_applies_to(county_world):
    text = ask("森林 巡查", township="331100002")

    assert "在清单上。适用于青石镇的有 1 个事项涵盖“森林 巡查”" in text
    assert "不适用于" not in text


def test_duty_on_no_list_says_so_and_links_to_the_off_list_report(county_world):
    response = Client().get("/public/331100/search/", {"q": "生猪屠宰检疫"})

    text = text_of(response)
    assert "没有找到涵盖“生猪屠宰检疫”的清单事项。" in text
    assert "清单之外无属地事项" in text
    assert 'href="/public/331100/off-list/"' in response.content.decode()
    assert "内容相近" not in text


def test_differently_worded_duty_shows_near_items(county_world):
    text = ask("燃气排查")

    assert "没有找到涵盖“燃气排查”的清单事项。" in text
    assert "以下事项内容相近" in text
    assert "燃气安全入户排查和宣传" in text


def test_full_width_and_upper_case_queries_match(county_world):
    text = ask("ＸＺ－ＹＪ－０００１")

    assert "在清单上" in text
    assert "森林防火巡查" in text


def test_withdrawn_and_future_items_do_not_count_as_on_the_list(county_world):
    assert "没有找到涵盖“广告牌”的清单事项" in ask("广告牌")
    assert "没有找到涵盖“电梯”的清单事项" in ask("电梯")


def test_other_county_items_are_never_found(county_world):
    assert "没有找到涵盖“河道”的清单事项" in ask("河道")


def test_off_list_help_page_explains_how_a_township_reports(county_world):
    text = text_of(Client().get("/public/331100/off-list/"))

    assert "如何报告清单外事项" in text
    assert "5个工作日内答复" in text
