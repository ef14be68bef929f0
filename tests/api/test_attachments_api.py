"""/api/requests/{id}/attachments/: uploading a file to a request and downloading it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.workflow.test_attachments import xlsx_bytes
from workflow.models import Attachment, StampedReply

from .conftest import client_for, database_state, file_request, forward, open_task

pytestmark = pytest.mark.django_db

PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Size 3 /Root 1 0 R >>\n%%EOF\n"
)


def upload(user, process, name="实施依据.pdf", content=PDF_BYTES):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client_for(user).post(
        f"/api/requests/{process.pk}/attachments/", {"file": file}, format="multipart"
    )


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_filer_uploads_a_file_and_whoever_sees_the_request_downloads_it(world, settings):
    process = file_request(world)

    response = upload(world.staff, process)

    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert response.json() == {
        "id": attachment.pk,
        "name": "实施依据.pdf",
        "content_type": "application/pdf",
        "size": len(PDF_BYTES),
        "sha256": attachment.sha256,
        "uploaded_by": {"id": world.staff.pk, "username": world.staff.username, "name": "王晓燕"},
        "uploaded_at": response.json()["uploaded_at"],
        "download": (f"http://testserver/api/requests/{process.pk}/attachments/{attachment.pk}/"),
    }
    assert stored_files(settings) == [attachment.file.name]
    detail = client_for(world.heads[0]).get(f"/api/requests/{process.pk}/").json()
    assert [a["name"] for a in detail["attachments"]] == ["实施依据.pdf"]
    download = client_for(world.heads[0]).get(response.json()["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%AE%9E%E6%96%BD%E4%BE%9D%E6%8D%AE.pdf"
    )


def test_a_file_that_is_not_an_accepted_kind_is_a_400_on_file(world, settings):
    process = file_request(world)
    before = database_state()

    response = upload(world.staff, process, name="说明.pdf", content=b"plain text, not a PDF")
    missing = client_for(world.staff).post(
        f"/api/requests/{process.pk}/attachments/", {}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert "说明.pdf" in response.json()["file"][0]
    assert missing.status_code == 400
    assert list(missing.json()) == ["file"]
    assert database_state() == before
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("head_0", 403), ("county_admin", 403), ("other_staff", 404), ("other_office", 404)]
    + [("anonymous", 401)],
)
def test_only_the_filer_and_county_office_upload(world, settings, who, status):
    process = file_request(world)
    user = (
        None if who == "anonymous" else (world.heads[0] if who == "head_0" else getattr(world, who))
    )
    before = database_state()

    response = upload(user, process)

    # 403 for who sees the request, 404 (like an unknown request) for who does not.
    assert response.status_code == status
    assert database_state() == before
    assert stored_files(settings) == []


def test_download_is_404_for_who_may_not_see_the_request(world):
    process = file_request(world)
    upload(world.office, process)
    url = f"/api/requests/{process.pk}/attachments/{Attachment.objects.get().pk}/"

    hidden = [client_for(world.heads[3]).get(url), client_for(world.other_office).get(url)]
    unknown = client_for(world.staff).get(f"/api/requests/{process.pk}/attachments/999999/")

    assert [(r.status_code, r.json()) for r in [*hidden, unknown]] == [
        (404, {"detail": "没有该附件。"})
    ] * 3
    assert client_for(None).get(url).status_code == 401


def test_a_consultation_answer_carries_a_stamped_reply_readable_by_its_readers(world):
    process = file_request(world)
    forward(world, process)
    task = open_task(process, "consult", township=world.townships[0].pk)
    reply = SimpleUploadedFile(
        "城关街道意见（盖章）.pdf", PDF_BYTES, content_type="application/pdf"
    )

    response = client_for(world.heads[0]).post(
        f"/api/tasks/{task.pk}/complete/",
        {
            "step": "consult",
            "answer": "contest",
            "reason": "缺少执法人员。",
            "stamped_reply": reply,
        },
        format="multipart",
    )

    assert response.status_code == 200, response.content
    stored = StampedReply.objects.get()
    (answer,) = response.json()["consultations"]
    assert answer["stamped_reply"] == {
        "id": stored.pk,
        "name": "城关街道意见（盖章）.pdf",
        "content_type": "application/pdf",
        "size": len(PDF_BYTES),
        "download": f"http://testserver/api/requests/{process.pk}/stamped-replies/{stored.pk}/",
    }
    download = client_for(world.office).get(answer["stamped_reply"]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    hidden = client_for(world.heads[1]).get(answer["stamped_reply"]["download"])
    assert (hidden.status_code, hidden.json()) == (404, {"detail": "没有该盖章意见。"})


def test_a_stamped_reply_that_is_a_spreadsheet_is_a_400_and_nothing_is_answered(world):
    process = file_request(world)
    forward(world, process)
    task = open_task(process, "consult", township=world.townships[0].pk)
    before = database_state()
    sheet = SimpleUploadedFile("意见.xlsx", xlsx_bytes(), content_type="application/pdf")

    response = client_for(world.heads[0]).post(
        f"/api/tasks/{task.pk}/complete/",
        {"step": "consult", "answer": "accept", "reason": "", "stamped_reply": sheet},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()["stamped_reply"]) == [
        "文件“意见.xlsx”是Excel 表格：盖章意见只能上传PDF 文档或 PNG、JPEG、GIF、WebP "
        "图片（盖章件的扫描件或照片）。"
    ]
    assert database_state() == before


def test_the_filer_removes_a_file_and_the_history_keeps_it(world):
    process = file_request(world)
    upload(world.staff, process)
    attachment = Attachment.objects.get()

    response = client_for(world.staff).post(
        f"/api/requests/{process.pk}/attachments/{attachment.pk}/remove/"
    )

    assert response.status_code == 204
    assert Attachment.objects.count() == 0
    removal = Attachment.history.get(id=attachment.pk, history_type="-")
    assert (removal.history_user, removal.history_change_reason) == (
        world.staff,
        "删除附件：实施依据.pdf",
    )


def test_removing_a_file_of_another_request_is_a_404(world):
    process = file_request(world)
    other = file_request(world, title="瓶装液化气安全检查")
    upload(world.staff, process)
    attachment = Attachment.objects.get()

    response = client_for(world.staff).post(
        f"/api/requests/{other.pk}/attachments/{attachment.pk}/remove/"
    )

    assert response.status_code == 404
    assert list(Attachment.objects.all()) == [attachment]
