"""DingTalk work notices (钉钉工作通知) through the open API of an internal application
(企业内部应用), and the notification channel that sends them.

- Token: ``GET {base}/gettoken?appkey=…&appsecret=…`` answers ``access_token`` and
  ``expires_in`` (7,200 s); the token is kept in Django's default cache until
  ``TOKEN_MARGIN`` seconds before it expires.
- Notice: ``POST {base}/topapi/message/corpconversation/asyncsend_v2?access_token=…``
  with ``agent_id``, ``userid_list`` (comma-separated) and ``msg``; ``errcode`` 0 means
  accepted. A token the server refuses as invalid or expired is fetched again once and
  the call repeated.

``base`` is ``QINGDAN_DINGTALK["BASE_URL"]`` (``https://oapi.dingtalk.com``), so a
浙政钉 gateway that offers the same interface can be configured instead.
"""

import hashlib
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from .channels import Channel, OutgoingMessage

logger = logging.getLogger("qingdan.notifications")

TOKEN_PATH = "/gettoken"  # noqa: S105 - a path, not a secret
SEND_PATH = "/topapi/message/corpconversation/asyncsend_v2"
# A kept token is renewed this many seconds before DingTalk says it expires.
TOKEN_MARGIN = 300
# errcode (or, from the topapi endpoints, sub_code) of a token that is invalid (40014)
# or expired (42001).
STALE_TOKEN_CODES = frozenset({40014, 42001})
RECIPIENTS_PER_CALL = 100


class DingTalkError(Exception):
    """A DingTalk call failed: no answer, an HTTP error, or a non-zero ``errcode``
    (``code``; for the topapi endpoints the ``sub_code`` when it is numeric)."""

    def __init__(self, message: str, *, code: int | None = None):
        super().__init__(message)
        self.code = code


def _now() -> float:
    return time.time()


