"""Django admin of requests, rulings, settings and calendars: county-scoped, read-only
where the workflow owns the data, editable settings and holidays for county admins."""

import datetime
import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from arbitration.models import Ruling, RulingDecision
from organisations.models import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    TownshipFactory,
    UserFactory,
    user_with_role,
)
from workflow import services
from workflow.flows import ChangeRequestFlow
from workflow.models import (
    Attachment,
    ChangeKind,
    ChangeRequestProcess,
    Consultation,
    ConsultationAnswer,
    CountyWorkflowSettings,
    Holiday,
    Notification,
)

from .conftest import add_fields, open_task

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"
WORKFLOW_MODELS = [
    ChangeRequestProcess,
    Consultation,
    CountyWorkflowSettings,
    Holiday,
    Notification,
    Attachment,
    Ruling,
    RulingDecision,
    Process,
    Task,
]


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def county_with_ruled_request(name: str) -> dict:
    """A county whose one request was contested by one township and ruled on."""
    county = CountyFactory(name=name)
    department = DepartmentFactory(county=county, name=f"{name}住建局")
    townships = [TownshipFactory(county=county, name=f"{name}{n}镇") for n in ("东", "西")]
    staff = user_with_role(Role.DEPARTMENT_STAFF, department)
    office = user_with_role(Role.COUNTY_OFFICE, county)
    heads = [user_with_role(Role.TOWNSHIP_HEAD, township) for township in townships]
    process = services.change_request_file(
        actor=staff,
        county=county,
        kind=ChangeKind.ADD,
        level="township",
        department=department,
        fields=add_fields(county, title=f"{name}燃气排查"),
        target_townships=townships,
        reasons="需要配合。",
    )
    attachment = services.attachment_add(
        actor=staff,
        process=process,
        uploaded_file=SimpleUploadedFile(f"{name}依据.pdf", PDF_BYTES),
    )
    services.change_request_review(
        actor=office, task_id=open_task(process, "review").pk, decision="forward"
    )
    for township, head, decision in zip(
        townships, heads, (ConsultationAnswer.CONTEST, ConsultationAnswer.ACCEPT), strict=True
    ):
        services.consultation_answer(
            actor=head,
            task_id=open_task(process, "consult", township=township.pk).pk,
            answer=decision,
            reason="人手不足。",
        )
    services.change_request_rule(
        actor=office,
        task_id=open_task(process, "arbitrate").pk,
        decisions={f"township:{townships[0].pk}": "admit"},
        reasoning=f"{name}协调会决定。",
    )
    settings = CountyWorkflowSettings.objects.create(county=county, consultation_days=5)
    holiday = Holiday.objects.create(county=county, date=datetime.date(2026, 10, 1), name="国庆节")
    ruling = Ruling.objects.get(process=process)
    return {
        "county": county,
        "process": process,
        "attachment": attachment,
        "settings": settings,
        "holiday": holiday,
        "ruling": ruling,
        "rows": {
            ChangeRequestProcess: {process.pk},
            Consultation: set(process.consultations.values_list("pk", flat=True)),
            CountyWorkflowSettings: {settings.pk},
            Holiday: {holiday.pk},
            Notification: set(process.notifications.values_list("pk", flat=True)),
            Attachment: {attachment.pk},
            Ruling: {ruling.pk},
            RulingDecision: set(ruling.decisions.values_list("pk", flat=True)),
            Process: {process.pk},
            Task: set(Task.objects.filter(process=process).values_list("pk", flat=True)),
        },
    }


@pytest.fixture
def counties():
    return {"a": county_with_ruled_request("甲县"), "b": county_with_ruled_request("乙县")}


@pytest.fixture
def admin_a(counties):
    return user_with_role(Role.COUNTY_ADMIN, counties["a"]["county"], is_staff=True)


def test_superuser_opens_every_page_of_the_workflow_models(client, counties):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    failures = {}
    for model in WORKFLOW_MODELS:
        pages = {"changelist": admin_url(model, "changelist")}
        for key in ("a", "b"):
            pk = min(counties[key]["rows"][model])
            pages[f"change {key}"] = admin_url(model, "change", pk)
            pages[f"history {key}"] = admin_url(model, "history", pk)
        for page, url in pages.items():
            status = client.get(url).status_code
            if status != 200:
                failures[f"{model._meta.label} {page}"] = status

    assert failures == {}


