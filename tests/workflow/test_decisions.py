"""The decision chain through the services, as the real users: every change waits for
the county leadership's decision (审定), recorded by the county office in a decision
batch with its 文号; the leadership may follow the proposal, amend it or not adopt it;
under a standing authorisation uncontested changes are published by the county office
itself; the legality review (合法性审查) by the justice bureau when the county has it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from arbitration import batch_services as arbitration_batch_services
from arbitration.models import BatchEntry, BatchPartyDecision, DecisionBatch
from duty_lists.models import DutyItem, ItemStatus, Release, ReleaseChange
from organisations.models import Role
from tests.decisions import as_proposed, decide, party_keys, prepare, published_reason, record
from tests.factories import DepartmentFactory, user_with_role
from workflow import services
from workflow.flows import ChangeRequestFlow
from workflow.models import (
    ChangeKind,
    ConsultationAnswer,
    CountyWorkflowSettings,
    LegalityReview,
    Notification,
    Outcome,
)
from workflow.permissions import can_view_process

from .conftest import open_task
from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db


def accept_all(world, process, count=3):
    for index in range(count):
        answer(world, process, index, ConsultationAnswer.ACCEPT)


def contest_one(world, process, *, contested=1):
    for index in range(3):
        if index == contested:
            answer(world, process, index, ConsultationAnswer.CONTEST, reason="缺少人员。")
        else:
            answer(world, process, index, ConsultationAnswer.ACCEPT)


def propose(world, process, decision, **kwargs):
    township = world.townships[1]
    return services.change_request_rule(
        actor=world.office,
        task_id=open_task(process, "arbitrate").pk,
        decisions={f"township:{township.pk}": decision},
        reasoning="经协调会研究。",
        **kwargs,
    )


def subjects_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_a_batch_publishes_its_requests_with_its_number_and_one_release_per_list(county_world):
    world = county_world
    plain = file_add(world)
    forward(world, plain)
    accept_all(world, plain)
    contested = file_add(world, title="燃气管道巡查", effective_date=datetime.date(2030, 1, 1))
    forward(world, contested)
    contest_one(world, contested)
    propose(world, contested, "admit")
    today = timezone.localdate()

    batch = prepare(world.office, plain, contested)
    assert (batch.notice_starts_at, batch.notice_ends_at) == (None, None)
    assert DutyItem.objects.count() == 0  # preparing decides nothing
    record(world.office, batch, effective_date=today + datetime.timedelta(days=10))

    batch.refresh_from_db()
    assert (batch.decided_by, batch.document_number, batch.recorded_by) == (
        "县委常委会",
        "清委办发〔2026〕12号",
        world.office,
    )
    for process in (plain, contested):
        process.refresh_from_db()
        assert (process.status, process.outcome, process.published_under) == (
            PROCESS.DONE,
            Outcome.PUBLISHED,
            "decision",
        )
        assert process.published_item.history.get().history_change_reason == published_reason(
            process
        )
    # A new item takes effect on the decision's date, or later if so proposed.
    assert plain.published_item.effective_date == today + datetime.timedelta(days=10)
    assert contested.published_item.effective_date == datetime.date(2030, 1, 1)
    release = Release.objects.get()
    assert (release.number, release.document_number, release.decided_by, release.decided_on) == (
        1,
        "清委办发〔2026〕12号",
        "县委常委会",
        today,
    )
    assert release.effective_date == today + datetime.timedelta(days=10)
    assert sorted(release.changes.values_list("item__title", "kind")) == [
        ("燃气安全入户排查", "added"),
        ("燃气管道巡查", "added"),
    ]
    assert list(batch.releases.all()) == [release]


def test_leadership_amends_a_contested_request_and_it_is_published_as_amended(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    contest_one(world, process)
    propose(world, process, "admit")
    qingshi = f"township:{world.townships[1].pk}"

    decide(
        world.office,
        process,
        decisions={process.pk: {qingshi: "amended"}},
        amendments={process.pk: {"local_responsibilities": "仅负责发现报告。"}},
    )

    process.refresh_from_db()
    item = process.published_item
    assert item.local_responsibilities == "仅负责发现报告。"
    assert item.department_responsibilities == "负责燃气安全监管和隐患整改执法。"
    assert sorted(t.name for t in item.townships.all()) == ["云岭乡", "城关街道", "青石镇"]
    entry = BatchEntry.objects.get(process=process)
    assert entry.amendments() == {"local_responsibilities": "仅负责发现报告。"}
    assert sorted(entry.decisions.values_list("township__name", "decision")) == [
        ("云岭乡", "as_proposed"),
        ("城关街道", "as_proposed"),
        ("青石镇", "amended"),
    ]


def test_leadership_admits_a_party_the_proposal_rejected(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    contest_one(world, process)
    propose(world, process, "reject")
    qingshi = f"township:{world.townships[1].pk}"

    decide(
        world.office,
        process,
        decisions={process.pk: {qingshi: "amended"}},
        amendments={process.pk: {"funding_source": "县财政每年补助", "funding_amount": "3"}},
    )

    item = DutyItem.objects.get()
    assert (item.funding_source, item.funding_amount, len(item.townships.all())) == (
        "县财政每年补助",
        Decimal("3"),
        3,
    )


def test_not_adopted_request_changes_nothing_and_ends_not_adopted(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    accept_all(world, process)

    decide(
        world.office,
        process,
        decisions={process.pk: dict.fromkeys(party_keys(process), "not_adopted")},
    )

    process.refresh_from_db()
    assert (process.status, process.outcome, process.published_item) == (
        PROCESS.DONE,
        Outcome.NOT_ADOPTED,
        None,
    )
    assert process.published_under == ""
    assert DutyItem.objects.count() == 0
    assert DutyItem.history.count() == 0
    assert Release.objects.count() == 0
    assert f"申请审定不予采纳：{process}" in subjects_of(world.staff)


def test_not_adopted_amendment_leaves_the_item_as_it_was(county_world):
    world = county_world
    first = file_add(world)
    forward(world, first)
    accept_all(world, first)
    decide(world.office, first)
    item = DutyItem.objects.get()
    amendment = services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.AMEND,
        department=world.department,
        target_item=item,
        fields={"funding_amount": Decimal("5")},
        target_townships=world.townships,
        reasons="经费调整。",
    )
    forward(world, amendment)
    accept_all(world, amendment)

    decide(
        world.office,
        amendment,
        document_number="清委办发〔2026〕20号",
        decisions={amendment.pk: dict.fromkeys(party_keys(amendment), "not_adopted")},
    )

    item.refresh_from_db()
    assert item.funding_amount == Decimal("2")
    assert item.history.count() == 1
    assert Release.objects.count() == 1
    amendment.refresh_from_db()
    assert amendment.outcome == Outcome.NOT_ADOPTED


def test_not_adopted_for_one_township_leaves_it_out(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    accept_all(world, process)
    yunling = f"township:{world.townships[2].pk}"

    decide(world.office, process, decisions={process.pk: {yunling: "not_adopted"}})

    item = DutyItem.objects.get()
    assert sorted(t.name for t in item.townships.all()) == ["城关街道", "青石镇"]


def test_standing_authorisation_publishes_an_uncontested_request_without_a_batch(county_world):
    world = county_world
    CountyWorkflowSettings.objects.create(
        county=world.county,
        standing_authorisation=True,
        standing_authorisation_reference="清委办发〔2025〕3号",
    )
    process = file_add(world)
    forward(world, process)
    accept_all(world, process)

    process.refresh_from_db()
    assert (process.status, process.outcome, process.published_under) == (
        PROCESS.DONE,
        Outcome.PUBLISHED,
        "standing",
    )
    assert not Task.objects.filter(
        process=process, flow_task=ChangeRequestFlow.await_decision
    ).exists()
    assert DecisionBatch.objects.count() == 0
    record_ = process.published_item.history.get()
    assert record_.history_change_reason == (
        f"依常设授权发布（清委办发〔2025〕3号）："
        f"新增事项申请 {process.number}（{process.subject_line}）"
    )
    assert record_.history_user == world.office
    release = Release.objects.get()
    assert (release.document_number, release.decided_by, release.decided_on) == (
        "清委办发〔2025〕3号",
        "清河县委编办（依常设授权）",
        timezone.localdate(),
    )
    assert list(release.changes.values_list("item_id", "kind")) == [
        (process.published_item_id, "added")
    ]


def test_standing_authorisation_still_sends_a_contested_request_to_the_decision(county_world):
    world = county_world
    CountyWorkflowSettings.objects.create(
        county=world.county,
        standing_authorisation=True,
        standing_authorisation_reference="清委办发〔2025〕3号",
    )
    process = file_add(world)
    forward(world, process)
    contest_one(world, process)
    propose(world, process, "admit")

    assert open_task(process, "await_decision").status == STATUS.NEW
    assert DutyItem.objects.count() == 0


@pytest.fixture
def legality_world(county_world):
    world = county_world
    world.justice = DepartmentFactory(county=world.county, name="县司法局")
    world.justice_staff = user_with_role(Role.DEPARTMENT_STAFF, world.justice, display_name="司法")
    CountyWorkflowSettings.objects.create(
        county=world.county, legality_review=True, legality_reviewer=world.justice
    )
    return world


def test_with_legality_review_on_the_justice_bureau_passes_before_consultation(legality_world):
    world = legality_world
    process = file_add(world)
    forward(world, process)

    task = open_task(process, "review_legality")
    assert not Task.objects.filter(process=process, flow_task=ChangeRequestFlow.consult).exists()
    assert f"待合法性审查：{process}" in subjects_of(world.justice_staff)
    assert can_view_process(world.justice_staff, process)
    with pytest.raises(PermissionDenied):
        services.legality_review(actor=world.office, task_id=task.pk, decision="pass")
    assert task.__class__.objects.get(pk=task.pk).status == STATUS.NEW

    services.legality_review(actor=world.justice_staff, task_id=task.pk, decision="pass")

    assert Task.objects.filter(process=process, flow_task=ChangeRequestFlow.consult).count() == 3
    review = LegalityReview.objects.get()
    assert (review.department, review.decision, review.reviewed_by) == (
        world.justice,
        "pass",
        world.justice_staff,
    )


def test_legality_return_goes_back_to_the_filer_and_is_reviewed_again(legality_world):
    world = legality_world
    process = file_add(world)
    forward(world, process)

    with pytest.raises(ValidationError) as raised:
        services.legality_review(
            actor=world.justice_staff,
            task_id=open_task(process, "review_legality").pk,
            decision="return",
        )
    assert raised.value.message_dict == {"opinion": ["退回修改时，请写明不合法或缺少依据之处。"]}
    services.legality_review(
        actor=world.justice_staff,
        task_id=open_task(process, "review_legality").pk,
        decision="return",
        opinion="《城镇燃气管理条例》未授权乡镇开展执法检查。",
    )

    # The filer hears it from its revision task, with the bureau's opinion.
    returned = Notification.objects.get(recipient=world.staff, subject=f"申请被退回修改：{process}")
    assert returned.body == (
        "县司法局合法性审查意见：《城镇燃气管理条例》未授权乡镇开展执法检查。\n请修改后重新提交。"
    )
    assert returned.url == (
        f"/changerequest/{process.pk}/revise/{open_task(process, 'revise').pk}/execute/"
    )
    assert f"合法性审查退回修改：{process}" in subjects_of(world.office)
    services.change_request_revise(
        actor=world.staff,
        task_id=open_task(process, "revise").pk,
        fields={"local_responsibilities": "配合入户排查，发现隐患及时报告。"},
    )
    forward(world, process)
    services.legality_review(
        actor=world.justice_staff,
        task_id=open_task(process, "review_legality").pk,
        decision="pass",
    )
    accept_all(world, process)
    decide(world.office, process)

    process.refresh_from_db()
    assert process.outcome == Outcome.PUBLISHED
    assert list(LegalityReview.objects.values_list("decision", flat=True)) == ["return", "pass"]


def test_with_legality_review_off_forwarding_goes_straight_to_consultation(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)

    process.refresh_from_db()
    assert process.legality_reviewer is None
    assert not Task.objects.filter(
        process=process, flow_task=ChangeRequestFlow.review_legality
    ).exists()
    assert Task.objects.filter(process=process, flow_task=ChangeRequestFlow.consult).count() == 3


def test_another_department_neither_sees_nor_does_the_legality_review(legality_world):
    world = legality_world
    other = user_with_role(Role.DEPARTMENT_STAFF, DepartmentFactory(county=world.county))
    process = file_add(world)
    forward(world, process)

    assert not can_view_process(other, process)
    with pytest.raises(PermissionDenied):
        services.legality_review(
            actor=other, task_id=open_task(process, "review_legality").pk, decision="pass"
        )
    assert LegalityReview.objects.count() == 0


def test_only_waiting_requests_of_one_county_go_into_a_batch_once(county_world):
    world = county_world
    waiting = file_add(world)
    forward(world, waiting)
    accept_all(world, waiting)
    consulting = file_add(world)
    forward(world, consulting)

    with pytest.raises(ValidationError) as raised:
        prepare(world.office, waiting, consulting)
    assert raised.value.message_dict == {
        "requests": [f"以下申请当前不在待审定环节：#{consulting.pk}"]
    }
    prepare(world.office, waiting)
    with pytest.raises(ValidationError) as raised:
        prepare(world.office, waiting)
    assert raised.value.message_dict == {"requests": [f"以下申请已在其他审定批次中：#{waiting.pk}"]}
    assert DecisionBatch.objects.count() == 1


def test_a_decision_must_name_every_party_and_fields_or_nothing_is_written(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    accept_all(world, process)
    batch = prepare(world.office, process)
    first, *others = party_keys(process)

    with pytest.raises(ValidationError) as raised:
        services.decision_batch_record(
            actor=world.office,
            batch=batch,
            decided_by="",
            meeting_date=None,
            document_number="",
            effective_date=None,
            decisions={process.pk: {first: "as_proposed"}},
        )
    assert raised.value.message_dict == {
        "decisions": [f"申请 {process.number}：请对以下单位作出审定：青石镇、云岭乡"]
    }
    with pytest.raises(ValidationError) as raised:
        services.decision_batch_record(
            actor=world.office,
            batch=batch,
            decided_by=" ",
            meeting_date=None,
            document_number="",
            effective_date=None,
            decisions={process.pk: {first: "amended", **dict.fromkeys(others, "as_proposed")}},
        )
    assert raised.value.message_dict == {
        "decided_by": ["请填写审定机关，如县委常委会、县政府常务会议。"],
        "meeting_date": ["请填写会议日期。"],
        "document_number": ["请填写印发文号，如清委办发〔2026〕12号。"],
        "effective_date": ["请填写生效日期。"],
        "amendments": [f"申请 {process.number}：选择“修改后通过”时，请填写修改后的事项内容。"],
    }
    batch.refresh_from_db()
    assert not batch.is_decided
    assert BatchPartyDecision.objects.count() == 0
    assert open_task(process, "await_decision").status == STATUS.NEW


def test_a_batch_is_recorded_once(county_world):
    world = county_world
    process = file_add(world)
    forward(world, process)
    accept_all(world, process)
    batch = decide(world.office, process)

    with pytest.raises(ValidationError) as raised:
        record(world.office, batch)

    assert "不能重复登记" in raised.value.messages[0]
    assert Release.objects.count() == 1
    assert ReleaseChange.objects.count() == 1


@pytest.mark.parametrize("who", ["staff", "head", "county_admin", "other_office"])
def test_only_the_county_office_prepares_and_records_a_batch(county_world, who):
    world = county_world
    process = file_add(world)
    forward(world, process)
    accept_all(world, process)
    users = {
        "staff": world.staff,
        "head": world.heads[0],
        "county_admin": user_with_role(Role.COUNTY_ADMIN, world.county),
        "other_office": world.other_office,
    }

    with pytest.raises(PermissionDenied):
        prepare(users[who], process)
    assert DecisionBatch.objects.count() == 0
    batch = prepare(world.office, process)
    with pytest.raises(PermissionDenied):
        services.decision_batch_record(
            actor=users[who],
            batch=batch,
            decided_by="县委常委会",
            meeting_date=timezone.localdate(),
            document_number="清委办发〔2026〕12号",
            effective_date=timezone.localdate(),
            decisions=as_proposed(process),
        )
    batch.refresh_from_db()
    assert not batch.is_decided
    assert (DutyItem.objects.count(), Release.objects.count()) == (0, 0)
    assert open_task(process, "await_decision").status == STATUS.NEW


def test_decision_and_release_reach_every_unit_whose_items_changed(county_world):
    world = county_world
    township_staff = user_with_role(Role.TOWNSHIP_STAFF, world.townships[0])
    process = file_add(world, townships=world.townships[:2])
    forward(world, process)
    accept_all(world, process, count=2)

    decide(world.office, process)

    release_subject = "清单已发布：清河县乡镇(街道)履行职责事项清单 第1版（清委办发〔2026〕12号）"
    for user in (world.staff, world.heads[0], world.heads[1], township_staff):
        assert release_subject in subjects_of(user), user
    assert f"申请已发布：{process}" in subjects_of(world.staff)
    assert f"申请已发布：{process}" in subjects_of(world.heads[0])
    # 云岭乡 was neither consulted nor on the item.
    assert subjects_of(world.heads[2]) == []
    notice = Notification.objects.get(recipient=world.heads[0], subject=release_subject)
    item = DutyItem.objects.get()
    assert notice.body.endswith(f"新增：{item.code} 燃气安全入户排查")
    assert notice.url == f"/lists/releases/{Release.objects.get().pk}/"


def test_withdrawal_decided_takes_effect_on_the_decision_date(county_world):
    world = county_world
    add = file_add(world)
    forward(world, add)
    accept_all(world, add)
    decide(world.office, add)
    item = DutyItem.objects.get()
    withdrawal = services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.WITHDRAW,
        department=world.department,
        target_item=item,
        reasons="职责已上收。",
    )
    forward(world, withdrawal)
    accept_all(world, withdrawal)
    effective = timezone.localdate() + datetime.timedelta(days=30)

    decide(
        world.office, withdrawal, document_number="清委办发〔2026〕20号", effective_date=effective
    )

    item.refresh_from_db()
    assert (item.status, item.withdrawn_date) == (ItemStatus.WITHDRAWN, effective)
    release = Release.objects.get(number=2)
    assert list(release.changes.values_list("kind", flat=True)) == ["withdrawn"]


def test_a_meeting_held_today_in_china_is_not_in_the_future_while_utc_is_a_day_behind(
    county_world,
):
    world = county_world
    process = file_add(world)
    forward(world, process)
    accept_all(world, process)
    batch = prepare(world.office, process)
    # 2026-05-06 00:30 in Shanghai is still 2026-05-05 in UTC.
    now = datetime.datetime(2026, 5, 5, 16, 30, tzinfo=datetime.UTC)

    def problems(meeting_date):
        with pytest.raises(ValidationError) as raised:
            arbitration_batch_services.decision_batch_record(
                actor=world.office,
                batch=batch,
                decided_by="",
                meeting_date=meeting_date,
                document_number="清委办发〔2026〕12号",
                effective_date=datetime.date(2026, 5, 20),
                entries=[],
                now=now,
            )
        return raised.value.message_dict

    assert "meeting_date" not in problems(datetime.date(2026, 5, 6))
    assert problems(datetime.date(2026, 5, 7))["meeting_date"] == ["会议日期不能晚于今天。"]


def test_a_meeting_held_today_is_accepted_after_midnight_china_time(county_world, monkeypatch):
    # 01:00 on 5 December in China is still 4 December in UTC.
    moment = datetime.datetime(2026, 12, 4, 17, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    world = county_world
    process = file_add(world)
    forward(world, process)
    accept_all(world, process)
    china_today = datetime.date(2026, 12, 5)

    batch = decide(world.office, process, meeting_date=china_today, effective_date=china_today)

    assert (batch.meeting_date, batch.is_decided) == (china_today, True)
