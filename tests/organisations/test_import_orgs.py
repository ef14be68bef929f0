import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from organisations.importing import OrgImportError, UnitKind, org_units_import
from organisations.models import County, Department, Grid, Township, Village
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,parent_code,subkind"

# Parents appear before and after their children (G02's village V02 comes later).
GOOD_LINES = [
    "C01,清河县,county,,",
    "D01,清河县住房和城乡建设局,department,C01,",
    "D02,清河县应急管理局,department,C01,",
    "T01,城关街道,township,C01,",
    "T02,青石镇,township,C01,",
    "T03,白云乡,township,C01,",
    "T04,新区,township,C01,镇",
    "G02,石桥村第一网格,grid,V02,",
    "V01,城关社区,village,T01,",
    "V02,石桥村,village,T02,",
    "V03,新苑,village,T04,社区",
    "V04,白云,village,T03,village",
    "G01,城关社区第一网格,grid,V01,",
    "G03,城关社区第二网格,grid,V01,",
]

MODELS = {
    "county": County,
    "department": Department,
    "township": Township,
    "village": Village,
    "grid": Grid,
}
NO_ROWS = dict.fromkeys(MODELS, 0)
GOOD_COUNTS = {"county": 1, "department": 2, "township": 4, "village": 4, "grid": 3}


def write_csv(tmp_path, lines, *, header=HEADER, bom=False, name="orgs.csv"):
    text = "\n".join([header, *lines]) + "\n"
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run_import(path):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_orgs", str(path), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def import_error_lines(path):
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    return [line for line in str(excinfo.value).splitlines() if line.startswith("第 ")]


def unit_counts():
    return {kind: model.objects.count() for kind, model in MODELS.items()}


def test_good_file_with_bom_creates_the_whole_tree(tmp_path):
    stdout, stderr = run_import(write_csv(tmp_path, GOOD_LINES, bom=True))

    assert unit_counts() == GOOD_COUNTS
    assert stdout.splitlines() == [
        "县(市、区) created=1 updated=0 unchanged=0",
        "县级部门 created=2 updated=0 unchanged=0",
        "乡镇(街道) created=4 updated=0 unchanged=0",
        "村(社区) created=4 updated=0 unchanged=0",
        "网格 created=3 updated=0 unchanged=0",
        "导入完成：共 14 行。",
    ]
    assert stderr == ""
    county = County.objects.get()
    assert (county.code, county.name) == ("C01", "清河县")
    assert sorted(county.departments.values_list("code", flat=True)) == ["D01", "D02"]
    assert sorted(Township.objects.values_list("code", "kind", "county__code")) == [
        ("T01", Township.Kind.SUBDISTRICT, "C01"),
        ("T02", Township.Kind.TOWN, "C01"),
        ("T03", Township.Kind.TOWNSHIP, "C01"),
        ("T04", Township.Kind.TOWN, "C01"),
    ]
    assert sorted(Village.objects.values_list("code", "kind", "township__code")) == [
        ("V01", Village.Kind.COMMUNITY, "T01"),
        ("V02", Village.Kind.VILLAGE, "T02"),
        ("V03", Village.Kind.COMMUNITY, "T04"),
        ("V04", Village.Kind.VILLAGE, "T03"),
    ]
    assert sorted(Grid.objects.values_list("code", "village__code")) == [
        ("G01", "V01"),
        ("G02", "V02"),
        ("G03", "V01"),
    ]


def test_import_leaves_one_history_record_per_unit(tmp_path):
    run_import(write_csv(tmp_path, GOOD_LINES))

    for kind, model in MODELS.items():
        records = model.history.all()
        assert records.count() == GOOD_COUNTS[kind]
        assert set(records.values_list("history_type", "history_change_reason")) == {
            ("+", "导入组织机构")
        }
        assert set(records.values_list("history_user", flat=True)) == {None}


def test_reimport_updates_names_and_kinds_without_duplicates(tmp_path):
    run_import(write_csv(tmp_path, GOOD_LINES, name="first.csv"))
    original_ids = dict(Township.objects.values_list("code", "pk"))
    changed = [
        line.replace("T02,青石镇", "T02,青峰镇").replace(
            "V03,新苑,village,T04,社区", "V03,新苑,village,T04,村"
        )
        for line in GOOD_LINES
    ]

    stdout, _ = run_import(write_csv(tmp_path, changed, name="second.csv"))

    assert stdout.splitlines()[:5] == [
        "县(市、区) created=0 updated=0 unchanged=1",
        "县级部门 created=0 updated=0 unchanged=2",
        "乡镇(街道) created=0 updated=1 unchanged=3",
        "村(社区) created=0 updated=1 unchanged=3",
        "网格 created=0 updated=0 unchanged=3",
    ]
    assert unit_counts() == GOOD_COUNTS
    assert dict(Township.objects.values_list("code", "pk")) == original_ids
    assert Township.objects.get(code="T02").name == "青峰镇"
    assert Village.objects.get(code="V03").kind == Village.Kind.VILLAGE
    assert Township.history.count() == 5
    assert list(
        Township.objects.get(code="T02")
        .history.order_by("history_id")
        .values_list("history_type", "name")
    ) == [("+", "青石镇"), ("~", "青峰镇")]


