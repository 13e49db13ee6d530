"""Awareness campaigns under a hashtag."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image

from accounts.moderators import Actor
from accounts.permissions import ensure_can_participate
from community import page_cache
from community.images import encode_display
from moderation.models import ActionKind
from moderation.services import (
    campaign_state,
    record_audit,
)

from ..models import (
    Campaign,
    Hashtag,
)
from ..selectors import forget_running_campaigns
from .media import BANNER_MAX_SIDE

# --- Campaigns ---------------------------------------------------------------------------
from .rules import NotAllowed, may_start_campaigns


@transaction.atomic
def create_campaign(
    *,
    creator: Actor,
    hashtag: str,
    title: str,
    description: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    banner: Image.Image | None = None,
    banner_alt: str = "",
) -> Campaign:
    """Turn a hashtag into an awareness campaign (site moderators only), and write it to
    the audit log. The hashtag page and the panel's "Turn into a campaign" both call this."""
    ensure_can_participate(creator.user)
    if not may_start_campaigns(creator):
        raise NotAllowed("Only moderators can start campaigns.")
    name = hashtag.strip().lstrip("#").lower()
    if not name:
        raise ValidationError("Give the campaign's hashtag.")
    if ends_on < starts_on:
        raise ValidationError("The campaign must end on or after the day it starts.")
    if banner is not None and not banner_alt.strip():
        raise ValidationError("Describe the banner image (alt text).")
    tag, _ = Hashtag.objects.get_or_create(name=name)
    if Campaign.objects.filter(hashtag=tag).exists():
        raise ValidationError(f"#{name} already has a campaign.")
    campaign = Campaign(
        hashtag=tag,
        title=title.strip(),
        description=description.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        banner_alt=banner_alt.strip()[:200],
        created_by=creator.member,
    )
    if banner is not None:
        campaign.banner = encode_display(banner, max_side=BANNER_MAX_SIDE, name=f"campaign-{name}")
    campaign.save()
    record_audit(
        actor=creator.member,
        action=ActionKind.MAKE_CAMPAIGN,
        target=campaign,
        after=campaign_state(campaign),
    )
    transaction.on_commit(forget_running_campaigns)
    page_cache.lists_changed()
    return campaign
