"""The public notice pages (公示, no login): a county's batches on public notice and one
batch's proposed changes, with a form to send an opinion.

Only what a notice is meant to show is read: the proposed changes
(``batch_selectors.proposed_changes``), never the requests' parties, answers, people or
reasoning. A county whose public pages are switched off (流程设置) shows nothing: every
URL answers 404.

Opinions are spam-guarded without scripts or third parties: a hidden field people
leave empty (``website``), a signed form token that must be at least a few seconds and
at most a day old, a limit per client address kept in the cache, length limits and
plain text only (checked again by the service).
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import generic

from arbitration.batch_services import notice_last_day
from arbitration.models import DecisionBatch
from organisations.audit import client_address
from organisations.models import County

from .. import batch_selectors
from ..deadlines import county_settings
from ..decision_forms import NoticeOpinionForm
from ..services import notice_opinion_receive
from .tasks import apply_validation_error

audit_log = logging.getLogger("qingdan.audit")

SIGNING_SALT = "qingdan.notice-opinion"
# A person reads before writing; a script posts at once. A page left open for more
# than a day is reloaded.
TOKEN_MIN_AGE_SECONDS = 3
TOKEN_MAX_AGE_SECONDS = 24 * 3600
DEFAULT_OPINIONS_PER_HOUR = 5


def public_county(code: str) -> County:
    """The county of ``code`` if its public pages are on. Raises ``Http404`` otherwise."""
    county = get_object_or_404(County, code=code)
    if not county_settings(county).public_pages:
        raise Http404("该县未开放公开页面。")
    return county


def opinions_per_hour() -> int:
    """How many opinions one client address may send per hour
    (``QINGDAN_NOTICE_OPINIONS_PER_HOUR``, default 5)."""
    return int(getattr(settings, "QINGDAN_NOTICE_OPINIONS_PER_HOUR", DEFAULT_OPINIONS_PER_HOUR))


def _rate_key(request) -> str:
    # The connecting address only: a header a client writes itself (X-Forwarded-For)
    # would let it start a fresh count with every request.
    return f"qingdan:notice-opinion:{request.META.get('REMOTE_ADDR') or '-'}"


def rate_limited(request) -> bool:
    """True if the client address has used up its opinions of the current hour."""
    return cache.get(_rate_key(request), 0) >= opinions_per_hour()


def count_opinion(request) -> None:
    """Count one opinion against the client address for an hour from its first."""
    key = _rate_key(request)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:
            # Expired between add and incr: this opinion starts a new hour.
            cache.add(key, 1, timeout=3600)


def form_token(batch: DecisionBatch, shown_at: datetime.datetime | None = None) -> str:
    """A signed token naming the batch and when its form was shown (default: now, on
    the project's clock, ``timezone.now``, like the notice period)."""
    moment = shown_at or timezone.now()
    stamp = signing.b62_encode(int(moment.timestamp()))
    return signing.Signer(salt=SIGNING_SALT).sign(f"{batch.pk}:{stamp}")


def token_problem(token: str, batch: DecisionBatch) -> str | None:
    """What is wrong with a submitted form token, in words, or ``None`` if it is good."""
    try:
        value = signing.Signer(salt=SIGNING_SALT).unsign(token)
        batch_pk, stamp = value.split(":")
        shown_at = signing.b62_decode(stamp)
    except (signing.BadSignature, ValueError):
        return "表单无效，请刷新页面后重新填写。"
    if batch_pk != str(batch.pk):
        return "表单无效，请刷新页面后重新填写。"
    age = timezone.now().timestamp() - shown_at
    if age > TOKEN_MAX_AGE_SECONDS:
        return "页面打开时间过长，请刷新页面后重新填写。"
    if age < TOKEN_MIN_AGE_SECONDS:
        return "提交过快，请稍候再提交。"
    return None


@method_decorator(login_not_required, name="dispatch")
class NoticeListView(generic.TemplateView):
    """A county's public notices (公示), newest first."""

    template_name = "workflow/public/notice_list.html"

    def get_context_data(self, **kwargs):
        county = public_county(self.kwargs["county_code"])
        now = timezone.now()
        notices = [
            (batch, batch.stage_label(now), notice_last_day(batch))
            for batch in batch_selectors.public_notices(county)
        ]
        return super().get_context_data(county=county, notices=notices, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class NoticeDetailView(generic.FormView):
    """One notice: the proposed changes and, while it runs, the opinion form."""

    template_name = "workflow/public/notice_detail.html"
    form_class = NoticeOpinionForm

    def dispatch(self, request, *args, **kwargs):
        self.county = public_county(kwargs["county_code"])
        self.batch = get_object_or_404(
            DecisionBatch,
            pk=kwargs["pk"],
            county=self.county,
            notice_starts_at__isnull=False,
            notice_starts_at__lte=timezone.now(),
        )
        self.changes = batch_selectors.proposed_changes(self.batch)
        self.is_open = self.batch.notice_is_open(timezone.now())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "changes": self.changes}

    def get_initial(self):
        return {"token": form_token(self.batch)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            county=self.county,
            batch=self.batch,
            changes=self.changes,
            is_open=self.is_open,
            stage=self.batch.stage_label(timezone.now()),
            last_day=notice_last_day(self.batch),
            sent="sent" in self.request.GET,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.is_open:
            return self.render_to_response(self.get_context_data(), status=403)
        if rate_limited(request):
            audit_log.warning(
                "notice opinion refused (rate limit): batch %s ip=%s",
                self.batch.pk,
                client_address(request),
            )
            context = self.get_context_data(form=self.get_form(), limited=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        if data["website"]:
            # Filled by a script: answer as for a person, keep nothing.
            audit_log.warning(
                "notice opinion discarded (trap field): batch %s ip=%s",
                self.batch.pk,
                client_address(self.request),
            )
            return self._sent()
        problem = token_problem(data["token"], self.batch)
        if problem is not None:
            form.add_error(None, problem)
            return self.form_invalid(form)
        try:
            notice_opinion_receive(
                batch=self.batch,
                entry_id=data["entry"],
                name=data["name"],
                contact=data["contact"],
                text=data["text"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        count_opinion(self.request)
        audit_log.info(
            "notice opinion received: batch %s ip=%s", self.batch.pk, client_address(self.request)
        )
        return self._sent()

    def form_invalid(self, form):
        # A fresh token: the old one may be the problem.
        form.data = form.data.copy()
        form.data["token"] = form_token(self.batch)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _sent(self):
        return redirect(
            f"{self.request.path}?sent=1",
        )
