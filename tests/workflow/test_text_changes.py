"""The short account of an amended text that notifications carry."""

import pytest

from workflow.text_changes import amendment_lines, text_change

DUTY = (
    "负责燃气安全监管和隐患整改执法，组织对餐饮场所、居民用户开展入户检查，建立隐患台账并督促整改。"
)


@pytest.mark.parametrize(
    ("old", "new", "account"),
    [
        ("燃气安全入户排查", "燃气安全入户检查", "「燃气安全入户排查」改为「燃气安全入户检查」"),
        ("", "每年经费2万元", "填写为「每年经费2万元」"),
        (DUTY, DUTY.replace("入户检查", "入户安全检查"), "在「居民用户开展入户」后增加「安全」"),
        (DUTY, DUTY.replace("，建立隐患台账并督促整改", ""), "删去「，建立隐患台账并督促整改」"),
        (
            DUTY,
            DUTY.replace("餐饮场所", "餐饮企业").replace("督促整改", "限期整改"),
            "「场所」改为「企业」；「督促」改为「限期」",
        ),
        (DUTY, f"另外，{DUTY}", "开头增加「另外，」"),
        (
            DUTY,
            "由街道负责通知住户，县住建局派员入户检查，发现隐患当场告知并跟踪复查，重大隐患报县政府。",
            "改写为「由街道负责通知住户，县住建局派员入户检查，发现隐患当场告知并跟踪复查，"
            "重大隐患报县政府。」",
        ),
    ],
)
def test_text_change_describes_the_edit(old, new, account):
    assert text_change(old, new) == account


def test_many_scattered_edits_read_as_a_rewrite():
    new = DUTY
    for before, after in [("燃气", "燃料"), ("执法", "处罚"), ("餐饮", "商业"), ("台账", "清单")]:
        new = new.replace(before, after)

    assert text_change(DUTY, new) == f"改写为「{new}」"


def test_long_passages_are_clipped():
    added = "并" + "逐户登记" * 20
    account = text_change(DUTY, DUTY.replace("入户检查", f"入户检查{added}"))

    assert account == f"在「用户开展入户检查」后增加「{added[:59]}…」"


def test_amendment_lines_name_each_changed_field_only():
    before = {"title": "燃气安全入户排查", "resources": "每年经费2万元"}
    after = {"title": "燃气安全入户检查", "resources": "每年经费2万元"}

    assert amendment_lines(before, after, {"title": "事项名称"}) == [
        "事项名称：「燃气安全入户排查」改为「燃气安全入户检查」"
    ]
