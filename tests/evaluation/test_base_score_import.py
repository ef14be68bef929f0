"""Base scores imported from the county's comprehensive assessment (Excel): a good file
is written in one go with history, the same file again changes nothing, and every bad
row is reported with its sheet, row and column while nothing is written."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.models import BaseScore
from tests.factories import DepartmentFactory
from workflow.services import evaluating

from .round_factories import evaluation_state, evaluation_world, open_round, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = evaluation_world(with_round=False)
    world.round = open_round(world)
    return world


def good_rows(world, department_score="91.5"):
    department = world.departments[0]
    rows = [("部门", department.code, department.name, department_score)]
    rows += [("乡镇(街道)", t.code, t.name, 80 + index) for index, t in enumerate(world.townships)]
    return rows


def import_file(world, upload, actor=None):
    return evaluating.base_scores_import(
        actor=actor or world.assessment, round_id=world.round.pk, uploaded_file=upload
    )


def test_good_file_sets_every_base_score_with_history_and_again_changes_nothing(world):
    changed = import_file(world, xlsx_upload(good_rows(world), name="2025综合考核.xlsx"))
    again = import_file(world, xlsx_upload(good_rows(world), name="2025综合考核.xlsx"))

    assert (changed, again) == (4, 0)
    scores = {
        (b.department.name if b.department else b.township.name): b.value
        for b in BaseScore.objects.select_related("department", "township")
    }
    assert scores == {
        "县0局": Decimal("91.50"),
        "第0镇": Decimal("80.00"),
        "第1镇": Decimal("81.00"),
        "第2镇": Decimal("82.00"),
    }
    assert set(BaseScore.history.values_list("history_user", "history_change_reason")) == {
        (world.assessment.pk, "导入基础分（2025综合考核.xlsx）")
    }
    assert BaseScore.history.count() == 4


def test_a_changed_file_updates_only_the_changed_units(world):
    import_file(world, xlsx_upload(good_rows(world)))

    changed = import_file(world, xlsx_upload(good_rows(world, department_score="88")))

    assert changed == 1
    assert BaseScore.objects.get(department=world.departments[0]).value == Decimal("88.00")
    assert BaseScore.history.count() == 5


def test_every_bad_row_is_named_with_sheet_row_and_column_and_nothing_is_written(world):
    d0, d1 = world.departments
    t0, t1, t2 = world.townships
    other = DepartmentFactory(county=world.other_county, code="BS-D09", name="白沙县水利局")
    rows = [
        ("部门", d0.code, d0.name, "91.5"),  # row 2: good
        ("科室", t0.code, t0.name, "80"),  # row 3: bad kind
        ("乡镇(街道)", "NOPE", "某镇", "80"),  # row 4: unknown code
        ("乡镇(街道)", t1.code, "别的镇", "80"),  # row 5: name does not match
        ("乡镇(街道)", t2.code, t2.name, "101"),  # row 6: above 100
        ("部门", d1.code, d1.name, "90"),  # row 7: not in the round
        ("部门", d0.code, d0.name, "90"),  # row 8: duplicate of row 2
        ("乡镇(街道)", t2.code, t2.name, "=A1"),  # row 9: formula (t2 again: duplicate)
        ("部门", other.code, other.name, "80"),  # row 10: another county's
        ("乡镇(街道)", "", t0.name, ""),  # row 11: no code, no score
        (None, None, None, None),  # row 12: blank, skipped
        ("乡镇", t1.code, t1.name, "85.555"),  # row 13: three decimals, t1 again
    ]
    before = evaluation_state()

    with pytest.raises(ValidationError) as raised:
        import_file(world, xlsx_upload(rows))

    sheet = "工作表“基础分”"
    assert raised.value.message_dict == {
        "file": [
            f"{sheet}第 3 行 A 列（单位类型）：“科室”无效，应为“部门”或“乡镇(街道)”。",
            f"{sheet}第 4 行 B 列（单位编码）：“NOPE”不是本县乡镇(街道)的编码。",
            f"{sheet}第 5 行 C 列（单位名称）：“别的镇”与编码 {t1.code} 的单位“第1镇”不一致。",
            f"{sheet}第 6 行 D 列（基础分）：分值不能超过满分 100（现为 101）。",
            f"{sheet}第 7 行 B 列（单位编码）："
            "“县1局”不是本轮的参评单位（本轮没有与它相关的评分表）。",
            f"{sheet}第 8 行 B 列（单位编码）：“县0局”与第 2 行重复。",
            f"{sheet}第 9 行 B 列（单位编码）：“第2镇”与第 6 行重复。",
            f"{sheet}第 9 行 D 列（基础分）：请填写数值，不接受公式。",
            f"{sheet}第 10 行 B 列（单位编码）：“BS-D09”不是本县部门的编码。",
            f"{sheet}第 11 行 B 列（单位编码）：请填写单位编码。",
            f"{sheet}第 11 行 D 列（基础分）：请填写基础分。",
            f"{sheet}第 13 行 B 列（单位编码）：“第1镇”与第 5 行重复。",
            f"{sheet}第 13 行 D 列（基础分）：分值最多保留两位小数（现为 85.555）。",
        ]
    }
    assert evaluation_state() == before
    assert BaseScore.history.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("基础分.xlsx", b"not a workbook at all"),
            "文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写。",
        ),
        (
            xlsx_upload([("部门", "X", "Y", "1")], header=("单位类型", "单位编码", "名称", "得分")),
            "工作表“基础分”第 1 行："
            "缺少列“单位名称”（表头应为单位类型、单位编码、单位名称、基础分）。",
        ),
        (xlsx_upload([]), "工作表“基础分”中没有基础分数据。"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_and_nothing_written(world, upload, message):
    before = evaluation_state()

    with pytest.raises(ValidationError) as raised:
        import_file(world, upload)

    assert raised.value.message_dict["file"][0] == message
    assert evaluation_state() == before


def test_only_the_assessment_office_imports_and_not_after_publication(world):
    with pytest.raises(PermissionDenied):
        import_file(world, xlsx_upload(good_rows(world)), actor=world.office)
    with pytest.raises(PermissionDenied):
        import_file(world, xlsx_upload(good_rows(world)), actor=world.other_county_assessment)
    assert BaseScore.objects.count() == 0


def test_template_lists_the_rounds_units_with_the_scores_entered(client, world):
    import_file(world, xlsx_upload(good_rows(world)[:2]))
    client.force_login(world.assessment)

    response = client.get(reverse("evaluation:base_scores_template", args=[world.round.pk]))

    assert response.status_code == 200
    workbook = load_workbook(filename=io.BytesIO(response.content))
    rows = list(workbook["基础分"].iter_rows(values_only=True))
    assert rows == [
        ("单位类型", "单位编码", "单位名称", "基础分", "备注"),
        ("部门", world.departments[0].code, "县0局", 91.5, None),
        ("乡镇(街道)", world.townships[0].code, "第0镇", 80, None),
        ("乡镇(街道)", world.townships[1].code, "第1镇", None, None),
        ("乡镇(街道)", world.townships[2].code, "第2镇", None, None),
    ]
    # The template as downloaded names the units still without a score.
    with pytest.raises(ValidationError) as raised:
        import_file(world, SimpleUploadedFile("模板.xlsx", response.content))
    assert raised.value.message_dict == {
        "file": [
            "工作表“基础分”第 4 行 D 列（基础分）：请填写基础分。",
            "工作表“基础分”第 5 行 D 列（基础分）：请填写基础分。",
        ]
    }


def test_import_page_lists_the_errors_and_a_good_file_redirects(client, world):
    client.force_login(world.assessment)
    url = reverse("evaluation:base_scores_import", args=[world.round.pk])
    bad_rows = [("部门", "NOPE", "某局", "80")]

    bad = client.post(url, {"file": xlsx_upload(bad_rows)})
    good = client.post(url, {"file": xlsx_upload(good_rows(world))})

    assert bad.status_code == 200
    assert "工作表“基础分”第 2 行 B 列（单位编码）：“NOPE”不是本县部门的编码。" in (
        bad.content.decode()
    )
    assert (good.status_code, good["Location"]) == (
        302,
        reverse("evaluation:round", args=[world.round.pk]),
    )
    assert BaseScore.objects.count() == 4
