"""``POST /api/lists/import/``: the import of approved lists through the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from duty_lists.models import DutyItem, Release

from .conftest import client_for, database_state, lists_upload

pytestmark = pytest.mark.django_db


def _body(world, **changes):
    body = {
        "file": lists_upload(world),
        "county": world.county.pk,
        "document_number": "清委办发〔2026〕12号",
        "effective_date": "2026-07-01",
    }
    body.update(changes)
    return body


def test_dry_run_is_the_default_and_answers_what_would_change(world):
    client = client_for(world.office)
    before = database_state()

    response = client.post("/api/lists/import/", _body(world), format="multipart")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "dry_run": True,
        "written": False,
        "document_number": "清委办发〔2026〕12号",
        "sheets": [{"name": "乡镇(街道)", "level": "township", "township": "", "items": 1}],
        "lists": [
            {
                "level": "township",
                "added": ["XZ-ZJ-0001"],
                "changed": [],
                "withdrawn": [],
                "kept": [],
                "unchanged": 0,
            }
        ],
        "releases": [],
        "notices": [],
    }
    assert database_state() == before


def test_import_writes_and_a_second_one_changes_nothing(world):
    client = client_for(world.county_admin)

    first = client.post("/api/lists/import/", _body(world, dry_run="false"), format="multipart")
    second = client.post("/api/lists/import/", _body(world, dry_run="false"), format="multipart")

    assert first.status_code == 200, first.content
    assert first.json()["written"] is True
    [release] = Release.objects.all()
    assert first.json()["releases"] == [release.pk]
    item = DutyItem.objects.get(code="XZ-ZJ-0001")
    assert (item.title, item.history.get().history_change_reason) == (
        "燃气安全入户排查",
        "清委办发〔2026〕12号",
    )
    assert sorted(item.townships.values_list("name", flat=True)) == ["城关街道", "青石镇"]
    assert second.json()["written"] is False
    assert second.json()["lists"][0]["unchanged"] == 1
    assert DutyItem.history.count() == 1


def test_bad_file_is_a_400_listing_sheet_row_and_column(world):
    client = client_for(world.office)
    before = database_state()
    bad = {
        "file": SimpleUploadedFile("清单.xlsx", b"not a workbook"),
        "dry_run": "false",
    }

    response = client.post("/api/lists/import/", _body(world, **bad), format="multipart")

    message = (
        "文件“清单.xlsx”不是 Excel 工作簿（.xlsx），无法读取；"
        "旧版 .xls 文件请先用 Excel 另存为 .xlsx。"
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": [message],
        "issues": [
            {
                "sheet": None,
                "row": None,
                "column": None,
                "letter": None,
                "message": message,
                "text": message,
            }
        ],
    }
    assert database_state() == before


def test_unknown_department_row_is_named(world):
    body = _body(world)
    world.department.name = "县住房和城乡建设局（新）"
    world.department.save()
    client = client_for(world.office)

    response = client.post("/api/lists/import/", body, format="multipart")

    assert response.status_code == 400
    [issue] = response.json()["issues"]
    assert response.json()["file"] == [issue["text"]]
    assert (issue["sheet"], issue["row"], issue["column"], issue["letter"]) == (
        "乡镇(街道)",
        2,
        "牵头部门",
        "G",
    )
