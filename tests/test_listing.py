"""``config.listing.IdUrls`` gives the URLs ``reverse`` gives."""

from django.urls import reverse

from config.listing import IdUrls
from workflow.flows import ChangeRequestFlow


def test_one_id_urls_are_the_reversed_ones():
    urls = IdUrls(lambda pk: reverse("lists:detail", kwargs={"pk": pk}))

    assert [urls(pk) for pk in (1, 42, 9876543201)] == [
        reverse("lists:detail", kwargs={"pk": pk}) for pk in (1, 42, 9876543201)
    ]


def test_two_id_urls_are_the_reversed_ones():
    node = ChangeRequestFlow.instance.review
    urls = IdUrls(lambda *ids: node.reverse("index", args=ids), arity=2)

    assert urls(7, 1234) == node.reverse("index", args=[7, 1234])
    assert urls(1234, 7) == node.reverse("index", args=[1234, 7])


def test_a_pattern_showing_the_placeholder_twice_is_reversed_each_time():
    calls = []

    def reverse_twice(pk):
        calls.append(pk)
        return f"/a/{pk}/b/{pk}/"

    urls = IdUrls(reverse_twice)

    assert urls(5) == "/a/5/b/5/"
    assert calls == ["9876543201", 5]
