"""Official list documents (清单文件): the Excel workbook's columns, title and rows, the
PDF's 文号 and extractable Chinese text, documents as of a release, and who may download
them in the lists app."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from duty_lists.documents import column_headers, document_pdf, document_xlsx, list_document
from duty_lists.models import DutyList, Level
from organisations.models import Role
from tests.factories import make_item, user_with_role
from tests.public.world import FIRST_NUMBER, SECOND_NUMBER, build_county_world

pytestmark = pytest.mark.django_db

TOWNSHIP_HEADERS = [
    "序号",
    "事项编码",
    "事项名称",
    "类别",
    "履职类型",
    "主体责任",
    "牵头部门",
    "部门职责",
    "协同部门(及职责)",
    "乡镇(街道)职责",
    "实施依据",
    "追责情形",
    "免责情形",
    "工作要求/时限",
    "配套保障",
    "备注",
    "指导目录编码",
]


@pytest.fixture
def world(db):
    return build_county_world()


def township_list(world) -> DutyList:
    return DutyList.objects.select_related("county").get(county=world.county, level=Level.TOWNSHIP)


def sheet_of(document):
    return load_workbook(io.BytesIO(document_xlsx(document))).active


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=4, values_only=True))


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, without the line breaks table cells add."""
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_column_headers_name_the_level_s_own_duties():
    assert list(column_headers(Level.TOWNSHIP)) == TOWNSHIP_HEADERS
    assert column_headers(Level.VILLAGE)[9] == "村(社区)职责"
    assert column_headers(Level.GRID)[9] == "网格职责"


