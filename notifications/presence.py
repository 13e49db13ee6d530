"""Whether a member is watching a live stream right now: then a push would only repeat
what the open page already shows, so none is sent.

This reads the key the live event streams set, `events:watching:<member_id>`, with a TTL
they keep refreshing while the stream is open; it is read straight from Redis (not through
Django's cache, whose keys carry a prefix and a version). When the streams' own module
lands, `is_watching` becomes `community.events.is_watching`. Without Redis nothing is
shared between processes, so nobody counts as watching and pushes go out.
"""

from __future__ import annotations

import functools
import logging

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

WATCHING_KEY = "events:watching:{member_id}"


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def is_watching(member_id: int) -> bool:
    """True while `member_id` has a live stream open; False without Redis or if it is down."""
    url = settings.REDIS_URL
    if not url:
        return False
    try:
        return bool(_client(url).exists(WATCHING_KEY.format(member_id=member_id)))
    except redis.RedisError as error:
        # Better a push too many than a member who hears nothing.
        logger.warning("Could not read whether %s is watching: %s", member_id, error)
        return False
