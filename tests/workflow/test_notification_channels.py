"""Notification channels: mail after the commit (one per recipient), channels that fail
on their own, and DingTalk work notices against a fake DingTalk server on 127.0.0.1
(token fetched once and kept, renewed when it expires or is refused, HTTP errors logged
while the other notices and channels still go out)."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction

from tests.factories import UserFactory
from workflow import dingtalk
from workflow.channels import Channel
from workflow.services import notify

from .conftest import open_task
from .test_admission_flow import file_add, forward

pytestmark = pytest.mark.django_db

SITE = "https://qingdan.example.gov.cn"
MAIL = "workflow.channels.MailChannel"
DINGTALK = "workflow.dingtalk.DingTalkChannel"
SECRET = "app-secret-not-for-logs"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.QINGDAN_SITE_URL = SITE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(db):
    return [
        UserFactory(username="zhang", email="zhang@example.org", dingtalk_userid="dt-zhang"),
        UserFactory(username="li", email="li@example.org", dingtalk_userid="dt-li"),
        UserFactory(username="wang", email="", dingtalk_userid=""),
    ]


class BrokenChannel(Channel):
    name = "broken"

    def send(self, messages):
        raise ConnectionError("channel down")


# --- mail and the dispatcher -------------------------------------------------------------


def test_mail_leaves_only_after_the_commit_one_per_recipient_with_the_link(
    settings, people, django_capture_on_commit_callbacks
):
    settings.QINGDAN_NOTIFICATION_CHANNELS = [MAIL]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = notify(
            recipients=[*people, people[0]],
            subject="请答复征求意见：新增事项：燃气安全入户排查",
            body="请于 2026-09-14 17:30 前答复。",
            url="/changerequest/7/consult/12/execute/",
        )
    assert created == 3
    assert mail.outbox == []  # nothing before the commit

    for callback in callbacks:
        callback()

    assert [(m.to, m.subject, m.body, m.from_email) for m in mail.outbox] == [
        (
            [address],
            "[清单管理] 请答复征求意见：新增事项：燃气安全入户排查",
            f"请于 2026-09-14 17:30 前答复。\n\n{SITE}/changerequest/7/consult/12/execute/",
            settings.DEFAULT_FROM_EMAIL,
        )
        for address in ("zhang@example.org", "li@example.org")
    ]


def test_a_rolled_back_change_sends_nothing(settings, people, django_capture_on_commit_callbacks):
    settings.QINGDAN_NOTIFICATION_CHANNELS = [MAIL]

    def failing_change():
        with transaction.atomic():
            notify(recipients=people, subject="不会发出")
            raise RuntimeError("the change failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_change()

    assert callbacks == []
    assert mail.outbox == []


def test_a_failing_channel_is_logged_and_the_others_still_send(
    settings, people, caplog, django_capture_on_commit_callbacks
):
    settings.QINGDAN_NOTIFICATION_CHANNELS = [
        f"{__name__}.BrokenChannel",
        "workflow.channels.NoSuchChannel",
        MAIL,
    ]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people[:1], subject="待审查：新增事项：燃气安全入户排查")

    assert [m.to for m in mail.outbox] == [["zhang@example.org"]]
    failures = [r for r in caplog.records if r.name == "qingdan.notifications"]
    assert [r.getMessage() for r in failures] == [
        f"notification channel {__name__}.BrokenChannel failed to deliver 1 message(s)",
        "notification channel workflow.channels.NoSuchChannel failed to deliver 1 message(s)",
    ]
    assert "channel down" in caplog.text


def test_without_channels_only_the_in_app_notification_is_written(
    settings, people, django_capture_on_commit_callbacks
):
    settings.QINGDAN_NOTIFICATION_CHANNELS = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert notify(recipients=people, subject="站内通知") == 3

    assert callbacks == []
    assert mail.outbox == []


# --- DingTalk --------------------------------------------------------------------------


class FakeDingTalk:
    """DingTalk's two endpoints as a local HTTP server that records every request.

    ``gettoken`` issues ``token-1``, ``token-2`` … (valid ``expires_in`` seconds);
    ``asyncsend_v2`` answers from ``send_answers`` (status, JSON) in turn, then success,
    and refuses a token it did not issue last (errcode 40014), as DingTalk does.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.send_answers: list[tuple[int, dict]] = []
        self.tokens_issued = 0
        self.expires_in = 7200
        self.lock = threading.Lock()

    @property
    def current_token(self) -> str:
        return f"token-{self.tokens_issued}"

    def handle(self, method: str, path: str, query: dict, headers, body: bytes):
        with self.lock:
            record = {"method": method, "path": path, "query": query}
            if path == "/gettoken":
                self.requests.append(record)
                self.tokens_issued += 1
                return 200, {
                    "errcode": 0,
                    "errmsg": "ok",
                    "access_token": self.current_token,
                    "expires_in": self.expires_in,
                }
            if path == "/topapi/message/corpconversation/asyncsend_v2":
                record["content_type"] = headers.get("Content-Type")
                record["json"] = json.loads(body)
                self.requests.append(record)
                if self.send_answers:
                    return self.send_answers.pop(0)
                if query.get("access_token") != self.current_token:
                    return 200, {"errcode": 40014, "errmsg": "不合法的access_token"}
                return 200, {"errcode": 0, "task_id": len(self.requests), "request_id": "r"}
            return 404, {"errcode": 404}

    def sent(self) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith("asyncsend_v2")]

    def token_fetches(self) -> list[dict]:
        return [r for r in self.requests if r["path"] == "/gettoken"]


