"""The "清单外事项" pages: filing with the closest list items shown, answering and ruling
through the pages, the list's fixed query count, and every URL × every kind of user
(anonymous: login redirect; denied: 403 and nothing changed)."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from arbitration.models import OffListReport
from tests.arbitration.world import (
    answer,
    conversion,
    database_state,
    file_report,
    make_world,
    pdf,
    rule,
)
from tests.factories import make_item
from workflow.models import ChangeRequestProcess

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def logged_in(client, user):
    client.force_login(user)
    return client


def form_data(world, **overrides) -> dict:
    data = {
        "township": world.township.pk,
        "department": world.department.pk,
        "assignment": "要求街道开展自建房结构安全排查并逐户建档。",
        "assigned_on": "2026-09-01",
        "channel": "document",
        "channel_detail": "清建〔2026〕18号",
    }
    data.update(overrides)
    return data


def test_check_shows_the_closest_items_of_the_townships_list_without_filing(world, client):
    item = make_item(
        county=world.county,
        lead_department=world.department,
        title="自建房安全排查",
        local_responsibilities="配合开展自建房结构安全排查，发现隐患及时报告。",
    )
    logged_in(client, world.head)

    response = client.post(reverse("reports:new"), {**form_data(world), "check": "1"})

    assert response.status_code == 200
    similar = response.context["similar"]
    assert [entry.item for entry in similar] == [item]
    assert "自建房安全排查" in response.content.decode()
    assert OffListReport.objects.count() == 0

    fragment = client.get(
        reverse("reports:check"),
        {"township": world.township.pk, "assignment": "自建房结构安全排查"},
    )
    assert fragment.status_code == 200
    assert item.code in fragment.content.decode()


def test_check_shows_only_items_that_apply_to_the_reporting_township(world, client):
    """A township head never learns, through the check, another township's items."""
    shared = {"lead_department": world.department, "local_responsibilities": "自建房结构安全排查"}
    for_all = make_item(county=world.county, title="自建房安全排查（全县）", **shared)
    for_own = make_item(
        county=world.county, townships=[world.township], title="自建房安全排查（城关）", **shared
    )
    for_both = make_item(
        county=world.county,
        townships=[world.township, world.other_township],
        title="自建房安全排查（城关、青石）",
        **shared,
    )
    for_other = make_item(
        county=world.county,
        townships=[world.other_township],
        title="自建房安全排查（青石）",
        **shared,
    )
    make_item(county=world.other_county, title="自建房安全排查（白沙）")
    check = {"township": world.township.pk, "assignment": "自建房结构安全排查"}

    fragment = logged_in(client, world.head).get(reverse("reports:check"), check)
    checked = client.post(reverse("reports:new"), {**form_data(world, **check), "check": "1"})
    other_fragment = logged_in(client, world.other_head).get(
        reverse("reports:check"), {**check, "township": world.other_township.pk}
    )

    assert sorted(entry.item.pk for entry in fragment.context["similar"]) == sorted(
        [for_all.pk, for_own.pk, for_both.pk]
    )
    assert sorted(entry.item.pk for entry in checked.context["similar"]) == sorted(
        [for_all.pk, for_own.pk, for_both.pk]
    )
    for response in (fragment, checked):
        assert for_other.code not in response.content.decode()
        assert "自建房安全排查（青石）" not in response.content.decode()
    assert sorted(entry.item.pk for entry in other_fragment.context["similar"]) == sorted(
        [for_all.pk, for_both.pk, for_other.pk]
    )


