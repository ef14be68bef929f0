"""Bad input and rights of the off-list report services, and who sees which report:
each refusal names the field or is a logged 403, and nothing is written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from arbitration.models import OffListReport
from arbitration.report_permissions import reports_visible_to
from tests.arbitration.world import (
    answer,
    database_state,
    file_report,
    make_world,
    open_task,
    pdf,
)
from workflow.services import reporting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_missing_fields_are_each_named(world):
    before = database_state()

    with pytest.raises(ValidationError) as error:
        reporting.report_file(
            actor=world.head,
            township=world.township,
            department=None,
            assignment="  ",
            assigned_on=None,
            channel="",
        )

    assert error.value.message_dict == {
        "department": ["请选择交办部门。"],
        "assignment": ["请填写交办事项内容。"],
        "assigned_on": ["请填写交办日期。"],
        "channel": ["请选择交办渠道。"],
    }
    assert database_state() == before


def test_future_assignment_date_is_refused(world):
    before = database_state()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        file_report(world, assigned_on=tomorrow)

    assert error.value.message_dict == {"assigned_on": ["交办日期不能晚于今天。"]}
    assert database_state() == before


def test_department_of_another_county_is_refused(world):
    before = database_state()

    with pytest.raises(ValidationError) as error:
        file_report(world, department=world.other_county_department)

    assert error.value.message_dict == {"department": ["交办部门不属于本县。"]}
    assert database_state() == before


def test_evidence_that_is_not_an_accepted_kind_is_refused_before_anything_is_written(world):
    before = database_state()
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    with pytest.raises(ValidationError) as error:
        file_report(world, evidence=[pdf(), fake])

    assert list(error.value.message_dict) == ["evidence"]
    assert "通知.pdf" in error.value.message_dict["evidence"][0]
    assert database_state() == before


@pytest.mark.parametrize(
    "who", ["township_staff", "other_head", "staff", "office", "county_admin", "other_county_head"]
)
def test_only_the_townships_head_files(world, who, caplog):
    before = database_state()

    with pytest.raises(PermissionDenied):
        file_report(world, actor=getattr(world, who))

    assert database_state() == before
    assert "denied:" in caplog.text


@pytest.mark.parametrize(
    ("answer_value", "reason", "errors"),
    [
        ("no_answer", "理由", {"answer"}),
        ("maybe", "理由", {"answer"}),
        ("dispute", " ", {"reason"}),
    ],
)
def test_bad_answer_is_named_and_nothing_changes(world, answer_value, reason, errors):
    report = file_report(world)
    before = database_state()

    with pytest.raises(ValidationError) as error:
        answer(world, report, answer_value, reason)

    assert set(error.value.message_dict) == errors
    assert database_state() == before


@pytest.mark.parametrize(
    "who", ["other_staff", "head", "office", "county_admin", "other_county_staff", "other_office"]
)
def test_only_the_department_answers(world, who):
    report = file_report(world)
    before = database_state()

    with pytest.raises(PermissionDenied):
        reporting.report_answer(
            actor=getattr(world, who),
            task_id=open_task(report, "answer").pk,
            answer="withdraw",
            reason="撤回。",
        )

    assert database_state() == before


@pytest.mark.parametrize(
    ("ruling", "reasoning", "errors"),
    [
        ("", "理由", {"ruling"}),
        ("upheld", "", {"reasoning"}),
        ("granted", "", {"ruling", "reasoning"}),
    ],
)
def test_bad_ruling_is_named_and_nothing_changes(world, ruling, reasoning, errors):
    report = file_report(world)
    answer(world, report)
    before = database_state()

    with pytest.raises(ValidationError) as error:
        reporting.report_rule(
            actor=world.office,
            task_id=open_task(report, "rule").pk,
            ruling=ruling,
            reasoning=reasoning,
        )

    assert set(error.value.message_dict) == errors
    assert database_state() == before


@pytest.mark.parametrize("who", ["staff", "head", "county_admin", "other_office"])
def test_only_the_county_office_rules(world, who):
    report = file_report(world)
    answer(world, report)
    before = database_state()

    with pytest.raises(PermissionDenied):
        reporting.report_rule(
            actor=getattr(world, who),
            task_id=open_task(report, "rule").pk,
            ruling="upheld",
            reasoning="理由",
        )

    assert database_state() == before


def test_each_user_sees_only_the_reports_of_their_unit_and_county(world):
    mine = file_report(world)
    about_other = file_report(world, department=world.other_department)
    other_township = file_report(world, actor=world.other_head, township=world.other_township)

    def visible(user):
        return set(reports_visible_to(user).values_list("pk", flat=True))

    everything = {mine.pk, about_other.pk, other_township.pk}
    assert visible(world.head) == {mine.pk, about_other.pk}
    assert visible(world.township_staff) == {mine.pk, about_other.pk}
    assert visible(world.other_head) == {other_township.pk}
    assert visible(world.staff) == {mine.pk, other_township.pk}
    assert visible(world.department_head) == {mine.pk, other_township.pk}
    assert visible(world.other_staff) == {about_other.pk}
    assert visible(world.office) == everything
    assert visible(world.county_admin) == everything
    assert visible(world.other_office) == set()
    assert visible(world.other_county_head) == set()
    assert visible(world.other_county_staff) == set()
    assert OffListReport.objects.count() == 3


def test_evidence_may_be_added_by_the_township_and_the_department_while_open(world):
    report = file_report(world)

    reporting.report_evidence_add(actor=world.head, report=report, uploaded_file=pdf("a.pdf"))
    reporting.report_evidence_add(actor=world.staff, report=report, uploaded_file=pdf("b.pdf"))

    assert list(report.evidence.values_list("original_name", "uploaded_by")) == [
        ("a.pdf", world.head.pk),
        ("b.pdf", world.staff.pk),
    ]
    with pytest.raises(PermissionDenied):
        reporting.report_evidence_add(
            actor=world.other_staff, report=report, uploaded_file=pdf("c.pdf")
        )
    assert report.evidence.count() == 2