@pytest.fixture
def dingtalk_server(settings, monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    fake = FakeDingTalk()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            status, answer = fake.handle(
                self.command,
                url.path,
                dict(urllib.parse.parse_qsl(url.query)),
                self.headers,
                self.rfile.read(length),
            )
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.QINGDAN_DINGTALK = {
        "BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
        "APP_KEY": "ding-app-key",
        "APP_SECRET": SECRET,
        "AGENT_ID": "4242",
        "TIMEOUT": 5,
    }
    settings.QINGDAN_NOTIFICATION_CHANNELS = [DINGTALK, MAIL]
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


def send(capture, **notice) -> None:
    """``notify`` in a transaction that commits (the channels then run)."""
    with capture(execute=True):
        notify(**notice)


def card(subject: str, text: str, link: str) -> dict:
    return {
        "msgtype": "action_card",
        "action_card": {
            "title": subject,
            "markdown": text,
            "single_title": "查看详情",
            "single_url": link,
        },
    }


def test_work_notice_fetches_a_token_once_and_sends_one_card_to_all_recipients(
    dingtalk_server, people, django_capture_on_commit_callbacks
):
    send(
        django_capture_on_commit_callbacks,
        recipients=people,
        subject="请答复征求意见：新增事项：燃气安全入户排查",
        body="请于 2026-09-14 17:30 前答复。\n逾期将按规定处理。",
        url="/changerequest/7/consult/12/execute/",
    )
    send(
        django_capture_on_commit_callbacks,
        recipients=people[1:2],
        subject="申请已发布：新增事项：燃气安全入户排查",
    )

    assert dingtalk_server.token_fetches() == [
        {
            "method": "GET",
            "path": "/gettoken",
            "query": {"appkey": "ding-app-key", "appsecret": SECRET},
        }
    ]
    assert [
        (r["method"], r["query"], r["content_type"], r["json"]) for r in dingtalk_server.sent()
    ] == [
        (
            "POST",
            {"access_token": "token-1"},
            "application/json; charset=utf-8",
            {
                "agent_id": 4242,
                "userid_list": "dt-zhang,dt-li",  # wang has no DingTalk userid
                "msg": card(
                    "请答复征求意见：新增事项：燃气安全入户排查",
                    "#### 请答复征求意见：新增事项：燃气安全入户排查\n\n"
                    "请于 2026-09-14 17:30 前答复。  \n逾期将按规定处理。",
                    f"{SITE}/changerequest/7/consult/12/execute/",
                ),
            },
        ),
        (
            "POST",
            {"access_token": "token-1"},  # the kept token
            "application/json; charset=utf-8",
            {
                "agent_id": 4242,
                "userid_list": "dt-li",
                "msg": {
                    "msgtype": "markdown",
                    "markdown": {
                        "title": "申请已发布：新增事项：燃气安全入户排查",
                        "text": "#### 申请已发布：新增事项：燃气安全入户排查",
                    },
                },
            },
        ),
    ]
    # Mail went out too, one per address.
    assert [m.to for m in mail.outbox] == [
        ["zhang@example.org"],
        ["li@example.org"],
        ["li@example.org"],
    ]


def test_an_expired_token_is_renewed_before_sending(
    dingtalk_server, people, monkeypatch, django_capture_on_commit_callbacks
):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(dingtalk, "_now", lambda: clock["now"])
    send(django_capture_on_commit_callbacks, recipients=people[:1], subject="第一条")
    # Kept until TOKEN_MARGIN (300 s) before DingTalk's 7,200 s run out.
    clock["now"] += 7200 - 300 - 1
    send(django_capture_on_commit_callbacks, recipients=people[:1], subject="第二条")
    clock["now"] += 2
    send(django_capture_on_commit_callbacks, recipients=people[:1], subject="第三条")

    assert len(dingtalk_server.token_fetches()) == 2
    assert [
        (r["query"]["access_token"], r["json"]["msg"]["markdown"]["title"])
        for r in dingtalk_server.sent()
    ] == [
        ("token-1", "第一条"),
        ("token-1", "第二条"),
        ("token-2", "第三条"),
    ]


def test_a_token_the_server_refuses_is_renewed_and_the_notice_sent_once(
    dingtalk_server, people, caplog, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, recipients=people[:1], subject="第一条")
    # DingTalk let the token expire early (e.g. the secret was reset).
    dingtalk_server.send_answers.append((200, {"errcode": 42001, "errmsg": "access_token超时"}))

    send(django_capture_on_commit_callbacks, recipients=people[:1], subject="第二条")

    assert len(dingtalk_server.token_fetches()) == 2
    attempts = [
        (r["query"]["access_token"], r["json"]["msg"]["markdown"]["title"])
        for r in dingtalk_server.sent()
    ]
    assert attempts == [("token-1", "第一条"), ("token-1", "第二条"), ("token-2", "第二条")]
    assert not [r for r in caplog.records if r.name == "qingdan.notifications"]


def test_an_http_error_is_logged_and_the_other_notices_and_channels_still_go_out(
    dingtalk_server, people, caplog, django_capture_on_commit_callbacks
):
    dingtalk_server.send_answers.append((500, {"errcode": -1, "errmsg": "系统繁忙"}))
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people[:1], subject="待审查：甲", url="/changerequest/1/")
        notify(recipients=people[1:2], subject="待审查：乙", url="/changerequest/2/")

    sent = [
        (r["json"]["userid_list"], r["json"]["msg"]["action_card"]["title"])
        for r in dingtalk_server.sent()
    ]
    assert sent == [("dt-zhang", "待审查：甲"), ("dt-li", "待审查：乙")]
    errors = [r.getMessage() for r in caplog.records if r.name == "qingdan.notifications"]
    assert errors == [
        "DingTalk work notice '待审查：甲' to dt-zhang failed: "
        "/topapi/message/corpconversation/asyncsend_v2: HTTP 500"
    ]
    assert SECRET not in caplog.text
    assert [m.to for m in mail.outbox] == [["zhang@example.org"], ["li@example.org"]]