def test_request_history_shows_the_trail(client, counties):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    process = counties["a"]["process"]

    response = client.get(admin_url(ChangeRequestProcess, "history", process.pk))

    content = response.content.decode()
    assert "提出申请" in content
    assert "形式审查：通过审查，征求意见" in content


def test_county_admin_lists_only_own_county_rows(client, counties, admin_a):
    client.force_login(admin_a)

    listed = {}
    for model in WORKFLOW_MODELS:
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model._meta.label
        listed[model] = {obj.pk for obj in response.context["cl"].result_list}

    assert listed == counties["a"]["rows"]


def test_county_admin_gets_403_for_other_county_rows(client, counties, admin_a, caplog):
    caplog.set_level(logging.WARNING, logger="qingdan.audit")
    client.force_login(admin_a)

    statuses, expected, denials = {}, {}, []
    for model in WORKFLOW_MODELS:
        label = model._meta.label
        other = min(counties["b"]["rows"][model])
        own = min(counties["a"]["rows"][model])
        statuses[label] = (
            client.get(admin_url(model, "change", other)).status_code,
            client.get(admin_url(model, "history", other)).status_code,
            client.get(admin_url(model, "change", own)).status_code,
        )
        expected[label] = (403, 403, 200)
        denials.append(f"denied: '{admin_a.username}' may not open {label} '{other}' in admin")

    assert statuses == expected
    logged = {record.getMessage() for record in caplog.records if record.name == "qingdan.audit"}
    assert [denial for denial in denials if denial not in logged] == []


def test_county_admin_search_finds_nothing_of_other_county(client, counties, admin_a):
    client.force_login(admin_a)

    response = client.get(admin_url(ChangeRequestProcess, "changelist"), {"q": "乙县燃气排查"})

    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("who", ["county_admin", "superuser"])
def test_workflow_records_are_read_only(client, counties, admin_a, who):
    user = admin_a if who == "county_admin" else UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    models = [ChangeRequestProcess, Consultation, Notification, Attachment, Ruling, Process, Task]
    models.append(RulingDecision)
    before = {model: list(model._default_manager.order_by("pk").values()) for model in models}

    statuses = {}
    for model in models:
        pk = min(counties["a"]["rows"][model])
        statuses[model._meta.label] = (
            client.post(admin_url(model, "change", pk), {}).status_code,
            client.post(admin_url(model, "delete", pk), {"post": "yes"}).status_code,
            client.get(admin_url(model, "add")).status_code,
        )

    assert statuses == {model._meta.label: (403, 403, 403) for model in models}
    assert {model: list(model._default_manager.order_by("pk").values()) for model in models} == (
        before
    )


