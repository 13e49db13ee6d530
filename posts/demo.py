"""Demo posts, groups and a campaign for `manage.py seed_demo`. Idempotent: each item is
looked up by its natural key (group slug, campaign hashtag, post title and author) first."""

from __future__ import annotations

import datetime
from typing import Any, TextIO

from django.template.defaultfilters import pluralize
from django.utils import timezone

from accounts.models import User
from accounts.moderators import Actor

from . import services
from .models import Campaign, Circle, CircleKind, Comment, Membership, Post, PostKind, Visibility

GROUPS = [
    # slug, name, kind, private, description, moderator handle, member handles
    (
        "emergency-medicine",
        "Emergency Medicine",
        CircleKind.SPECIALTY,
        False,
        "Resuscitation, triage and the art of the undifferentiated patient.",
        "dr-luis-romero",
        ["dr-amara-okafor", "demo-moderator"],
    ),
    (
        "premed-pathways",
        "Premed Pathways",
        CircleKind.TOPIC,
        False,
        "Questions about getting into medicine, answered by people who did.",
        "dr-amara-okafor",
        ["demo-student", "dr-luis-romero"],
    ),
    (
        "residents-lounge",
        "Residents' Lounge",
        CircleKind.TOPIC,
        True,
        "A private room for residents and fellows: rotations, boards, wellbeing.",
        "dr-luis-romero",
        [],
    ),
]

POSTS: list[dict[str, Any]] = [
    {
        "author": "dr-amara-okafor",
        "kind": PostKind.DISCUSSION,
        "title": "Sepsis: the first hour matters",
        "body": "A reminder for everyone on nights this week: lactate, cultures, broad-spectrum "
        "antibiotics and fluids for hypotension, **within the hour**. Write the time you "
        "gave the first dose in the note.\n\n#SepsisAwareness #EM",
    },
    {
        "author": "demo-student",
        "kind": PostKind.QUESTION,
        "title": "How did you choose your specialty?",
        "body": "I'm a pre-med and everyone tells me to keep an open mind. Physicians here: "
        "when did you know? @dr-amara-okafor @dr-luis-romero #PremedLife",
        "group": "premed-pathways",
    },
    {
        "author": "dr-luis-romero",
        "kind": PostKind.CASE,
        "title": "Chest pain with a normal first ECG",
        "body": "Adult in their 50s, two hours of pressure-like chest pain, first ECG "
        "unremarkable, first troponin below the cut-off. What is your next step and why?\n\n"
        "*All details changed; no identifying information.* #Cardiology",
        "group": "emergency-medicine",
    },
    {
        "author": "dr-amara-okafor",
        "kind": PostKind.PUBLICATION,
        "title": "",
        "body": "Each hour of delay before antibiotics was associated with higher mortality in "
        "this New York cohort. Worth reading before your next sepsis huddle. #SepsisAwareness",
        "doi": "10.1056/NEJMoa1703058",
        "pmid": "28528569",
        "pub_title": "Time to Treatment and Mortality during Mandated Emergency Care for Sepsis",
        "journal": "New England Journal of Medicine",
        "year": 2017,
    },
    {
        "author": "dr-luis-romero",
        "kind": PostKind.EVENT,
        "title": "Ask an EM resident: the Match, MCAT and night shifts",
        "body": "Bring your questions about applying to medical school and emergency medicine. "
        "Leave them below before we start. #PremedLife",
        "starts_in_days": 7,
        "duration_minutes": 60,
    },
]

COMMENTS = [
    # post title, author, body, reply to (author of the comment replied to)
    (
        "How did you choose your specialty?",
        "dr-amara-okafor",
        "In my third year, on my family medicine rotation: I liked knowing whole families.",
        None,
    ),
    (
        "How did you choose your specialty?",
        "demo-student",
        "That's encouraging, thank you!",
        "dr-amara-okafor",
    ),
    (
        "Sepsis: the first hour matters",
        "dr-luis-romero",
        "We put a timer on the sepsis order set. Door-to-antibiotics dropped noticeably.",
        None,
    ),
]