def test_an_unreachable_server_is_logged_without_the_secret(
    settings, people, caplog, django_capture_on_commit_callbacks
):
    settings.QINGDAN_NOTIFICATION_CHANNELS = [DINGTALK, MAIL]
    settings.QINGDAN_DINGTALK = {
        "BASE_URL": "http://127.0.0.1:9",  # discard port: nothing listens
        "APP_KEY": "ding-app-key",
        "APP_SECRET": SECRET,
        "AGENT_ID": "4242",
        "TIMEOUT": 2,
    }
    send(django_capture_on_commit_callbacks, recipients=people[:1], subject="待审查：甲")

    errors = [r.getMessage() for r in caplog.records if r.name == "qingdan.notifications"]
    assert len(errors) == 1
    assert errors[0].startswith("DingTalk work notice '待审查：甲' to dt-zhang failed: /gettoken: ")
    assert SECRET not in caplog.text
    assert [m.to for m in mail.outbox] == [["zhang@example.org"]]


def test_dingtalk_without_its_settings_is_logged_and_mail_still_goes(
    settings, people, caplog, django_capture_on_commit_callbacks
):
    settings.QINGDAN_NOTIFICATION_CHANNELS = [DINGTALK, MAIL]
    settings.QINGDAN_DINGTALK = {"BASE_URL": "https://oapi.dingtalk.com", "APP_KEY": "k"}
    send(django_capture_on_commit_callbacks, recipients=people[:1], subject="待审查：甲")

    assert "钉钉工作通知缺少配置：QINGDAN_DINGTALK_APP_SECRET、QINGDAN_DINGTALK_AGENT_ID" in (
        caplog.text
    )
    assert [m.to for m in mail.outbox] == [["zhang@example.org"]]


def test_an_opened_consultation_reaches_each_township_head_on_dingtalk_with_its_task(
    dingtalk_server, county_world, django_capture_on_commit_callbacks
):
    world = county_world
    for index, head in enumerate(world.heads):
        head.dingtalk_userid = f"head-{index}"
        head.save(update_fields=["dingtalk_userid"])
    process = file_add(world, townships=world.townships[:2])

    with django_capture_on_commit_callbacks(execute=True):
        forward(world, process)

    links = {
        r["json"]["userid_list"]: r["json"]["msg"]["action_card"]["single_url"]
        for r in dingtalk_server.sent()
        if r["json"]["msg"]["action_card"]["title"].startswith("请答复征求意见")
    }
    assert links == {
        f"head-{index}": (
            f"{SITE}/changerequest/{process.pk}/consult/"
            f"{open_task(process, 'consult', township=world.townships[index].pk).pk}/execute/"
        )
        for index in (0, 1)
    }
