"""Attachments of a change request: kind by content, size cap, who may add, storage."""

import hashlib
import io
import logging
import re
import struct
import zipfile
import zlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from organisations.models import Role
from tests.decisions import decide
from tests.factories import DepartmentFactory, user_with_role
from workflow import services
from workflow.attachments import DOCX, GIF, JPEG, PDF, PNG, WEBP, XLSX, detect_kind
from workflow.models import Attachment, ConsultationAnswer

from .test_admission_flow import answer, file_add, forward

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
REJECTED_KIND = (
    "的内容不是可接受的格式：只能上传PDF、Word(.docx)、Excel(.xlsx) 文档或 PNG、JPEG、GIF、"
    "WebP 图片（按文件内容识别，与扩展名无关）。"
)

PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"trailer << /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n"
)


def png_bytes() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF_BYTES = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP_BYTES = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
    b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def content_types(part: str, main_type: str, prologue: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"{prologue}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{main_type}"/>'
        "</Types>"
    )


def ooxml_package(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return ooxml_package(
        {
            "[Content_Types].xml": content_types("/word/document.xml", WORD_MAIN),
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document/>",
        }
    )


def xlsx_bytes() -> bytes:
    return ooxml_package(
        {
            "[Content_Types].xml": content_types("/xl/workbook.xml", EXCEL_MAIN),
            "_rels/.rels": "<Relationships/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": "<worksheet/>",
        }
    )


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def request_process(county_world):
    return file_add(county_world)


# --- kind by content --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF_BYTES, PDF),
        (png_bytes(), PNG),
        (JPEG_BYTES, JPEG),
        (GIF_BYTES, GIF),
        (WEBP_BYTES, WEBP),
        (docx_bytes(), DOCX),
        (xlsx_bytes(), XLSX),
    ],
)
def test_kind_is_detected_from_content_whatever_the_name(content, kind):
    assert detect_kind(upload("附件.bin", content)) == kind


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"This is plain text, not a PDF.\n", id="text"),
        pytest.param(b"", id="empty-content"),
        pytest.param(b"PK\x03\x04 not really a zip", id="broken-zip"),
        pytest.param(ooxml_package({"readme.txt": "hello"}), id="zip-without-content-types"),
        pytest.param(
            ooxml_package(
                {
                    "[Content_Types].xml": content_types("/word/document.xml", WORD_MACRO_MAIN),
                    "word/document.xml": "<w:document/>",
                }
            ),
            id="macro-enabled-docm",
        ),
        pytest.param(
            ooxml_package({"[Content_Types].xml": content_types("/word/document.xml", WORD_MAIN)}),
            id="declared-part-missing",
        ),
        pytest.param(
            ooxml_package(
                {
                    "[Content_Types].xml": content_types("/xl/workbook.xml", WORD_MAIN),
                    "xl/workbook.xml": "<workbook/>",
                }
            ),
            id="word-type-outside-word-folder",
        ),
        pytest.param(
            ooxml_package(
                {
                    "[Content_Types].xml": content_types(
                        "/word/document.xml",
                        WORD_MAIN,
                        prologue='<!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">]>',
                    ),
                    "word/document.xml": "<w:document/>",
                }
            ),
            id="entity-declarations",
        ),
        pytest.param(
            ooxml_package(
                {
                    "[Content_Types].xml": content_types("/word/document.xml", WORD_MAIN)
                    + " " * (16 * MB),
                    "word/document.xml": "<w:document/>",
                }
            ),
            id="zip-bomb-content-types",
        ),
        pytest.param(b"RIFF\x00\x00\x00\x00WAVEfmt ", id="riff-but-not-webp"),
    ],
)
def test_other_content_is_not_accepted(content):
    assert detect_kind(upload("附件.docx", content)) is None


def test_zip_bomb_is_small_on_disk_and_not_inflated():
    bomb = ooxml_package({"[Content_Types].xml": " " * (16 * MB)})

    assert len(bomb) < 200 * 1024
    assert detect_kind(upload("炸弹.xlsx", bomb)) is None


# --- the service ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("实施依据.pdf", PDF_BYTES, PDF),
        ("现场照片.png", png_bytes(), PNG),
        ("测算说明.docx", docx_bytes(), DOCX),
        ("经费测算.xlsx", xlsx_bytes(), XLSX),
    ],
)
def test_filer_adds_attachment_stored_under_generated_name(
    county_world, request_process, settings, name, content, kind
):
    attachment = services.attachment_add(
        actor=county_world.staff, process=request_process, uploaded_file=upload(name, content)
    )

    attachment.refresh_from_db()
    assert attachment.process_id == request_process.pk
    assert attachment.original_name == name
    assert attachment.content_type == kind.content_type
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.uploaded_by == county_world.staff
    assert re.fullmatch(
        rf"requests/{request_process.pk}/[0-9a-f]{{32}}\{kind.extension}", attachment.file.name
    )
    assert stored_files(settings) == [attachment.file.name]
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == content
    record = attachment.history.get()
    assert record.history_user == county_world.staff
    assert record.history_change_reason == f"上传附件：{name}"
    assert list(request_process.attachments.all()) == [attachment]