def test_import_adds_children_to_units_already_in_the_database(tmp_path):
    run_import(write_csv(tmp_path, GOOD_LINES, name="first.csv"))

    stdout, _ = run_import(
        write_csv(tmp_path, ["V05,白云社区,village,T03,", "G04,白云社区网格,grid,V05,"])
    )

    assert stdout.splitlines()[3:5] == [
        "村(社区) created=1 updated=0 unchanged=0",
        "网格 created=1 updated=0 unchanged=0",
    ]
    assert Village.objects.get(code="V05").township.code == "T03"
    assert Grid.objects.get(code="G04").village.code == "V05"


BAD_LINE_CASES = {
    "unknown kind": (
        ["C01,清河县,county,", "T01,城关街道,town,C01"],
        [
            "第 3 行: kind 列“town”不是有效的类型，应为 county（县(市、区)）、"
            "department（县级部门）、township（乡镇(街道)）、village（村(社区)）、"
            "grid（网格） 之一。"
        ],
    ),
    "missing parent": (
        ["C01,清河县,county,", "T01,城关街道,township,C09"],
        ["第 3 行: parent_code 列“C09”找不到：文件和系统中都没有这个编码的县(市、区)。"],
    ),
    "empty parent": (
        ["C01,清河县,county,", "D01,住建局,department,"],
        ["第 3 行: parent_code 列为空：县级部门必须填写上级县(市、区)的编码。"],
    ),
    "wrong-kind parent": (
        ["C01,清河县,county,", "T01,城关街道,township,C01", "G01,第一网格,grid,T01"],
        ["第 4 行: parent_code 列“T01”是第 3 行的乡镇(街道)，网格的上级应为村(社区)。"],
    ),
    "duplicate code": (
        ["C01,清河县,county,", "T01,城关街道,township,C01", "T01,青石镇,township,C01"],
        ["第 4 行: code 列“T01”与第 3 行的编码重复。"],
    ),
    "empty name": (
        ["C01,清河县,county,", "D01,,department,C01"],
        ["第 3 行: name 列为空：名称不能为空。"],
    ),
    "name of invisible characters": (
        ["C01,清河县,county,", "D01,\u200b\u2060\ufeff\u3000,department,C01"],
        ["第 3 行: name 列为空：名称不能为空。"],
    ),
    "empty code": (
        ["C01,清河县,county,", ",住建局,department,C01"],
        ["第 3 行: code 列为空：编码不能为空。"],
    ),
    "undeterminable township kind": (
        ["C01,清河县,county,", "T01,开发区,township,C01"],
        [
            "第 3 行: 无法确定乡镇(街道)“开发区”的类型：name 列不以 “街道”、“镇”、“乡” 结尾，"
            "subkind 列也为空；请在 subkind 列填写 街道（subdistrict）、镇（town）、"
            "乡（township）。"
        ],
    ),
    "wrong number of columns": (
        ["C01,清河县,county", "T01,城关街道,township,C01"],
        ["第 2 行: 列数不对：表头有 4 列（code,name,kind,parent_code），此行有 3 列。"],
    ),
    "broken quoting": (
        ["C01,清河县,county,", 'T01,"城关街道,township,C01', "T02,青石镇,township,C01"],
        ["第 3 行: CSV 格式错误：从此行起引号不配对或字段格式不正确。"],
    ),
    "county with a parent": (
        ["C01,清河县,county,C02", "C02,河东县,county,"],
        ["第 2 行: parent_code 列应为空：县(市、区)没有上级。"],
    ),
}


@pytest.mark.parametrize("case", BAD_LINE_CASES.keys())
def test_bad_line_is_reported_with_its_number_and_nothing_is_written(tmp_path, case):
    lines, expected = BAD_LINE_CASES[case]
    path = write_csv(tmp_path, lines, header="code,name,kind,parent_code")

    assert import_error_lines(path) == expected
    assert unit_counts() == NO_ROWS


def test_wrong_header_is_reported_on_line_one(tmp_path):
    path = write_csv(tmp_path, ["C01,清河县,county,"], header="code,title,kind,parent")

    assert import_error_lines(path) == [
        "第 1 行: 表头错误（缺少列 name, parent_code；无法识别的列 title, parent），"
        "表头应为 code,name,kind,parent_code[,subkind]。"
    ]
    assert unit_counts() == NO_ROWS


