"""Files where decisions are made: the review, consultation and proposal (拟办意见)
pages show the request's files; revising adds and removes files; a consultation answer
may carry a stamped reply (盖章意见), shown to those who may read that answer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow import services
from workflow.models import Attachment, Consultation, ConsultationAnswer, StampedReply

from .conftest import open_task
from .test_admission_flow import answer, file_add, forward
from .test_attachments import PDF_BYTES, docx_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(county_world):
    """A request filed by 住建局 with one file."""
    process = file_add(county_world, townships=county_world.townships[:2])
    services.attachment_add(
        actor=county_world.staff, process=process, uploaded_file=upload("论证报告.pdf", PDF_BYTES)
    )
    return process


def execute_url(task, user) -> str:
    """The task's form, with the task assigned to ``user``."""
    Task.objects.filter(pk=task.pk).update(owner=user, status=STATUS.ASSIGNED)
    return reverse(f"changerequest:{task.flow_task.name}:execute", args=[task.process_id, task.pk])


def download_url(attachment) -> str:
    return reverse("changerequest:attachment", args=[attachment.pk])


def test_review_consultation_and_proposal_pages_show_the_requests_files(
    county_world, filed, client
):
    world = county_world
    attachment = filed.attachments.get()
    client.force_login(world.office)
    review = client.get(execute_url(open_task(filed, "review"), world.office))
    forward(world, filed)
    client.force_login(world.heads[0])
    consult = client.get(
        execute_url(open_task(filed, "consult", township=world.townships[0].pk), world.heads[0])
    )
    answer(world, filed, 0, ConsultationAnswer.CONTEST, reason="缺少人员")
    answer(world, filed, 1, ConsultationAnswer.ACCEPT)
    client.force_login(world.office)
    proposal = client.get(execute_url(open_task(filed, "arbitrate"), world.office))

    for response in (review, consult, proposal):
        assert response.status_code == 200
        assert response.context["attachments"] == [attachment]
        html = response.content.decode()
        assert f'href="{download_url(attachment)}"' in html
        assert "论证报告.pdf" in html
    client.force_login(world.heads[0])
    assert client.get(download_url(attachment)).status_code == 200


def test_revising_adds_and_removes_files(county_world, filed, client):
    world = county_world
    kept = filed.attachments.get()
    services.attachment_add(
        actor=world.staff, process=filed, uploaded_file=upload("旧版说明.pdf", PDF_BYTES)
    )
    replaced = filed.attachments.get(original_name="旧版说明.pdf")
    services.change_request_review(
        actor=world.office,
        task_id=open_task(filed, "review").pk,
        decision="return",
        comment="请更新说明材料。",
    )
    client.force_login(world.staff)
    url = execute_url(open_task(filed, "revise"), world.staff)
    assert "旧版说明.pdf" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "title": filed.title,
            "reasons": "已更新说明材料。",
            "target_townships": [t.pk for t in world.townships[:2]],
            "remove_attachments": [replaced.pk],
            "attachments": [upload("新版说明.pdf", PDF_BYTES)],
        },
    )

    assert response.status_code == 302
    assert list(filed.attachments.order_by("pk").values_list("original_name", flat=True)) == [
        kept.original_name,
        "新版说明.pdf",
    ]
    removal = Attachment.history.get(id=replaced.pk, history_type="-")
    assert (removal.history_user, removal.history_change_reason) == (
        world.staff,
        "删除附件：旧版说明.pdf",
    )
    assert open_task(filed, "review").status == STATUS.NEW


def test_a_refused_new_file_keeps_the_request_returned_and_its_files(county_world, filed, client):
    world = county_world
    services.change_request_review(
        actor=world.office,
        task_id=open_task(filed, "review").pk,
        decision="return",
        comment="请更新说明材料。",
    )
    kept = filed.attachments.get()
    client.force_login(world.staff)
    task = open_task(filed, "revise")

    response = client.post(
        execute_url(task, world.staff),
        {
            "reasons": "已更新。",
            "target_townships": [t.pk for t in world.townships[:2]],
            "remove_attachments": [kept.pk],
            "attachments": [upload("说明.pdf", b"just text")],
        },
    )

    assert response.status_code == 200
    assert "文件“说明.pdf”的内容不是可接受的格式" in str(response.context["form"].errors)
    assert list(filed.attachments.all()) == [kept]
    assert Task.objects.get(pk=task.pk).status == STATUS.ASSIGNED


def test_only_the_filer_and_the_reviewer_remove_files_of_an_open_request(county_world, filed):
    world = county_world
    attachment = filed.attachments.get()

    for outsider in (world.heads[0], world.other_office):
        with pytest.raises(PermissionDenied):
            services.attachment_remove(actor=outsider, attachment_id=attachment.pk)

    assert list(filed.attachments.all()) == [attachment]
    services.attachment_remove(actor=world.office, attachment_id=attachment.pk)
    assert filed.attachments.count() == 0


def test_township_answers_with_a_stamped_reply(county_world, filed, client):
    world = county_world
    forward(world, filed)
    client.force_login(world.heads[0])
    task = open_task(filed, "consult", township=world.townships[0].pk)

    response = client.post(
        execute_url(task, world.heads[0]),
        {
            "answer": "contest",
            "reason": "本镇无执法人员。",
            "stamped_reply": upload("城关街道意见（盖章）.png", png_bytes(), "image/png"),
        },
    )

    assert response.status_code == 302
    reply = StampedReply.objects.get()
    consultation = Consultation.objects.get(process=filed, township=world.townships[0])
    assert (reply.consultation, reply.original_name, reply.content_type, reply.uploaded_by) == (
        consultation,
        "城关街道意见（盖章）.png",
        "image/png",
        world.heads[0],
    )
    assert reply.history.get().history_user == world.heads[0]
    reply_url = reverse("changerequest:stamped_reply", args=[reply.pk])
    client.force_login(world.office)
    page = client.get(reverse("changerequest:process_detail", args=[filed.pk]))
    assert f'href="{reply_url}"' in page.content.decode()
    assert client.get(reply_url).status_code == 200
    client.force_login(world.heads[1])
    assert client.get(reply_url).status_code == 403
    client.force_login(world.other_office)
    assert client.get(reply_url).status_code == 403


def test_a_stamped_reply_must_be_a_pdf_or_an_image(county_world, filed):
    world = county_world
    forward(world, filed)
    task = open_task(filed, "consult", township=world.townships[0].pk)

    with pytest.raises(ValidationError) as raised:
        services.consultation_answer(
            actor=world.heads[0],
            task_id=task.pk,
            answer="accept",
            stamped_reply=upload("意见.docx", docx_bytes(), "application/msword"),
        )

    assert raised.value.message_dict == {
        "stamped_reply": [
            "文件“意见.docx”是Word 文档：盖章意见只能上传PDF 文档或 PNG、JPEG、GIF、WebP "
            "图片（盖章件的扫描件或照片）。"
        ]
    }
    assert Consultation.objects.count() == 0
    assert StampedReply.objects.count() == 0
    assert Task.objects.get(pk=task.pk).status == STATUS.NEW