def test_filing_answering_and_ruling_through_the_pages(world, client):
    logged_in(client, world.head)
    response = client.post(
        reverse("reports:new"),
        {**form_data(world), "evidence": [pdf()]},
    )
    report = OffListReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    page = client.get(response["Location"])
    assert "待部门答复" in page.content.decode()
    assert not page.context["may_answer"]

    logged_in(client, world.staff)
    assert client.get(reverse("reports:detail", args=[report.pk])).context["may_answer"]
    response = client.post(
        reverse("reports:answer", args=[report.pk]),
        {"answer": "dispute", "reason": "属于部门法定职责。"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.department_answer, report.answered_by) == ("dispute", world.staff)

    logged_in(client, world.office)
    response = client.post(
        reverse("reports:rule", args=[report.pk]), {"ruling": "upheld", "reasoning": "属实。"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.ruling, report.status) == ("upheld", "DONE")
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "属实（清单外交办成立）" in page
    assert "裁定：属实（清单外交办成立）" in page


def test_bad_form_input_is_shown_on_its_fields(world, client):
    logged_in(client, world.head)

    response = client.post(
        reverse("reports:new"),
        form_data(world, assigned_on="2999-01-01", department=world.other_department.pk),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"assigned_on": ["交办日期不能晚于今天。"]}
    assert OffListReport.objects.count() == 0


def test_conversion_without_item_fields_names_them_on_the_ruling_page(world, client):
    report = file_report(world)
    answer(world, report)
    logged_in(client, world.office)

    response = client.post(
        reverse("reports:rule", args=[report.pk]), {"ruling": "converted", "reasoning": "转。"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "category",
        "duty_type",
        "department_responsibilities",
        "basis",
        "effective_date",
        "funding_source",
        "staffing",
        "equipment",
    }
    report.refresh_from_db()
    assert report.ruling == ""


def test_a_conversion_on_the_ruling_page_carries_its_remarks_into_the_request(world, client):
    report = file_report(world)
    answer(world, report)
    logged_in(client, world.office)
    url = reverse("reports:rule", args=[report.pk])
    assert 'name="remarks"' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "ruling": "converted",
            "reasoning": "转。",
            **conversion(world.county),
            "remarks": "随申请附交办记录。",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert ChangeRequestProcess.objects.get().remarks == "随申请附交办记录。"


def test_answer_page_of_an_answered_report_says_so(world, client):
    report = file_report(world)
    answer(world, report)
    logged_in(client, world.department_head)

    response = client.get(reverse("reports:answer", args=[report.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("reports:detail", args=[report.pk])
    assert "当前没有待部门答复的任务" in response.content.decode()


def test_list_page_runs_the_same_queries_for_5_and_50_reports(
    world, client, django_assert_num_queries
):
    logged_in(client, world.office)
    for _ in range(5):
        file_report(world)
    client.get(reverse("reports:index"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("reports:index")).status_code == 200
    for _ in range(45):
        file_report(world)

    assert len(five) <= 9
    with django_assert_num_queries(len(five)):
        response = client.get(reverse("reports:index"))

    assert response.context["paginator"].count == 50


# --- permission matrix ------------------------------------------------------------

EVERYONE = (
    "head",
    "township_staff",
    "other_head",
    "staff",
    "department_head",
    "other_staff",
    "office",
    "county_admin",
    "other_office",
    "other_county_head",
    "other_county_staff",
)
SEES_REPORT = ("head", "township_staff", "staff", "department_head", "office", "county_admin")
HEADS = ("head", "other_head", "other_county_head")


def _report(world, **kwargs):
    return file_report(world, evidence=[pdf()], **kwargs)


def _answered(world):
    report = _report(world)
    answer(world, report)
    return report


URLS = {
    "index": (lambda w: ("get", reverse("reports:index"), None), dict.fromkeys(EVERYONE, 200)),
    "new": (lambda w: ("get", reverse("reports:new"), None), dict.fromkeys(HEADS, 200)),
    "file": (
        lambda w: ("post", reverse("reports:new"), form_data(w)),
        {"head": 302},
    ),
    "check": (
        lambda w: ("get", reverse("reports:check") + "?assignment=自建房排查", None),
        dict.fromkeys(HEADS, 200),
    ),
    "detail": (
        lambda w: ("get", reverse("reports:detail", args=[_report(w).pk]), None),
        dict.fromkeys(SEES_REPORT, 200),
    ),
    "answer_page": (
        lambda w: ("get", reverse("reports:answer", args=[_report(w).pk]), None),
        {"staff": 200, "department_head": 200},
    ),
    "answer": (
        lambda w: (
            "post",
            reverse("reports:answer", args=[_report(w).pk]),
            {"answer": "withdraw", "reason": "已撤回。"},
        ),
        {"staff": 302, "department_head": 302},
    ),
    "rule_page": (
        lambda w: ("get", reverse("reports:rule", args=[_answered(w).pk]), None),
        {"office": 200},
    ),
    "rule": (
        lambda w: (
            "post",
            reverse("reports:rule", args=[_answered(w).pk]),
            {"ruling": "dismissed", "reasoning": "不成立。"},
        ),
        {"office": 302},
    ),
    "evidence": (
        lambda w: (
            "get",
            reverse("reports:evidence", args=[(r := _report(w)).pk, r.evidence.get().pk]),
            None,
        ),
        dict.fromkeys(SEES_REPORT, 200),
    ),
    "evidence_add": (
        lambda w: (
            "post",
            reverse("reports:evidence_add", args=[_report(w).pk]),
            {"evidence": pdf("补充.pdf")},
        ),
        {"head": 302, "staff": 302, "department_head": 302},
    ),
    "chart": (lambda w: ("get", reverse("reports:chart"), None), dict.fromkeys(EVERYONE, 200)),
    "process_chart": (
        lambda w: ("get", reverse("reports:process_chart", args=[_report(w).pk]), None),
        dict.fromkeys(SEES_REPORT, 200),
    ),
}
CASES = [
    (name, who, allowed.get(who, 403) if who else "login")
    for name, (_, allowed) in URLS.items()
    for who in (None, *EVERYONE)
]


@pytest.mark.parametrize(
    ("name", "who", "expected"), CASES, ids=[f"{n}-{w or 'anonymous'}" for n, w, _ in CASES]
)
def test_page_permission(world, client, name, who, expected):
    method, url, data = URLS[name][0](world)
    before = database_state()
    if who:
        client.force_login(getattr(world, who))

    response = client.post(url, data) if method == "post" else client.get(url)

    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    if expected in ("login", 403):
        assert database_state() == before


def test_another_townships_head_may_not_file_in_its_name(world, client):
    before = database_state()
    client.force_login(world.other_head)

    response = client.post(reverse("reports:new"), form_data(world))

    assert response.status_code == 403
    assert database_state() == before


def test_check_without_scripts_says_the_chosen_evidence_must_be_chosen_again(world, client):
    """Without report_form.js 「检查清单」 submits the form, and the browser does not send
    the file again: the page says so on the evidence field instead of dropping it
    silently."""
    logged_in(client, world.head)

    response = client.post(
        reverse("reports:new"), {**form_data(world), "check": "1", "evidence": pdf()}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == [
        "检查清单时未保存所选的证明材料，请在提交报告前重新选择；"
        "报告提交后也可以在报告页面补充证明材料。"
    ]
    assert OffListReport.objects.count() == 0


def test_reporter_adds_evidence_to_an_open_report_on_its_page(world, client):
    report = file_report(world)
    logged_in(client, world.head)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert 'data-testid="evidence-add"' in page.content.decode()

    response = client.post(
        reverse("reports:evidence_add", args=[report.pk]),
        {"evidence": [pdf("补充通知.pdf"), pdf("现场照片说明.pdf")]},
    )

    assert response.status_code == 302
    assert list(report.evidence.order_by("pk").values_list("original_name", "uploaded_by")) == [
        ("补充通知.pdf", world.head.pk),
        ("现场照片说明.pdf", world.head.pk),
    ]
    history = report.evidence.order_by("pk").first().history.get()
    assert history.history_user == world.head


def test_a_refused_file_adds_no_evidence_at_all(world, client):
    report = file_report(world)
    logged_in(client, world.head)
    bad = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")

    response = client.post(
        reverse("reports:evidence_add", args=[report.pk]), {"evidence": [pdf("好.pdf"), bad]}
    )

    assert response.status_code == 302
    assert report.evidence.count() == 0
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(message) == 1
    assert "文件“病毒.pdf”的内容不是可接受的格式" in message[0]


def test_finished_report_offers_no_evidence_upload(world, client):
    report = _answered(world)
    rule(world, report)
    logged_in(client, world.head)

    page = client.get(reverse("reports:detail", args=[report.pk]))
    response = client.post(
        reverse("reports:evidence_add", args=[report.pk]), {"evidence": pdf("迟到.pdf")}
    )

    assert 'data-testid="evidence-add"' not in page.content.decode()
    assert response.status_code == 302
    assert list(report.evidence.values_list("original_name", flat=True)) == ["交办通知.pdf"]
