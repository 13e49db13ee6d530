"""Walls are read once per read-only request, and afresh in any request that may change them."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from accounts.middleware import ReadWallsOnceMiddleware
from accounts.models import Block
from accounts.selectors import walled_off_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _seen_twice_with_a_block_between(method: str) -> tuple[set[int], set[int]]:
    member, other = UserFactory.create(), UserFactory.create()
    seen: list[set[int]] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(walled_off_ids(member))
        Block.objects.create(blocker=other, blocked=member)
        seen.append(walled_off_ids(member))
        return HttpResponse()

    ReadWallsOnceMiddleware(view)(getattr(RequestFactory(), method)("/"))
    return seen[0], seen[1]


def test_a_get_request_reads_walls_once() -> None:
    first, second = _seen_twice_with_a_block_between("get")
    assert first == second == set()


def test_a_post_request_reads_walls_every_time() -> None:
    first, second = _seen_twice_with_a_block_between("post")
    assert first == set() and len(second) == 1


def test_outside_a_request_walls_are_read_every_time() -> None:
    member, other = UserFactory.create(), UserFactory.create()
    assert walled_off_ids(member) == set()
    Block.objects.create(blocker=member, blocked=other)
    assert walled_off_ids(member) == {other.pk}


def test_the_memo_ends_with_the_request() -> None:
    member = UserFactory.create()
    ReadWallsOnceMiddleware(lambda request: HttpResponse(str(walled_off_ids(member))))(
        RequestFactory().get("/")
    )
    other = UserFactory.create()
    Block.objects.create(blocker=other, blocked=member)
    assert walled_off_ids(member) == {other.pk}