def _members() -> dict[str, User]:
    return {user.handle: user for user in User.objects.filter(is_active=True)}


def _seed_groups(members: dict[str, User]) -> None:
    for slug, name, kind, private, description, moderator, others in GROUPS:
        if Circle.objects.filter(slug=slug).exists() or moderator not in members:
            continue
        circle = services.create_circle(
            creator=members[moderator],
            name=name,
            description=description,
            kind=kind,
            is_private=private,
        )
        for handle in others:
            if handle in members:
                membership = services.join_circle(member=members[handle], circle=circle)
                if not membership.is_active:
                    services.approve_membership(
                        moderator=Actor(user=members[moderator]), membership=membership
                    )


def _seed_posts(members: dict[str, User]) -> None:
    now = timezone.now()
    for spec in POSTS:
        author = members.get(spec["author"])
        if author is None or Post.objects.filter(author=author, body=spec["body"]).exists():
            continue
        circle = Circle.objects.filter(slug=spec["group"]).first() if "group" in spec else None
        starts_at = None
        if "starts_in_days" in spec:
            starts_at = (now + datetime.timedelta(days=spec["starts_in_days"])).replace(
                minute=0, second=0, microsecond=0
            )
        services.publish_post(
            author=author,
            kind=spec["kind"],
            title=spec["title"],
            body=spec["body"],
            visibility=Visibility.GROUP if circle else Visibility.PUBLIC,
            circle=circle,
            doi=spec.get("doi", ""),
            pmid=spec.get("pmid", ""),
            pub_title=spec.get("pub_title", ""),
            journal=spec.get("journal", ""),
            year=spec.get("year"),
            starts_at=starts_at,
            duration_minutes=spec.get("duration_minutes"),
        )


def _seed_comments(members: dict[str, User]) -> None:
    for post_title, handle, body, reply_to in COMMENTS:
        post = Post.objects.filter(title=post_title).first()
        author = members.get(handle)
        if post is None or author is None:
            continue
        if Comment.objects.filter(post=post, author=author, body=body).exists():
            continue
        parent = None
        if reply_to is not None:
            parent = Comment.objects.filter(post=post, author__handle=reply_to, parent=None).first()
        services.add_comment(author=author, post=post, body=body, parent=parent)
    sepsis = Post.objects.filter(title="Sepsis: the first hour matters").first()
    for handle in ("dr-luis-romero", "demo-student"):
        if sepsis is not None and handle in members:
            if not sepsis.reactions.filter(member=members[handle], kind="helpful").exists():
                services.toggle_reaction(member=members[handle], target=sepsis, kind="helpful")


def _seed_campaign(members: dict[str, User]) -> None:
    moderator = members.get("demo-moderator")
    if moderator is None or Campaign.objects.filter(hashtag__name="sepsisawareness").exists():
        return
    today = timezone.localdate()
    services.create_campaign(
        # As the demo moderator, signed in with their code, would.
        creator=Actor(user=moderator, passed_two_factor=True),
        hashtag="SepsisAwareness",
        title="Sepsis awareness month",
        description="Recognise sepsis early, treat it fast. Share your unit's tips, audits and "
        "teaching under #SepsisAwareness.",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=27),
    )


def seed(stdout: TextIO) -> None:
    members = _members()
    _seed_groups(members)
    _seed_posts(members)
    _seed_comments(members)
    _seed_campaign(members)
    posts, groups = Post.objects.count(), Circle.objects.count()
    memberships, campaigns = Membership.objects.count(), Campaign.objects.count()
    stdout.write(
        f"Posts: {posts} post{pluralize(posts)}, {groups} group{pluralize(groups)} "
        f"({memberships} membership{pluralize(memberships)}), "
        f"{campaigns} campaign{pluralize(campaigns)}."
    )
