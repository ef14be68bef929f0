"""What a request's attachment may be, decided by the file's content, not its name.

Accepted: PDF, Word (DOCX), Excel (XLSX) and PNG, JPEG, GIF or WebP images, at most
10 MB each. A DOCX or XLSX is a ZIP package whose ``[Content_Types].xml`` declares a
``/word/`` or ``/xl/`` main part of that type (macro-enabled variants are refused). Only
that one entry is read, with a size cap, so a crafted archive cannot exhaust memory.
"""

import os
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.core.exceptions import ValidationError

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
# [Content_Types].xml of a real document is a few kilobytes.
MAX_CONTENT_TYPES_SIZE = 256 * 1024
MAX_ORIGINAL_NAME_LENGTH = 255
CONTENT_TYPES_ENTRY = "[Content_Types].xml"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

ACCEPTED_DESCRIPTION = "PDF、Word(.docx)、Excel(.xlsx) 文档或 PNG、JPEG、GIF、WebP 图片"


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of attachment: its MIME type, stored extension and label."""

    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", ".pdf", "PDF 文档")
PNG = FileKind("image/png", ".png", "PNG 图片")
JPEG = FileKind("image/jpeg", ".jpg", "JPEG 图片")
GIF = FileKind("image/gif", ".gif", "GIF 图片")
WEBP = FileKind("image/webp", ".webp", "WebP 图片")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    "Word 文档",
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    "Excel 表格",
)

# Main-part content type and the folder that part must sit in, per OOXML kind.
_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "/word/",
        DOCX,
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "/xl/",
        XLSX,
    ),
}

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_ZIP_SIGNATURE = b"PK\x03\x04"


def original_name(uploaded_file) -> str:
    """The uploader's file name, without any folder part or control characters."""
    name = (uploaded_file.name or "").replace("\\", "/")
    name = os.path.basename(name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > MAX_ORIGINAL_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        name = stem[: MAX_ORIGINAL_NAME_LENGTH - len(extension[:16])] + extension[:16]
    return name or "未命名文件"


def _ooxml_kind(uploaded_file) -> FileKind | None:
    """DOCX or XLSX if the ZIP package declares such a main part that it contains."""
    try:
        with zipfile.ZipFile(uploaded_file) as package:
            try:
                info = package.getinfo(CONTENT_TYPES_ENTRY)
            except KeyError:
                return None
            if info.file_size > MAX_CONTENT_TYPES_SIZE:
                return None
            with package.open(info) as entry:
                # The declared size may lie: never read past the cap.
                data = entry.read(MAX_CONTENT_TYPES_SIZE + 1)
            if len(data) > MAX_CONTENT_TYPES_SIZE:
                return None
            names = set(package.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, OSError):
        # Corrupt, encrypted or exotically compressed archives are not documents we accept.
        return None
    return _main_part_kind(data, names)


def _main_part_kind(content_types: bytes, names: set[str]) -> FileKind | None:
    # Entity declarations are how XML bombs work; a real [Content_Types].xml has none.
    upper = content_types.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        return None
    try:
        root = ElementTree.fromstring(content_types)  # noqa: S314 - DTDs refused above, size capped
    except ElementTree.ParseError:
        return None
    if root.tag != f"{_CONTENT_TYPES_NS}Types":
        return None
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        declared = _OOXML_MAIN_PARTS.get(override.get("ContentType", ""))
        part = override.get("PartName", "")
        if declared is None:
            continue
        folder, kind = declared
        if part.startswith(folder) and part.lstrip("/") in names:
            return kind
    return None


def detect_kind(uploaded_file) -> FileKind | None:
    """The accepted kind of ``uploaded_file`` judged by its content, or ``None``.

    Leaves the file positioned at its start.
    """
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    try:
        for signature, kind in _SIGNATURES:
            if head.startswith(signature):
                return kind
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return WEBP
        if head.startswith(_ZIP_SIGNATURE):
            return _ooxml_kind(uploaded_file)
        return None
    finally:
        uploaded_file.seek(0)


STAMPED_REPLY_KINDS = (PDF, PNG, JPEG, GIF, WEBP)
STAMPED_REPLY_DESCRIPTION = "PDF 文档或 PNG、JPEG、GIF、WebP 图片（盖章件的扫描件或照片）"


def validate_stamped_reply(uploaded_file) -> FileKind:
    """Check a stamped reply (盖章意见): an attachment that is a PDF or an image.

    Returns its kind. Raises ``ValidationError`` on the ``stamped_reply`` field, naming
    the file, for what ``validate_attachment`` refuses and for Word or Excel files.
    """
    try:
        kind = validate_attachment(uploaded_file)
    except ValidationError as error:
        raise ValidationError({"stamped_reply": error.message_dict["attachments"]}) from error
    if kind not in STAMPED_REPLY_KINDS:
        name = original_name(uploaded_file)
        raise ValidationError(
            {
                "stamped_reply": (
                    f"文件“{name}”是{kind.label}：盖章意见只能上传{STAMPED_REPLY_DESCRIPTION}。"
                )
            }
        )
    return kind


def validate_attachment(uploaded_file) -> FileKind:
    """Check one uploaded file; return its kind.

    Raises ``ValidationError`` on the ``attachments`` field, naming the file, when it is
    empty, larger than 10 MB, or not one of the accepted kinds by content.
    """
    name = original_name(uploaded_file)
    size = uploaded_file.size
    if not size:
        raise ValidationError({"attachments": f"文件“{name}”是空文件，无法上传。"})
    if size > MAX_ATTACHMENT_SIZE:
        megabytes = size / (1024 * 1024)
        raise ValidationError(
            {
                "attachments": (
                    f"文件“{name}”大小为 {megabytes:.1f} MB，超过 10 MB 的上限，无法上传。"
                )
            }
        )
    kind = detect_kind(uploaded_file)
    if kind is None:
        raise ValidationError(
            {
                "attachments": (
                    f"文件“{name}”的内容不是可接受的格式：只能上传{ACCEPTED_DESCRIPTION}"
                    "（按文件内容识别，与扩展名无关）。"
                )
            }
        )
    return kind
