"""The filer's notices in a real browser, on a desktop screen and on a 390 px phone: a
department's staff member files two requests; one is returned for revision, the other is
forwarded, contested by one township, proposed on and decided with an amended text. The
filer finds each step among its notifications, the decision with what changed in its
text, and a notice opens the request it is about."""

import pytest
from playwright.sync_api import expect

from tests.decisions import DOCUMENT_NUMBER, prepare, record
from tests.factories import DEFAULT_PASSWORD
from tests.workflow.conftest import build_county_world, open_task
from tests.workflow.test_admission_flow import answer, file_add, forward
from tests.workflow.test_notification_matrix import PROPOSED_TEXT, contest, propose
from workflow import services
from workflow.models import ConsultationAnswer

from .test_todo import SCREENS, fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county_world(db):
    return build_county_world()


@pytest.fixture(params=list(SCREENS))
def screen(request, page):
    page.set_viewport_size(SCREENS[request.param])
    return request.param


def test_filer_hears_of_each_step_and_opens_the_request(
    page, live_server, screen, county_world, log_in, tmp_path
):
    world = county_world
    returned = file_add(world, townships=world.townships[:1], title="瓶装液化气巡查")
    services.change_request_review(
        actor=world.office,
        task_id=open_task(returned, "review").pk,
        decision="return",
        comment="请补充设定依据的具体条款。",
    )
    decided = file_add(world, townships=world.townships[:2])
    forward(world, decided)
    contest(world, decided)
    answer(world, decided, 1, ConsultationAnswer.ACCEPT)
    propose(world, decided, **PROPOSED_TEXT)
    batch = prepare(world.office, decided)
    record(world.office, batch)

    log_in(world.staff.username, DEFAULT_PASSWORD, "/notifications/")
    rows = page.get_by_test_id("notification-row")
    expect(rows).to_have_count(7)
    subjects = [text.strip() for text in rows.locator("button.qd-link").all_inner_texts()]
    assert subjects == [
        f"清单已发布：清河县乡镇(街道)履行职责事项清单 第1版（{DOCUMENT_NUMBER}）",
        f"申请已发布：{decided}",
        f"申请已提请审定：{decided}",
        f"拟办意见已提出：{decided}",
        f"城关街道对申请提出异议：{decided}",
        f"申请已转征求意见：{decided}",
        f"申请被退回修改：{returned}",
    ]
    published = rows.nth(1)
    expect(published).to_contain_text("与申请相比，文本修改如下：")
    expect(published).to_contain_text("事项名称：「燃气安全入户排查」改为「燃气安全入户检查」")
    # The whole text, not a first line cut short.
    expect(published).to_contain_text(
        "乡镇(街道)职责：「配合开展入户排查，发现隐患及时报告。」"
        "改为「配合开展入户排查，负责通知住户，发现隐患及时报告。」"
    )
    expect(rows.nth(4)).to_contain_text("理由：街道没有燃气执法人员。")
    expect(rows.nth(6)).to_contain_text("请补充设定依据的具体条款。")
    fits(page, screen)
    # Each notice reads in lines across the screen, not a character per line.
    assert published.locator("td").nth(1).bounding_box()["width"] > 300
    page.screenshot(path=tmp_path / f"notices_{screen}.png", full_page=True)

    published.locator("button.qd-link").click()
    page.wait_for_url(f"{live_server.url}/changerequest/{decided.pk}/")
    expect(page.locator("body")).to_contain_text("燃气安全入户检查")
    fits(page, screen)