def test_county_office_may_add_attachment(county_world, request_process):
    attachment = services.attachment_add(
        actor=county_world.office,
        process=request_process,
        uploaded_file=upload("审查意见.pdf", PDF_BYTES),
    )

    assert attachment.uploaded_by == county_world.office


def test_browser_path_is_stripped_from_original_name(county_world, request_process):
    uploaded = upload("x.pdf", PDF_BYTES)
    uploaded.name = "C:\\fakepath\\依据\u0007文件.pdf"

    attachment = services.attachment_add(
        actor=county_world.staff, process=request_process, uploaded_file=uploaded
    )

    assert attachment.original_name == "依据文件.pdf"


def test_text_file_named_pdf_is_rejected_and_nothing_written(
    county_world, request_process, settings
):
    with pytest.raises(ValidationError) as raised:
        services.attachment_add(
            actor=county_world.staff,
            process=request_process,
            uploaded_file=upload("说明.pdf", b"This is plain text.\n"),
        )

    assert raised.value.message_dict == {"attachments": [f"文件“说明.pdf”{REJECTED_KIND}"]}
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_file_over_ten_megabytes_is_rejected_and_nothing_written(
    county_world, request_process, settings
):
    content = PDF_BYTES + b"0" * (11 * MB - len(PDF_BYTES))

    with pytest.raises(ValidationError) as raised:
        services.attachment_add(
            actor=county_world.staff,
            process=request_process,
            uploaded_file=upload("扫描件.pdf", content),
        )

    assert raised.value.message_dict == {
        "attachments": ["文件“扫描件.pdf”大小为 11.0 MB，超过 10 MB 的上限，无法上传。"]
    }
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_file_of_exactly_ten_megabytes_is_accepted(county_world, request_process):
    content = PDF_BYTES + b"0" * (10 * MB - len(PDF_BYTES))

    attachment = services.attachment_add(
        actor=county_world.staff, process=request_process, uploaded_file=upload("大.pdf", content)
    )

    assert attachment.size == 10 * MB


def test_empty_file_is_rejected(county_world, request_process):
    with pytest.raises(ValidationError) as raised:
        services.attachment_add(
            actor=county_world.staff, process=request_process, uploaded_file=upload("空.pdf", b"")
        )

    assert raised.value.message_dict == {"attachments": ["文件“空.pdf”是空文件，无法上传。"]}


@pytest.mark.parametrize(
    "who", ["anonymous", "consulted_township_head", "other_department", "other_county_office"]
)
def test_others_may_not_add_attachment(county_world, request_process, settings, caplog, who):
    caplog.set_level(logging.WARNING, logger="qingdan.audit")
    actor = {
        "anonymous": lambda: AnonymousUser(),
        "consulted_township_head": lambda: county_world.heads[0],
        "other_department": lambda: user_with_role(
            Role.DEPARTMENT_STAFF,
            DepartmentFactory(county=county_world.county, name="县应急管理局"),
        ),
        "other_county_office": lambda: county_world.other_office,
    }[who]()

    with pytest.raises(PermissionDenied):
        services.attachment_add(
            actor=actor, process=request_process, uploaded_file=upload("依据.pdf", PDF_BYTES)
        )

    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []
    assert [r.getMessage() for r in caplog.records if r.name == "qingdan.audit"][-1] == (
        f"denied: {actor} may not 为申请 {request_process.number} 添加附件"
    )


def test_finished_request_takes_no_attachment(county_world, request_process, settings):
    forward(county_world, request_process)
    for index in range(3):
        answer(county_world, request_process, index, ConsultationAnswer.ACCEPT)
    decide(county_world.office, request_process)

    with pytest.raises(ValidationError) as raised:
        services.attachment_add(
            actor=county_world.staff,
            process=request_process,
            uploaded_file=upload("补充.pdf", PDF_BYTES),
        )

    assert raised.value.message_dict == {"attachments": ["申请已办结，不能再添加附件“补充.pdf”。"]}
    assert stored_files(settings) == []


def test_file_is_removed_when_the_row_cannot_be_saved(
    county_world, request_process, settings, monkeypatch
):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attachment, "save", broken_save)

    with pytest.raises(RuntimeError):
        services.attachment_add(
            actor=county_world.staff,
            process=request_process,
            uploaded_file=upload("依据.pdf", PDF_BYTES),
        )

    assert stored_files(settings) == []