def test_excel_of_a_whole_level_has_title_version_header_and_rows(world):
    today = timezone.localdate()
    document = list_document(township_list(world))

    sheet = sheet_of(document)
    assert sheet.title == "乡镇(街道)"
    assert sheet["A1"].value == "清河县乡镇(街道)履行职责事项清单"
    assert sheet["A2"].value == (
        f"现行清单（截至{today.year}年{today.month}月{today.day}日）　最近发布：第2版　"
        f"文号：{SECOND_NUMBER}（2026年1月10日起施行）"
    )
    assert document.filename == f"清河县乡镇(街道)履行职责事项清单_{today.isoformat()}"
    assert [cell.value for cell in sheet[3]] == TOWNSHIP_HEADERS
    assert rows(sheet) == [
        (
            1,
            "XZ-YJ-0001",
            "森林防火巡查",
            "城乡建设",
            "配合履职",
            "牵头部门",
            "县应急管理局",
            "负责森林防火的指导和监督。",
            None,
            "组织护林员开展防火巡查。",
            "《森林防火条例》",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            2,
            "XZ-ZJ-0001",
            "燃气安全入户排查和宣传",
            "平安法治",
            "配合履职",
            "牵头部门",
            "县住房和城乡建设局",
            "负责燃气安全监管和隐患整改执法。",
            "县应急管理局：负责燃气事故的应急处置协调。",
            "配合开展入户排查，发现隐患及时报告。",
            "《城镇燃气管理条例》第四十一条",
            None,
            None,
            None,
            "经费：县财政排查经费（2万元）\n人员：无\n装备：无",
            "每年至少排查一次。",
            "ZJ-GD-0031",
        ),
        (
            3,
            "XZ-ZJ-0002",
            "违法建设巡查",
            "城乡建设",
            "基本履职",
            "乡镇(街道)",
            "县住房和城乡建设局",
            "负责违法建设的认定和查处。",
            None,
            "负责日常巡查，发现违法建设及时制止并报告。",
            "《中华人民共和国城乡规划法》第六十四条",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
    ]


def test_township_document_holds_what_applies_to_that_township(world):
    document = list_document(township_list(world), township=world.qingshi)

    sheet = sheet_of(document)
    assert sheet["A1"].value == "清河县青石镇履行职责事项清单"
    assert [row[1] for row in rows(sheet)] == ["XZ-YJ-0001", "XZ-ZJ-0002"]
    assert [row[0] for row in rows(sheet)] == [1, 2]


def test_village_level_township_document_names_the_level(world):
    village = DutyList.objects.get(county=world.county, level=Level.VILLAGE)

    sheet = sheet_of(list_document(village, township=world.qingshi))

    assert sheet["A1"].value == "清河县青石镇村(社区)履行职责事项清单"
    assert sheet["A2"].value.endswith("尚未以文号发布")
    assert sheet["J3"].value == "村(社区)职责"
    assert [row[2] for row in rows(sheet)] == ["村级燃气安全宣传"]


def test_department_document_holds_the_items_it_leads_and_works_on(world):
    sheet = sheet_of(list_document(township_list(world), department=world.zjj))

    assert sheet["A1"].value == (
        "清河县县住房和城乡建设局事项目录（乡镇(街道)清单，牵头和协同事项）"
    )
    assert [row[1] for row in rows(sheet)] == ["XZ-ZJ-0001", "XZ-ZJ-0002"]
    # 应急管理局 leads 森林防火巡查 and cooperates on 燃气安全入户排查.
    cooperating = sheet_of(list_document(township_list(world), department=world.yjj))
    assert [(row[1], row[8]) for row in rows(cooperating)] == [
        ("XZ-YJ-0001", None),
        ("XZ-ZJ-0001", "县应急管理局：负责燃气事故的应急处置协调。"),
    ]


def test_list_before_any_record_was_made_is_empty_and_says_so(world):
    sheet = sheet_of(list_document(township_list(world), on_date=datetime.date(2025, 1, 1)))

    assert rows(sheet) == []
    assert sheet["A2"].value == (
        f"现行清单（截至2025年1月1日）　最近发布：第2版　文号：{SECOND_NUMBER}"
        "（2026年1月10日起施行）"
    )


def test_document_as_of_a_release_shows_the_list_that_release_issued(world):
    document = list_document(township_list(world), release=world.first)

    sheet = sheet_of(document)
    assert sheet["A2"].value == (
        f"第1版　文号：{FIRST_NUMBER}　县委常委会2026年1月10日审定，2026年1月10日起施行"
    )
    assert [row[2] for row in rows(sheet)] == ["森林防火巡查", "燃气安全入户排查", "违法建设巡查"]
    assert document.filename == "清河县乡镇(街道)履行职责事项清单_第1版"
    later = sheet_of(list_document(township_list(world), release=world.second))
    assert [row[2] for row in rows(later)][1] == "燃气安全入户排查和宣传"


def test_text_that_looks_like_a_formula_stays_text(world):
    make_item(
        county=world.county,
        lead_department=world.zjj,
        code="XZ-ZJ-0100",
        title='=HYPERLINK("http://example.com","点击")',
        basis="+1+1",
        local_responsibilities="@SUM(A1:A2)",
    )

    sheet = sheet_of(list_document(township_list(world)))

    row = next(r for r in sheet.iter_rows(min_row=4) if r[1].value == "XZ-ZJ-0100")
    assert row[2].value == '\'=HYPERLINK("http://example.com","点击")'
    assert row[9].value == "'@SUM(A1:A2)"
    assert row[10].value == "'+1+1"
    assert all(cell.data_type != "f" for cell in row)


def test_documents_refuse_units_of_another_county_or_list(world):
    duty_list = township_list(world)
    with pytest.raises(ValueError, match="township"):
        list_document(duty_list, township=world.other_township)
    with pytest.raises(ValueError, match="department"):
        list_document(duty_list, department=world.other_department)
    with pytest.raises(ValueError, match="release"):
        list_document(duty_list, release=world.other_release)
    with pytest.raises(ValueError, match="not both"):
        list_document(duty_list, township=world.qingshi, department=world.zjj)


def test_pdf_has_the_document_number_on_every_page_and_extractable_chinese(world):
    for n in range(40):
        make_item(
            county=world.county,
            lead_department=world.zjj,
            code=f"XZ-ZJ-{200 + n}",
            title=f"第{n}项农村自建房安全排查",
            department_responsibilities="负责农村自建房安全排查的组织和技术指导。" * 3,
        )
    # The current list, headed by its latest release (release 2).
    document = list_document(township_list(world))

    pages = pdf_text(document_pdf(document))

    assert len(pages) >= 2
    assert all(SECOND_NUMBER in page for page in pages)
    text = "".join(pages)
    assert "清河县乡镇(街道)履行职责事项清单" in text
    assert "乡镇(街道)职责" in text
    assert "燃气安全入户排查和宣传" in text
    assert "第39项农村自建房安全排查" in text
    assert f"第{len(pages)}页/共{len(pages)}页" in pages[-1]


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts of the first page whose font file is in the PDF."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    found = set()
    for reference in page["/Resources"]["/Font"].values():
        font = reference.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        if "/FontFile2" in descendant["/FontDescriptor"].get_object():
            found.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return found


def test_pdf_embeds_its_chinese_font(world):
    pdf = document_pdf(list_document(township_list(world), township=world.chengguan))

    assert "WenQuanYi-Micro-Hei" in embedded_fonts(pdf)


def test_pdf_of_the_same_document_is_laid_out_once(world, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    document = list_document(township_list(world))
    first = document_pdf(document)

    with django_assert_num_queries(0):
        again = document_pdf(document)

    assert again == first
    assert first.startswith(b"%PDF-")


# --- the lists app (logged-in users) -------------------------------------------------


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(user, **query):
    client = client_of(user) if user is not None else Client()
    return client.get("/lists/documents/", {"level": "township", "file": "xlsx", **query})


def test_county_office_downloads_any_document_of_its_county(world):
    county = world.county.pk
    whole = download(world.office, county=county)
    township = download(world.office, county=county, township=world.chengguan.pk)
    department = download(world.office, county=county, department=world.yjj.pk, file="pdf")
    release = download(world.office, county=county, release=1, file="html")

    assert whole.status_code == 200
    assert whole["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in whole["Content-Disposition"]
    assert sheet_of_response(township)["A1"].value == "清河县城关街道履行职责事项清单"
    assert department["Content-Type"] == "application/pdf"
    assert FIRST_NUMBER in release.content.decode()


def sheet_of_response(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def test_township_head_downloads_only_its_own_township_s_document(world):
    head = user_with_role(Role.TOWNSHIP_HEAD, world.chengguan)
    county = world.county.pk

    own = download(head, county=county, township=world.chengguan.pk)
    other = download(head, county=county, township=world.qingshi.pk)
    whole = download(head, county=county)
    department = download(head, county=county, department=world.zjj.pk)

    assert [row[2] for row in rows(sheet_of_response(own))] == [
        "燃气安全入户排查和宣传",
        "违法建设巡查",
    ]
    assert (other.status_code, whole.status_code, department.status_code) == (403, 403, 403)


def test_another_county_s_office_and_anonymous_visitors_get_nothing(world):
    other = download(world.other_office, county=world.county.pk)
    anonymous = download(None, county=world.county.pk)

    assert other.status_code == 403
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_bad_choices_are_named_on_the_page(world):
    response = download(world.office, county=world.county.pk, release=9)
    both = download(
        world.office, county=world.county.pk, township=world.qingshi.pk, department=world.zjj.pk
    )

    assert response.status_code == 400
    assert "该清单没有第9版。" in response.content.decode()
    assert both.status_code == 400
    assert "乡镇(街道)和部门只能选择一项。" in both.content.decode()


def test_documents_page_lists_what_the_user_may_download(world):
    head = user_with_role(Role.TOWNSHIP_HEAD, world.qingshi)

    office_page = client_of(world.office).get("/lists/documents/").content.decode()
    head_page = client_of(head).get("/lists/documents/").content.decode()

    assert f"第2版（{SECOND_NUMBER}）" in office_page
    assert "清河县乡镇(街道)履行职责事项清单" in office_page
    assert "清河县青石镇（乡镇(街道)清单）" in head_page
    assert "清河县乡镇(街道)履行职责事项清单" not in head_page
    assert f"township={world.qingshi.pk}" in head_page
    assert f"township={world.chengguan.pk}" not in head_page


def test_list_page_links_to_the_documents(world):
    page = client_of(world.office).get("/lists/?level=township").content.decode()

    assert 'href="/lists/documents/?level=township"' in page
