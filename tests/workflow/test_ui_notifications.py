"""消息通知: the user's own notification list, marking read, and the unread count shown
in the header of every page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from workflow import services
from workflow.models import ChangeKind, Notification

from .conftest import add_fields

pytestmark = pytest.mark.django_db

INDEX = reverse("notifications:index")
READ = reverse("notifications:read")


@pytest.fixture
def inbox(county_world):
    """A request filed by the department (the county office is told), and two more
    notifications of the office plus one of 城关街道's head."""
    world = county_world
    process = services.change_request_file(
        actor=world.staff,
        county=world.county,
        kind=ChangeKind.ADD,
        level="township",
        department=world.department,
        fields=add_fields(world.county),
        target_townships=world.townships[:1],
        reasons="属地需要配合。",
    )
    services.notify(recipients=[world.office], subject="会议通知", url="/lists/")
    services.notify(recipients=[world.office], subject="外部链接", url="https://example.com/x")
    services.notify(recipients=[world.heads[0]], subject="城关街道的通知", process=process)
    return process


def unread(user) -> list[str]:
    return sorted(
        Notification.objects.filter(recipient=user, read_at__isnull=True).values_list(
            "subject", flat=True
        )
    )


def review_subject() -> str:
    """The county office's notice of the request filed below, the year's first."""
    return f"待审查：SQ-{timezone.localdate().year}-0001 新增事项：燃气安全入户排查"


def test_list_shows_only_the_users_own_notifications(client, county_world, inbox):
    client.force_login(county_world.office)

    response = client.get(INDEX)

    subjects = [n.subject for n in response.context["notifications"]]
    assert subjects == ["外部链接", "会议通知", review_subject()]
    assert "城关街道的通知" not in response.content.decode()
    assert response.context["unread_count"] == 3


@pytest.mark.parametrize("path", ["/lists/", "/changerequest/", "/notifications/", "/orgs/"])
def test_header_shows_the_unread_count_on_every_page(client, county_world, inbox, path):
    client.force_login(county_world.office)

    body = client.get(path).content.decode()

    assert '<span class="qd-bell__count" data-testid="unread-count">3</span>' in body


def test_header_shows_no_count_when_everything_is_read(client, county_world, inbox):
    client.force_login(county_world.office)
    client.post(READ, {"all": "1"})

    body = client.get("/lists/").content.decode()

    assert 'data-testid="notification-bell"' in body
    assert 'data-testid="unread-count"' not in body


def test_marking_selected_notifications_read_touches_only_the_users_own(
    client, county_world, inbox
):
    world = county_world
    meeting = Notification.objects.get(subject="会议通知")
    foreign = Notification.objects.get(subject="城关街道的通知")
    client.force_login(world.office)

    response = client.post(READ, {"ids": [meeting.pk, foreign.pk, "x"]})

    assert response.status_code == 302
    assert unread(world.office) == ["外部链接", review_subject()]
    assert unread(world.heads[0]) == ["城关街道的通知"]


def test_marking_all_read(client, county_world, inbox):
    client.force_login(county_world.office)

    client.post(READ, {"all": "1"})

    assert unread(county_world.office) == []
    assert unread(county_world.heads[0]) == ["城关街道的通知"]


def test_opening_a_notification_marks_it_read_and_goes_to_its_request(client, county_world, inbox):
    notification = Notification.objects.get(subject="城关街道的通知")
    client.force_login(county_world.heads[0])

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response.url == reverse("changerequest:process_detail", args=[inbox.pk])
    assert unread(county_world.heads[0]) == []


@pytest.mark.parametrize(("subject", "target"), [("会议通知", "/lists/"), ("外部链接", INDEX)])
def test_opening_a_notification_follows_only_local_links(
    client, county_world, inbox, subject, target
):
    notification = Notification.objects.get(subject=subject)
    client.force_login(county_world.office)

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response.url == target


def test_another_users_notification_cannot_be_opened(client, county_world, inbox):
    foreign = Notification.objects.get(subject="城关街道的通知")
    client.force_login(county_world.office)

    response = client.post(reverse("notifications:open", args=[foreign.pk]))

    assert response.status_code == 404
    assert unread(county_world.heads[0]) == ["城关街道的通知"]


def test_anonymous_user_is_sent_to_login(client, county_world, inbox):
    for response in (client.get(INDEX), client.post(READ, {"all": "1"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert len(unread(county_world.office)) == 3


def test_mark_read_service_changes_only_the_actors_rows(county_world, inbox):
    world = county_world
    ids = list(Notification.objects.values_list("pk", flat=True))

    marked = services.notification_mark_read(actor=world.heads[0], notification_ids=ids)

    assert marked == 1
    assert unread(world.heads[0]) == []
    assert len(unread(world.office)) == 3
    assert services.notification_mark_read(actor=world.heads[0], notification_ids=ids) == 0


def test_mark_read_service_without_ids_marks_every_unread_one(county_world, inbox):
    marked = services.notification_mark_read(actor=county_world.office, notification_ids=None)

    assert marked == 3
    assert unread(county_world.office) == []
