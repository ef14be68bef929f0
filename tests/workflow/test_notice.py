"""Public notice (公示): with a notice period, a batch is shown on the county's public
page for that many working days, anyone may send an opinion (no login, spam-guarded),
opinions reach the county office and the batch, and the batch is decided only after
the notice ends. A county with its public pages off shows nothing."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from arbitration.models import NoticeOpinion
from duty_lists.models import DutyItem
from tests.decisions import prepare, record
from workflow.deadlines import CHINA_TIME
from workflow.models import ConsultationAnswer, CountyWorkflowSettings, Notification, Outcome
from workflow.views.notice_public import form_token

from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db

# Monday 2 November 2026, 10:00 in the county: the batch goes on notice.
OPENED = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=CHINA_TIME)


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(OPENED)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def notice(county_world, clock):
    """清河县 with a five-day notice period; one accepted request and one whose only
    consulted township's objection the county office proposes to uphold, put on notice."""
    world = county_world
    CountyWorkflowSettings.objects.create(county=world.county, notice_working_days=5)
    accepted = file_add(world)
    forward(world, accepted)
    for index in range(3):
        answer(world, accepted, index, ConsultationAnswer.ACCEPT)
    refused = file_add(world, title="工贸企业执法检查", townships=[world.townships[2]])
    forward(world, refused)
    answer(world, refused, 2, ConsultationAnswer.CONTEST, reason="本乡没有执法权。")
    from workflow import services

    from .conftest import open_task

    services.change_request_rule(
        actor=world.office,
        task_id=open_task(refused, "arbitrate").pk,
        decisions={f"township:{world.townships[2].pk}": "reject"},
        reasoning="云岭乡未获赋予执法权。",
    )
    world.accepted, world.refused = accepted, refused
    world.batch = prepare(world.office, accepted, refused, title="2026年第二批清单调整事项")
    world.url = f"/public/{world.county.code}/notice/{world.batch.pk}/"
    return world


def aged_token(batch, seconds: float) -> str:
    """The form token as if the page had been shown ``seconds`` ago."""
    return form_token(batch, shown_at=timezone.now() - datetime.timedelta(seconds=seconds))


def opinion_body(batch, **overrides) -> dict:
    body = {
        "entry": "",
        "text": "建议明确入户排查的频次，避免社区重复上门。",
        "name": "张先生",
        "contact": "",
        "website": "",
        "token": aged_token(batch, 30),
    }
    body.update(overrides)
    return body


def test_a_batch_goes_on_notice_for_five_working_days(notice):
    batch = notice.batch
    assert batch.notice_starts_at == OPENED
    # Tue 3 … Mon 9 November are the five working days; the notice ends at midnight.
    assert batch.notice_ends_at == datetime.datetime(2026, 11, 10, 0, 0, tzinfo=CHINA_TIME)
    assert f"申请已提请审定：{notice.accepted}" in Notification.objects.filter(
        recipient=notice.staff
    ).values_list("subject", flat=True)


def test_the_public_sees_the_proposed_changes_without_logging_in(client, notice):
    listing = client.get(f"/public/{notice.county.code}/notice/")
    page = client.get(notice.url)

    assert listing.status_code == page.status_code == 200
    assert "2026年第二批清单调整事项" in listing.content.decode()
    html = page.content.decode()
    assert "新增事项：燃气安全入户排查" in html
    assert "城关街道、青石镇、云岭乡" in html
    assert "2026年11月9日24时截止" in html
    assert "2026年1月1日" in html  # the proposed date it takes effect
    # Only the proposed changes: no rejected proposal, people, answers or reasoning.
    for private in ("工贸企业执法检查", "王晓燕", "周建华", "本乡没有执法权", "未获赋予执法权"):
        assert private not in html, private
    assert "<script" not in html
    assert 'style="' not in html


def test_an_opinion_reaches_the_county_office_and_the_batch(client, notice):
    entry = notice.batch.entries.get(process=notice.accepted)

    response = client.post(notice.url, opinion_body(notice.batch, entry=str(entry.pk)))

    assert response.status_code == 302
    assert response["Location"] == f"{notice.url}?sent=1"
    opinion = NoticeOpinion.objects.get()
    assert (opinion.batch, opinion.entry, opinion.name, opinion.text) == (
        notice.batch,
        entry,
        "张先生",
        "建议明确入户排查的频次，避免社区重复上门。",
    )
    told = Notification.objects.get(recipient=notice.office, subject__startswith="公示收到意见")
    assert told.subject == f"公示收到意见：2026年第二批清单调整事项（{notice.accepted}）"
    assert told.body == "张先生：建议明确入户排查的频次，避免社区重复上门。"
    assert told.url == f"/decisions/{notice.batch.pk}/"
    assert "您的意见已提交" in client.get(f"{notice.url}?sent=1").content.decode()
    client.force_login(notice.office)
    batch_page = client.get(f"/decisions/{notice.batch.pk}/").content.decode()
    assert "建议明确入户排查的频次，避免社区重复上门。" in batch_page
    assert f"申请 {notice.accepted.number}" in batch_page


