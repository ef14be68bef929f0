"""The public pages show a county's lists in force, per township and per department,
items with their public history, and releases, to anyone, and nothing non-public."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from duty_lists import services as duty_services

from .world import FIRST_NUMBER, SECOND_NUMBER

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_index_lists_only_counties_that_publish(county_world):
    response = Client().get("/public/")

    assert response.status_code == 200
    assert "清河县" in text_of(response)
    assert "白沙县" not in text_of(response)
    assert 'href="/public/331100/"' in response.content.decode()


def test_county_page_shows_its_three_lists_townships_departments_and_notice(county_world):
    response = Client().get("/public/331100/")

    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "乡镇(街道)清单 现行事项 3 项" in text
    assert f"最近发布：第2版 {SECOND_NUMBER}（2026年1月10日起施行）" in text
    assert "村(社区)清单 现行事项 1 项 尚未以文号发布" in text
    assert "网格清单 现行事项 1 项 尚未以文号发布" in text
    assert 'href="/public/331100/townships/331100001/"' in html
    assert 'href="/public/331100/townships/331100002/"' in html
    assert "县住房和城乡建设局 3" in text
    # 应急管理局 leads 森林防火巡查 and 网格燃气隐患巡查 and cooperates on 燃气安全入户排查.
    assert "县应急管理局 3" in text
    assert 'href="/public/331100/notice/"' in html
    assert 'href="/public/331100/documents/township.xlsx"' in html
    assert 'href="/public/331100/documents/township.pdf"' in html


def test_level_page_lists_the_items_in_force_today_only(county_world):
    response = Client().get("/public/331100/lists/township/")

    text = text_of(response)
    assert response.status_code == 200
    assert "清河县乡镇(街道)履行职责事项清单" in text
    assert "共 3 项" in text
    for title in ("燃气安全入户排查和宣传", "违法建设巡查", "森林防火巡查"):
        assert title in text
    assert "已取消的广告牌检查" not in text
    assert "将来施行的电梯安全巡查" not in text
    assert "白沙县河道巡查" not in text
    assert "适用：城关街道" in text
    assert "适用：全部乡镇(街道)" in text


def test_village_level_page_says_whom_items_apply_to_in_village_words(county_world):
    text = text_of(Client().get("/public/331100/lists/village/"))

    assert "村级燃气安全宣传" in text
    assert "适用：全部村(社区)" in text


def test_township_page_shows_what_applies_to_that_township(county_world):
    response = Client().get("/public/331100/townships/331100002/")

    text = text_of(response)
    assert response.status_code == 200
    assert "青石镇履行职责事项" in text
    assert "乡镇(街道)清单（2 项）" in text
    assert "违法建设巡查" in text
    assert "森林防火巡查" in text
    assert "燃气安全入户排查" not in text
    assert "村(社区)清单（1 项）" in text
    assert "网格清单（1 项）" in text
    assert (
        'href="/public/331100/documents/township.xlsx?township=331100002"'
        in response.content.decode()
    )


def test_department_page_shows_the_items_it_leads_and_works_on(county_world):
    response = Client().get("/public/331100/departments/331100-YJJ/")

    text = text_of(response)
    assert response.status_code == 200
    assert "县应急管理局" in text
    assert "牵头和协同的清单事项" in text
    assert "乡镇(街道)清单（2 项）" in text
    assert "森林防火巡查" in text
    assert "燃气安全入户排查和宣传" in text
    assert "协同 协同职责：负责燃气事故的应急处置协调。" in text
    assert "牵头" in text
    assert "违法建设巡查" not in text
    assert "网格清单（1 项）" in text
    assert "网格燃气隐患巡查" in text
    assert "村(社区)清单（0 项）" in text


def test_item_page_shows_public_fields_and_history_without_people_or_reasons(county_world):
    response = Client().get(f"/public/331100/items/{county_world.gas.pk}/")

    text = text_of(response)
    assert response.status_code == 200
    assert "燃气安全入户排查和宣传" in text
    assert "主体责任 牵头部门" in text
    assert "协同部门及职责 县应急管理局：负责燃气事故的应急处置协调。" in text
    assert "乡镇(街道)职责 配合开展入户排查，发现隐患及时报告。" in text
    assert "实施依据 《城镇燃气管理条例》第四十一条" in text
    assert "配套保障 经费：县财政排查经费（2万元） 人员：无 装备：无" in text
    assert "备注 每年至少排查一次。" in text
    assert "指导目录编码 ZJ-GD-0031" in text
    assert "适用范围 城关街道" in text
    history = text[text.index("变更记录") :]
    assert "新增" in history
    assert FIRST_NUMBER in history
    assert f"修改 {SECOND_NUMBER}" in history
    assert "事项名称 ： 燃气安全入户排查 → 燃气安全入户排查和宣传" in history
    for private in ("周建华", "采纳城关街道", "QD-2026-0007", "申请", "测试录入"):
        assert private not in text


def test_withdrawn_item_page_says_it_was_withdrawn(county_world):
    text = text_of(Client().get(f"/public/331100/items/{county_world.withdrawn.pk}/"))

    assert "已于2026年2月1日取消" in text
    assert "取消" in text[text.index("变更记录") :]


def test_item_of_another_county_is_not_found_under_this_county(county_world):
    response = Client().get(f"/public/331100/items/{county_world.other_item.pk}/")

    assert response.status_code == 404


def test_release_pages_show_document_number_and_what_changed(county_world):
    listing = text_of(Client().get("/public/331100/releases/"))
    detail = Client().get(f"/public/331100/releases/{county_world.first.pk}/")

    assert f"乡镇(街道)清单 第2版 文号：{SECOND_NUMBER}" in listing
    assert "新增 0 项 修改 1 项 取消 0 项" in listing
    assert "新增 3 项 修改 0 项 取消 0 项" in listing
    text = text_of(detail)
    assert f"文号 {FIRST_NUMBER}" in text
    assert "审定机关 县委常委会" in text
    # The release shows each item as it issued it: the gas item under its first title.
    assert "新增 XZ-ZJ-0001 燃气安全入户排查 牵头部门" in text
    assert "燃气安全入户排查和宣传" not in text
    assert 'href="/public/331100/documents/township.pdf?release=1"' in detail.content.decode()


def test_release_of_another_county_is_not_found(county_world):
    response = Client().get(f"/public/331100/releases/{county_world.other_release.pk}/")

    assert response.status_code == 404


def test_unknown_township_department_level_and_format_are_not_found(county_world):
    client = Client()
    for url in (
        "/public/331100/townships/332200001/",
        "/public/331100/departments/332200-ZJJ/",
        "/public/331100/lists/county/",
        "/public/331100/documents/township.docx",
        "/public/331100/documents/township.xlsx?release=9",
        "/public/331100/documents/township.xlsx?township=332200001",
        "/public/999999/",
    ):
        assert client.get(url).status_code == 404, url


def test_public_pages_refuse_to_be_written_to(county_world):
    response = Client().post("/public/331100/search/", {"q": "燃气"})

    assert response.status_code == 405


def test_public_pages_set_no_cookie(county_world):
    response = Client().get("/public/331100/search/?q=燃气")

    assert response.status_code == 200
    assert dict(response.cookies) == {}


class _ScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        self.handlers += [name for name in attributes if name.startswith("on")]
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def public_urls(world) -> list[str]:
    return [
        "/public/",
        "/public/331100/",
        "/public/331100/lists/township/",
        "/public/331100/townships/331100001/",
        "/public/331100/departments/331100-ZJJ/",
        f"/public/331100/items/{world.gas.pk}/",
        "/public/331100/releases/",
        f"/public/331100/releases/{world.second.pk}/",
        "/public/331100/search/?q=燃气",
        "/public/331100/search/?q=养猪&township=331100001",
        "/public/331100/off-list/",
        "/public/331100/documents/township.html?township=331100001",
    ]


def test_public_pages_have_no_inline_script_and_link_only_to_public_pages(county_world):
    allowed = re.compile(r"^(/public/|/static/|/accounts/login/)")
    for url in public_urls(county_world):
        response = Client().get(url)
        finder = _ScriptFinder()
        finder.feed(response.content.decode())

        assert response.status_code == 200, url
        assert finder.inline_scripts == 0, url
        assert finder.handlers == [], url
        assert [link for link in finder.links if not allowed.match(link)] == [], url


def test_item_amended_today_shows_its_new_text_on_the_public_page(county_world):
    duty_services.duty_item_amend(
        actor=county_world.office,
        item=county_world.building,
        reason="内部理由",
        local_responsibilities="负责日常巡查和劝阻。",
    )

    text = text_of(Client().get(f"/public/331100/items/{county_world.building.pk}/"))

    assert "乡镇(街道)职责 负责日常巡查和劝阻。" in text
    assert "内部理由" not in text