def test_bad_encoding_names_the_first_undecodable_line_and_column(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        b"code,name,kind,parent_code\n"
        b"C01,\xe6\xb8\x85\xe6\xb2\xb3\xe5\x8e\xbf,county,\n"
        + "T01,青石镇,township,C01\n".encode("gbk")
        + "T02,白云乡,township,C01\n".encode("gbk")
    )

    assert import_error_lines(path) == [
        "第 3 行: name 列含有无法按 UTF-8 解码的字节（文件可能是 GBK 编码），"
        "请将文件另存为 UTF-8 编码后重新导入。"
    ]
    assert unit_counts() == NO_ROWS


def test_every_bad_line_of_a_file_is_reported(tmp_path):
    path = write_csv(
        tmp_path,
        [
            "C01,清河县,county,,",
            "D01,住建局,bureau,C01,",
            "T01,城关街道,township,C01,",
            "V01,,village,T01,",
            "V02,石桥村,village,T09,",
            "G01,第一网格,grid,V02,",
            "G01,第二网格,grid,V02,",
        ],
    )

    assert import_error_lines(path) == [
        "第 3 行: kind 列“bureau”不是有效的类型，应为 county（县(市、区)）、"
        "department（县级部门）、township（乡镇(街道)）、village（村(社区)）、"
        "grid（网格） 之一。",
        "第 5 行: name 列为空：名称不能为空。",
        "第 6 行: parent_code 列“T09”找不到：文件和系统中都没有这个编码的乡镇(街道)。",
        "第 8 行: code 列“G01”与第 7 行的编码重复。",
    ]
    assert unit_counts() == NO_ROWS


def test_reimport_with_an_error_changes_nothing(tmp_path):
    run_import(write_csv(tmp_path, GOOD_LINES, name="first.csv"))
    changed = [line.replace("T02,青石镇", "T02,青峰镇") for line in GOOD_LINES]
    changed.append("G09,第九网格,grid,V99,")

    assert import_error_lines(write_csv(tmp_path, changed, name="second.csv")) == [
        "第 16 行: parent_code 列“V99”找不到：文件和系统中都没有这个编码的村(社区)。"
    ]
    assert unit_counts() == GOOD_COUNTS
    assert Township.objects.get(code="T02").name == "青石镇"
    assert Township.history.count() == 4


def test_existing_code_under_another_kind_or_parent_is_an_error(tmp_path):
    run_import(write_csv(tmp_path, GOOD_LINES, name="first.csv"))

    path = write_csv(
        tmp_path,
        ["T01,城关社区,village,T02,", "V02,石桥村,village,T03,"],
        name="second.csv",
    )

    assert import_error_lines(path) == [
        "第 2 行: code 列“T01”在系统中已是乡镇(街道)“城关街道”，不能再作为村(社区)导入。",
        "第 3 行: parent_code 列与系统不一致：村(社区)“V02”在系统中的上级是“T02”，"
        "此行填写的是“T03”；导入不能改变隶属关系。",
    ]
    assert unit_counts() == GOOD_COUNTS
    assert Village.objects.get(code="V02").township.code == "T02"


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run_import(tmp_path / "absent.csv")


def test_large_file_shows_progress_on_stderr(tmp_path):
    lines = ["C01,清河县,county,,", "T01,城关街道,township,C01,", "V01,石桥村,village,T01,"]
    lines += [f"G{n:05d},第{n}网格,grid,V01," for n in range(10_500)]

    stdout, stderr = run_import(write_csv(tmp_path, lines))

    assert stderr.splitlines() == [
        "进度：10003/10503 行（95.2%）",
        "进度：10503/10503 行（100.0%）",
    ]
    assert stdout.splitlines()[4] == "网格 created=10500 updated=0 unchanged=0"
    assert Grid.objects.count() == 10_500
    assert Grid.history.count() == 10_500


def test_service_calls_progress_and_records_the_superuser_as_history_user(tmp_path):
    admin = UserFactory(is_superuser=True)
    calls = []

    report = org_units_import(
        actor=admin,
        source=("\n".join([HEADER, *GOOD_LINES]) + "\n").encode(),
        progress=lambda done, total: calls.append((done, total)),
    )

    assert report.total_rows == 14
    assert report.counts[UnitKind.TOWNSHIP].created == 4
    assert calls == [(14, 14)]
    assert set(Township.history.values_list("history_user", flat=True)) == {admin.pk}


def test_service_refuses_a_user_who_is_not_superuser():
    user = UserFactory()

    with pytest.raises(PermissionDenied):
        org_units_import(actor=user, source=f"{HEADER}\nC01,清河县,county,,\n".encode())

    assert unit_counts() == NO_ROWS


def test_service_error_lists_every_line_in_order():
    with pytest.raises(OrgImportError) as excinfo:
        org_units_import(
            actor=None,
            source=b"code,name,kind,parent_code\nC01,,county,\n,X,county,\n",
        )

    assert [(error.line, error.column) for error in excinfo.value.line_errors] == [
        (2, "name"),
        (3, "code"),
    ]