def test_the_batch_is_decided_only_after_the_notice_ends(notice, clock):
    with pytest.raises(ValidationError) as raised:
        record(notice.office, notice.batch)
    assert raised.value.messages == ["公示期至2026-11-09，期满后方可登记审定结果。"]
    assert DutyItem.objects.count() == 0

    clock.moment = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=CHINA_TIME)
    record(notice.office, notice.batch)

    notice.accepted.refresh_from_db()
    notice.refused.refresh_from_db()
    assert notice.accepted.outcome == Outcome.PUBLISHED
    assert notice.refused.outcome == Outcome.REJECTED
    assert DutyItem.objects.get().title == "燃气安全入户排查"


def test_after_the_notice_no_opinion_is_taken(client, notice, clock):
    clock.moment = datetime.datetime(2026, 11, 10, 0, 0, tzinfo=CHINA_TIME)

    page = client.get(notice.url)
    response = client.post(notice.url, opinion_body(notice.batch))

    assert "公示期已结束" in page.content.decode()
    assert response.status_code == 403
    assert NoticeOpinion.objects.count() == 0


def test_a_filled_trap_field_is_thanked_and_dropped(client, notice):
    response = client.post(notice.url, opinion_body(notice.batch, website="http://spam.example"))

    assert response.status_code == 302
    assert NoticeOpinion.objects.count() == 0
    assert not Notification.objects.filter(subject__startswith="公示收到意见").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"token": "forged"}, "表单无效，请刷新页面后重新填写。"),
        ("fresh", "提交过快，请稍候再提交。"),
        ("stale", "页面打开时间过长，请刷新页面后重新填写。"),
        (
            {"text": "请看<a href='http://x'>这里</a>"},
            "意见内容请使用纯文字，不能包含网页标记（< >）。",
        ),
        ({"text": "好"}, "意见内容至少5个字（现为1个字）。"),
        ({"text": "意" * 1001}, "意见内容不超过1000个字（现为1001个字）。"),
        ({"name": "张" * 51}, "姓名不超过50个字（现为51个字）。"),
    ],
)
def test_a_bad_opinion_is_refused_with_a_message(client, notice, overrides, message):
    if overrides == "fresh":
        overrides = {"token": aged_token(notice.batch, 1)}
    elif overrides == "stale":
        overrides = {"token": aged_token(notice.batch, 2 * 24 * 3600)}

    response = client.post(notice.url, opinion_body(notice.batch, **overrides))

    assert response.status_code == 400
    errors = [m for messages in response.context["form"].errors.values() for m in messages]
    assert errors == [message]
    assert NoticeOpinion.objects.count() == 0
    assert not Notification.objects.filter(subject__startswith="公示收到意见").exists()


def test_one_address_sends_at_most_five_opinions_an_hour(client, notice, clock):
    for index in range(5):
        body = opinion_body(notice.batch, text=f"第{index + 1}条意见：请明确职责边界。")
        assert client.post(notice.url, body, REMOTE_ADDR="10.9.8.7").status_code == 302
    refused = client.post(notice.url, opinion_body(notice.batch), REMOTE_ADDR="10.9.8.7")
    disguised = client.post(
        notice.url,
        opinion_body(notice.batch),
        REMOTE_ADDR="10.9.8.7",
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    elsewhere = client.post(notice.url, opinion_body(notice.batch), REMOTE_ADDR="10.9.8.8")

    assert (refused.status_code, disguised.status_code) == (429, 429)
    assert "提交过于频繁" in refused.content.decode()
    assert elsewhere.status_code == 302
    assert NoticeOpinion.objects.count() == 6


def test_a_county_with_public_pages_off_shows_nothing(client, notice):
    CountyWorkflowSettings.objects.filter(county=notice.county).update(public_pages=False)

    assert client.get(f"/public/{notice.county.code}/notice/").status_code == 404
    assert client.get(notice.url).status_code == 404
    assert client.post(notice.url, opinion_body(notice.batch)).status_code == 404
    assert NoticeOpinion.objects.count() == 0


def test_unknown_county_other_county_and_batch_without_notice_are_404(client, notice):
    other = notice.other_county
    assert client.get("/public/NO-SUCH/notice/").status_code == 404
    assert client.get(f"/public/{other.code}/notice/{notice.batch.pk}/").status_code == 404
    CountyWorkflowSettings.objects.filter(county=notice.county).update(notice_working_days=0)
    plain = file_add(notice)
    forward(notice, plain)
    for index in range(3):
        answer(notice, plain, index, ConsultationAnswer.ACCEPT)
    quiet = prepare(notice.office, plain)
    assert quiet.notice_ends_at is None
    assert client.get(f"/public/{notice.county.code}/notice/{quiet.pk}/").status_code == 404
