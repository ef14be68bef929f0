"""List pages write their rows from Python (``config.templatetags.qingdan_list_rows``, the
as-of table's ``as_of_rows``, the diff's ``diff_item_lines`` and ``diff_change_rows``):
the same cells, links and escaping the per-cell templates gave."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from config.templatetags.qingdan_list_rows import list_rows
from duty_lists import services as duty_services
from duty_lists.models import DutyItem
from duty_lists.templatetags.qingdan_lists import as_of_rows
from organisations.models import Role
from tests.factories import CountyFactory, DepartmentFactory, make_item, user_with_role

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = "<b>危险</b> & \"引号\" '单引号'"

# The cells as viewflow's list template wrote them, one template variable per cell.
PER_CELL_TEMPLATE = Template(
    "{% load viewflow %}{% for obj, row in page|list_page_data:view %}"
    '<tr data-row-id="{{ obj.pk }}">{% for column, value in row %}'
    '<td class="vf-list__table-cell-{{ column.column_type }}" data-label="{{ column.header }}">'
    "{{ value }}</td>{% endfor %}</tr>{% endfor %}"
)


@pytest.fixture
def county_items():
    county = CountyFactory(name="甲县")
    department = DepartmentFactory(county=county, name="甲县<住建>局")
    items = [
        make_item(county=county, lead_department=department, title=HOSTILE_TITLE),
        make_item(county=county, lead_department=department, title="普通事项"),
    ]
    return county, items


def test_list_rows_write_what_the_per_cell_template_wrote(client, county_items):
    county, _items = county_items
    client.force_login(user_with_role(Role.COUNTY_OFFICE, county))
    response = client.get("/lists/")
    assert response.status_code == 200
    view, page = response.context["view"], response.context["page_obj"]
    context = Context({"view": view, "page": page}, autoescape=True)

    written = list_rows(context, view, page)
    expected = PER_CELL_TEMPLATE.render(context)

    assert written == expected
    assert written.count("<tr ") == 2
    # The hostile title is escaped, once, and the page carries exactly these rows.
    assert "&lt;b&gt;危险&lt;/b&gt; &amp; &quot;引号&quot; &#x27;单引号&#x27;" in written
    assert "<b>危险</b>" not in written
    assert "甲县&lt;住建&gt;局" in written
    assert written in response.content.decode()


def test_list_rows_put_a_check_box_first_on_lists_with_bulk_actions(client, county_items):
    county, _items = county_items
    client.force_login(user_with_role(Role.COUNTY_OFFICE, county))
    response = client.get("/lists/")
    view, page = response.context["view"], response.context["page_obj"]

    written = list_rows(Context({}), view, page, bulk_actions=True)

    rows = written.split("</tr>")[:-1]
    assert len(rows) == 2
    for row in rows:
        assert re.match(r'<tr data-row-id="\d+"><td class="vf-list__action-cell">', row)
        assert row.count("<td") == 1 + len(view.list_columns)


def test_as_of_rows_escape_and_link_every_snapshot(client, county_items):
    county, items = county_items
    client.force_login(user_with_role(Role.COUNTY_OFFICE, county))
    response = client.get(
        "/lists/as-of/",
        {"county": county.pk, "level": "township", "on_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    snapshots = response.context["snapshots"]
    assert len(snapshots) == 2

    written = as_of_rows(snapshots)

    assert written in response.content.decode()
    assert written.count("<tr>") == 2
    for item in items:
        assert f'<a href="/lists/items/{item.pk}/">{item.code}</a>' in written
    assert "&lt;b&gt;危险&lt;/b&gt; &amp; &quot;引号&quot; &#x27;单引号&#x27;" in written
    assert "<b>危险</b>" not in written
    assert f"<td>{items[0].effective_date.isoformat()}</td>" in written


def test_the_as_of_page_says_when_no_item_was_in_force(client, county_items):
    county, _items = county_items
    client.force_login(user_with_role(Role.COUNTY_OFFICE, county))
    response = client.get(
        "/lists/as-of/", {"county": county.pk, "level": "township", "on_date": "2000-01-01"}
    )
    assert response.context["snapshots"] == []
    assert "该日期清单中没有事项。" in response.content.decode()


def test_the_diff_page_lists_added_withdrawn_and_changed_items_escaped(client, county_items):
    county, (hostile, plain) = county_items
    office = user_with_role(Role.COUNTY_OFFICE, county)
    earlier = timezone.now() - datetime.timedelta(days=10)
    DutyItem.history.filter(id__in=[hostile.pk, plain.pk]).update(history_date=earlier)
    duty_services.duty_item_amend(
        actor=office, item=plain, reason="修订", title="新<名称>", remarks="注意"
    )
    duty_services.duty_item_withdraw(
        actor=office, item=hostile, reason="取消", withdrawn_date=timezone.localdate()
    )
    added = make_item(county=county, title="新增<事项>")
    client.force_login(office)
    today = timezone.localdate()

    response = client.get(
        "/lists/diff/",
        {
            "county": county.pk,
            "level": "township",
            "date_from": (today - datetime.timedelta(days=5)).isoformat(),
            "date_to": today.isoformat(),
        },
    )

    page = response.content.decode()
    link = '<a href="/lists/items/{}/">{}</a> {}'
    assert (
        f'<ul data-testid="diff-added"><li>{link.format(added.pk, added.code, "新增&lt;事项&gt;")}'
        "</li></ul>"
    ) in page
    assert (
        '<ul data-testid="diff-withdrawn"><li>'
        + link.format(
            hostile.pk,
            hostile.code,
            "&lt;b&gt;危险&lt;/b&gt; &amp; &quot;引号&quot; &#x27;单引号&#x27;",
        )
        + "</li></ul>"
    ) in page
    changed = link.format(plain.pk, plain.code, "新&lt;名称&gt;")
    assert (
        f'<tr><td rowspan="2">{changed}</td><td>事项名称</td>'
        '<td class="qd-old">普通事项</td><td class="qd-new">新&lt;名称&gt;</td></tr>'
    ) in page
    assert '<td>备注</td><td class="qd-old">（空）</td><td class="qd-new">注意</td></tr>' in page


def test_an_empty_diff_says_none_in_each_part(client, county_items):
    county, _items = county_items
    client.force_login(user_with_role(Role.COUNTY_OFFICE, county))
    response = client.get(
        "/lists/diff/",
        {
            "county": county.pk,
            "level": "township",
            "date_from": "2000-01-01",
            "date_to": "2000-02-01",
        },
    )
    page = response.content.decode()
    assert '<ul data-testid="diff-added"><li>无</li></ul>' in page
    assert '<ul data-testid="diff-withdrawn"><li>无</li></ul>' in page
    assert '<tr><td colspan="4">无</td></tr>' in page
