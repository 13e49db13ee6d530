"""Reads about members that other apps rely on: one place decides who is walled off."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from .models import Block, User


def walled_off_ids(user: User | AnonymousUser) -> set[int]:
    """Ids of members who blocked `user` or whom `user` blocked (empty for visitors)."""
    if not user.is_authenticated:
        return set()
    pairs = Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
        "blocker_id", "blocked_id"
    )
    return {other for pair in pairs for other in pair if other != user.pk}


def is_walled_off(first: User | AnonymousUser, second: User) -> bool:
    """True when either member blocked the other."""
    if not first.is_authenticated or first.pk == second.pk:
        return False
    return Block.objects.filter(
        Q(blocker=first, blocked=second) | Q(blocker=second, blocked=first)
    ).exists()