class DingTalkClient:
    """The two calls of DingTalk's open API that work notices need."""

    def __init__(self, *, base_url: str, app_key: str, app_secret: str, agent_id: int, timeout):
        scheme = urllib.parse.urlsplit(base_url).scheme
        if scheme not in ("https", "http"):
            raise ImproperlyConfigured(f"QINGDAN_DINGTALK_BASE_URL 应为 http(s) 地址：{base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.app_key = app_key
        self.app_secret = app_secret
        self.agent_id = agent_id
        self.timeout = timeout

    @property
    def _token_key(self) -> str:
        # One token per application and server; the secret itself never goes into a key.
        digest = hashlib.sha256(f"{self.base_url}|{self.app_key}".encode()).hexdigest()
        return f"qingdan:dingtalk:token:{digest[:32]}"

    def access_token(self, *, renew: bool = False) -> str:
        """The application's access token: the kept one while it is valid, else (or
        with ``renew``) a new one from ``gettoken``, which is then kept. Raises
        ``DingTalkError``."""
        if not renew:
            kept = cache.get(self._token_key)
            if kept and kept["expires_at"] > _now():
                return kept["token"]
        query = urllib.parse.urlencode({"appkey": self.app_key, "appsecret": self.app_secret})
        answer = self._call(TOKEN_PATH, query)
        token = answer.get("access_token")
        if not token:
            raise DingTalkError(f"{TOKEN_PATH} answered without access_token")
        keep = int(answer.get("expires_in", 7200)) - TOKEN_MARGIN
        if keep > 0:
            cache.set(self._token_key, {"token": token, "expires_at": _now() + keep}, keep)
        else:
            cache.delete(self._token_key)
        return token

    def send_work_notice(self, *, userids: Sequence[str], msg: dict):
        """Send one work notice ``msg`` to ``userids`` (at most ``RECIPIENTS_PER_CALL``).

        Returns DingTalk's ``task_id``. Raises ``DingTalkError``; a refused token is
        renewed and the call repeated once first."""
        payload = {"agent_id": self.agent_id, "userid_list": ",".join(userids), "msg": msg}
        try:
            answer = self._send(payload, renew=False)
        except DingTalkError as error:
            if error.code not in STALE_TOKEN_CODES:
                raise
            answer = self._send(payload, renew=True)
        return answer.get("task_id")

    def _send(self, payload: dict, *, renew: bool) -> dict:
        query = urllib.parse.urlencode({"access_token": self.access_token(renew=renew)})
        return self._call(SEND_PATH, query, payload)

    def _call(self, path: str, query: str, payload: dict | None = None) -> dict:
        """GET (or with ``payload`` POST as JSON) ``path``; returns the JSON answer.

        Error messages name the path only: the query holds the secret or the token."""
        data, headers = None, {"Accept": "application/json"}
        if payload is not None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            f"{self.base_url}{path}?{query}", data=data, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise DingTalkError(f"{path}: HTTP {error.code}") from None
        except urllib.error.URLError as error:
            raise DingTalkError(f"{path}: {error.reason}") from None
        except OSError as error:  # timeouts and resets while reading
            raise DingTalkError(f"{path}: {error}") from None
        try:
            answer = json.loads(raw)
        except ValueError:
            raise DingTalkError(f"{path}: the answer is not JSON") from None
        code = answer.get("errcode", 0)
        if code != 0:
            sub_code = str(answer.get("sub_code", ""))
            raise DingTalkError(
                f"{path}: errcode {code} {answer.get('errmsg', '')} {sub_code}".strip(),
                code=int(sub_code) if sub_code.isdigit() else code,
            )
        return answer


def work_notice(*, subject: str, body: str, link: str) -> dict:
    """The ``msg`` of a work notice: a card with a 「查看详情」 button opening ``link``,
    or, without a link, a markdown message."""
    lines = [f"#### {subject}"]
    if body:
        # DingTalk's markdown breaks a line only after two spaces.
        lines.append(body.replace("\n", "  \n"))
    text = "\n\n".join(lines)
    if link:
        return {
            "msgtype": "action_card",
            "action_card": {
                "title": subject,
                "markdown": text,
                "single_title": "查看详情",
                "single_url": link,
            },
        }
    return {"msgtype": "markdown", "markdown": {"title": subject, "text": text}}


class DingTalkChannel(Channel):
    """Work notices to every recipient who has a DingTalk userid
    (``User.dingtalk_userid``); others are skipped.

    Recipients of the same notice go in one call (up to ``RECIPIENTS_PER_CALL`` each);
    a call that fails is logged and the remaining calls are still made. Raises
    ``ImproperlyConfigured`` when ``QINGDAN_DINGTALK`` lacks the key, secret or agent id.
    """

    name = "dingtalk"

    def __init__(self):
        config = settings.QINGDAN_DINGTALK
        missing = [
            f"QINGDAN_DINGTALK_{name}"
            for name in ("APP_KEY", "APP_SECRET", "AGENT_ID")
            if not str(config.get(name, "")).strip()
        ]
        if missing:
            raise ImproperlyConfigured(f"钉钉工作通知缺少配置：{'、'.join(missing)}")
        agent_id = str(config["AGENT_ID"]).strip()
        if not agent_id.isdigit():
            raise ImproperlyConfigured("QINGDAN_DINGTALK_AGENT_ID 应为数字。")
        self.client = DingTalkClient(
            base_url=config.get("BASE_URL") or "https://oapi.dingtalk.com",
            app_key=config["APP_KEY"],
            app_secret=config["APP_SECRET"],
            agent_id=int(agent_id),
            timeout=float(config.get("TIMEOUT", 5)),
        )

    def send(self, messages: Sequence[OutgoingMessage]) -> None:
        recipients: dict[tuple[str, str, str], list[str]] = {}
        for message in messages:
            if not message.dingtalk_userid:
                continue
            userids = recipients.setdefault((message.subject, message.body, message.link), [])
            if message.dingtalk_userid not in userids:
                userids.append(message.dingtalk_userid)
        for (subject, body, link), userids in recipients.items():
            msg = work_notice(subject=subject, body=body, link=link)
            for start in range(0, len(userids), RECIPIENTS_PER_CALL):
                chunk = userids[start : start + RECIPIENTS_PER_CALL]
                try:
                    self.client.send_work_notice(userids=chunk, msg=msg)
                except DingTalkError as error:
                    logger.error(
                        "DingTalk work notice %r to %s failed: %s", subject, ",".join(chunk), error
                    )