def test_county_admin_adds_and_deletes_a_holiday_of_own_county(client, counties, admin_a):
    client.force_login(admin_a)
    county = counties["a"]["county"]

    added = client.post(
        admin_url(Holiday, "add"),
        {"county": county.pk, "date": "2026-09-27", "name": "调休上班", "is_working_day": "on"},
    )
    holiday = counties["a"]["holiday"]
    deleted = client.post(admin_url(Holiday, "delete", holiday.pk), {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (302, 302)
    assert list(Holiday.objects.filter(county=county).values_list("date", "is_working_day")) == [
        (datetime.date(2026, 9, 27), True)
    ]


def test_county_admin_cannot_add_a_holiday_to_other_county(client, counties, admin_a):
    client.force_login(admin_a)
    other = counties["b"]["county"]

    response = client.post(
        admin_url(Holiday, "add"), {"county": other.pk, "date": "2026-10-09", "name": "假日"}
    )

    assert response.status_code == 200
    assert "county" in response.context["adminform"].form.errors
    assert not Holiday.objects.filter(county=other, date=datetime.date(2026, 10, 9)).exists()


def test_county_admin_cannot_change_or_delete_other_county_holiday(client, counties, admin_a):
    client.force_login(admin_a)
    holiday = counties["b"]["holiday"]

    change = client.post(
        admin_url(Holiday, "change", holiday.pk),
        {"county": holiday.county_id, "date": "2026-10-02", "name": "改"},
    )
    delete = client.post(admin_url(Holiday, "delete", holiday.pk), {"post": "yes"})

    assert (change.status_code, delete.status_code) == (403, 403)
    holiday.refresh_from_db()
    assert (holiday.date, holiday.name) == (datetime.date(2026, 10, 1), "国庆节")


def test_make_up_day_on_a_weekday_is_refused_in_admin(client, counties, admin_a):
    client.force_login(admin_a)

    response = client.post(
        admin_url(Holiday, "add"),
        {
            "county": counties["a"]["county"].pk,
            "date": "2026-09-28",
            "name": "调休",
            "is_working_day": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "is_working_day": ["调休上班日应为周六或周日。"]
    }


def test_county_admin_changes_own_settings_with_history(client, counties, admin_a):
    client.force_login(admin_a)
    settings = counties["a"]["settings"]

    response = client.post(
        admin_url(CountyWorkflowSettings, "change", settings.pk),
        {
            "county": settings.county_id,
            "consultation_days": 7,
            "silence_is_consent": "on",
            "notice_working_days": 5,
            "public_pages": "on",
        },
    )

    assert response.status_code == 302
    settings.refresh_from_db()
    assert (
        settings.consultation_days,
        settings.silence_is_consent,
        settings.notice_working_days,
        settings.public_pages,
    ) == (7, True, 5, True)
    assert settings.history.first().history_user == admin_a


def test_settings_period_out_of_range_is_refused_in_admin(client, counties, admin_a):
    client.force_login(admin_a)
    settings = counties["a"]["settings"]

    response = client.post(
        admin_url(CountyWorkflowSettings, "change", settings.pk),
        {"county": settings.county_id, "consultation_days": 0, "notice_working_days": 0},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "consultation_days": ["征求意见期限应为1至30个工作日。"]
    }
    settings.refresh_from_db()
    assert settings.consultation_days == 5


def test_county_admin_cannot_change_other_county_settings(client, counties, admin_a):
    client.force_login(admin_a)
    settings = counties["b"]["settings"]

    response = client.post(
        admin_url(CountyWorkflowSettings, "change", settings.pk),
        {"county": settings.county_id, "consultation_days": 1, "silence_is_consent": "on"},
    )

    assert response.status_code == 403
    settings.refresh_from_db()
    assert (settings.consultation_days, settings.silence_is_consent) == (5, False)


def test_notification_without_request_is_scoped_by_recipient_county(client, counties, admin_a):
    user_a = counties["a"]["process"].requested_by
    user_b = counties["b"]["process"].requested_by
    own = Notification.objects.create(recipient=user_a, subject="系统通知甲")
    other = Notification.objects.create(recipient=user_b, subject="系统通知乙")
    client.force_login(admin_a)

    listed = client.get(admin_url(Notification, "changelist"), {"q": "系统通知"})

    assert [n.pk for n in listed.context["cl"].result_list] == [own.pk]
    assert client.get(admin_url(Notification, "change", other.pk)).status_code == 403


def test_staff_with_global_viewflow_permissions_sees_no_process(client, counties):
    # viewflow's own admin would show every county's processes to this user.
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="viewflow", codename__in=["view_process", "view_task"]
        )
    )
    client.force_login(user)
    process = counties["a"]["process"]
    task = Task.objects.filter(process=process).first()

    assert client.get(admin_url(Process, "changelist")).status_code == 403
    assert client.get(admin_url(Process, "change", process.pk)).status_code == 403
    assert client.get(admin_url(Task, "changelist")).status_code == 403
    assert client.get(admin_url(Task, "change", task.pk)).status_code == 403
    assert client.get(reverse("admin:index")).context["app_list"] == []


def test_process_admin_shows_tasks_of_own_county_process(client, counties, admin_a):
    client.force_login(admin_a)
    process = counties["a"]["process"]

    response = client.get(admin_url(Process, "change", process.pk))

    assert response.status_code == 200
    inline = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.model is Task
    )
    assert {form.original.pk for form in inline} == counties["a"]["rows"][Task]
    assert {form.original.flow_task for form in inline} >= {
        ChangeRequestFlow.review,
        ChangeRequestFlow.consult,
        ChangeRequestFlow.arbitrate,
    }


def test_legality_review_needs_a_reviewer_of_the_county(client, counties, admin_a):
    client.force_login(admin_a)
    settings = counties["a"]["settings"]

    response = client.post(
        admin_url(CountyWorkflowSettings, "change", settings.pk),
        {
            "county": settings.county_id,
            "consultation_days": 5,
            "notice_working_days": 0,
            "legality_review": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "legality_reviewer": ["开启合法性审查时，请选择合法性审查部门。"]
    }
