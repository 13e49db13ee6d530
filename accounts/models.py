"""Members and the relations between them (follow, mute, block)."""

from __future__ import annotations

import datetime
import functools
import operator
import uuid
from pathlib import PurePath
from typing import Any, ClassVar

from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField

from community.counters import save_kwargs_without_counters

from .specialties import specialty_label
from .storage import get_private_storage

ADULT_AGE = 18
MINIMUM_AGE = 13


class Role(models.TextChoices):
    PHYSICIAN = "physician", "Physician"
    RESIDENT = "resident", "Resident or fellow"
    MEDICAL_STUDENT = "medical_student", "Medical student"
    PREMED = "premed", "Pre-med (college) student"
    HIGH_SCHOOL = "high_school", "High-school student"
    HEALTH_PROFESSIONAL = "health_professional", "Other health professional"


# Roles that can be verified as physicians, and so may become mentors.
CLINICIAN_ROLES = frozenset({Role.PHYSICIAN, Role.RESIDENT})
STUDENT_ROLES = frozenset({Role.MEDICAL_STUDENT, Role.PREMED, Role.HIGH_SCHOOL})


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Not verified"
    PENDING = "pending", "Pending review"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Everyone, including visitors who are not signed in"
    MEMBERS = "members", "Signed-in members only"


class Theme(models.TextChoices):
    SYSTEM = "system", "As my device is set"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


# A member with only a birth year is taken to be as young as it allows (born on 31
# December), so they count as an adult from 1 January of the year they turn ADULT_AGE + 1.
ADULT_FROM_YEARS_AFTER_BIRTH = ADULT_AGE + 1
# "Minor until" for a high-school student who gave no birth year: until their role or
# birth year changes, whatever the date.
MINOR_WITHOUT_END = datetime.date.max


def age_today() -> datetime.date:
    """The day the minors rule is read on: today in UTC, the day of `timezone.now()`."""
    return timezone.now().date()


def minor_until_of(
    *, birth_year: int | None, role: str, today: datetime.date | None = None
) -> datetime.date | None:
    """The first day a member of this birth year and role counts as an adult, if they are
    a minor on `today` (MINOR_WITHOUT_END for a high-school student without a birth year);
    None for an adult.

    The one place that decides who is a minor and until when: `User.is_minor` asks it,
    `minor_condition` says the same in SQL on the members table, and every post and comment
    keeps a copy of its author's (`author_minor_until`, kept by posts.authors), which
    visitors' reads filter on (`minors_writing_shown_to`).
    """
    day = today if today is not None else age_today()
    if birth_year is None:
        return MINOR_WITHOUT_END if role == Role.HIGH_SCHOOL else None
    first_adult_year = birth_year + ADULT_FROM_YEARS_AFTER_BIRTH
    if first_adult_year > datetime.MAXYEAR:
        return MINOR_WITHOUT_END
    first_adult_day = datetime.date(first_adult_year, 1, 1)
    return first_adult_day if first_adult_day > day else None


def minor_condition(today_year: int | None = None) -> models.Q:
    """`minor_until_of` in SQL, on the members table: born after the birth years that are
    adult this year, or a high-school student whose birth year we do not know."""
    year = today_year if today_year is not None else age_today().year
    return models.Q(birth_year__gt=year - ADULT_FROM_YEARS_AFTER_BIRTH) | models.Q(
        birth_year__isnull=True, role=Role.HIGH_SCHOOL
    )


def sees_every_minor(viewer: User | AnonymousUser) -> bool:
    """Whether `viewer` may see minors' profiles, posts and comments: only members who
    confirmed an email address (an unconfirmed account could be anyone's). Profiles
    (`UserQuerySet.minors_hidden_from`) and posts and comments (`minors_writing_shown_to`)
    both ask it."""
    return viewer.is_authenticated and has_confirmed_email(viewer)


def not_by_a_minor(today: datetime.date | None = None) -> models.Q:
    """Posts or comments whose author is not a minor on `today`, read from the copy of the
    author's `User.minor_until` the row carries (`author_minor_until`): NULL for an adult,
    else the day they become one, so a row shows from that day with nothing to update."""
    day = today if today is not None else age_today()
    return models.Q(author_minor_until__isnull=True) | models.Q(author_minor_until__lte=day)


def minors_writing_shown_to(
    viewer: User | AnonymousUser, *, today: datetime.date | None = None
) -> models.Q | None:
    """Which posts or comments `viewer` may read as far as the minors rule goes, as a
    condition on the row's `author_minor_until` and `author`, or None when they may read
    every minor's. Visitors and unconfirmed members read no minor's writing but their own,
    as `minors_hidden_from` hides minors' profiles; the condition reads only the row, so
    their lists use the same indexes as members' (no look at the members table)."""
    if sees_every_minor(viewer):
        return None
    return minors_writing_or_own(viewer.pk if viewer.is_authenticated else None, today)


def minors_writing_or_own(member_id: int | None, today: datetime.date | None = None) -> models.Q:
    """The condition `minors_writing_shown_to` gives a reader who may not read every minor's
    writing: rows not by a minor on `today`, and the reader's own (`member_id`; None for a
    visitor)."""
    shown = not_by_a_minor(today)
    return shown | models.Q(author=member_id) if member_id is not None else shown


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, viewer: User | AnonymousUser) -> UserQuerySet:
        """Members whose profile `viewer` may see: the one place profile privacy lives.

        Visitors see active members with public profiles who are not minors (minors' profiles
        are members-only whatever they chose). Members see every active member except those
        walled off by a block in either direction, and minors only once they have confirmed
        their email address (`minors_hidden_from`). Everyone sees themselves.
        """
        active = self.filter(is_active=True)
        if not viewer.is_authenticated:
            return active.filter(profile_visibility=Visibility.PUBLIC).exclude(minor_condition())
        hidden_minors = User.objects.minors_hidden_from(viewer)
        if hidden_minors is not None:
            active = active.exclude(pk__in=hidden_minors.values("pk"))
        # One EXISTS per side of the wall (`wall_sides`), each served by its own index.
        for side in wall_sides(viewer, models.OuterRef("pk")):
            active = active.exclude(models.Exists(Block.objects.filter(side)))
        return active

    def minors(self) -> UserQuerySet:
        return self.filter(minor_condition())

    def minors_hidden_from(self, viewer: User | AnonymousUser) -> UserQuerySet | None:
        """The minors `viewer` may not see, or None when they may see every minor. A minor's
        profile, posts and comments are for members who confirmed their email address
        (`sees_every_minor`); visitors and unconfirmed members see none but themselves.
        Profiles (`visible_to`) ask it; posts and comments ask `minors_writing_shown_to`,
        the same rule on the copy of their author's age they carry."""
        if sees_every_minor(viewer):
            return None
        minors = self.minors()
        return minors.exclude(pk=viewer.pk) if viewer.is_authenticated else minors


def has_confirmed_email(member: User) -> bool:
    """Whether `member` has confirmed an email address. Read with the member on read-only
    requests (accounts.backends); asked of the database otherwise, once per instance."""
    if member.has_verified_email is None:
        # Imported here: allauth's models refer back to this app's User.
        from allauth.account.models import EmailAddress

        member.has_verified_email = EmailAddress.objects.filter(user=member, verified=True).exists()
    return bool(member.has_verified_email)


# A base built by `from_queryset` is dynamic to the type checker; the Django plugin still gives
# the manager the queryset's methods.
class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


FOLLOW_COUNT_FIELDS = ("follower_count", "following_count")


class User(AbstractBaseUser, PermissionsMixin):
    """A member. Email is the login identifier; the handle is the public one.

    Fields shown beside every post and comment (name, handle, role, badge, avatar) live on
    this row so that lists need a single join to render their authors.
    """

    # Whether the member confirmed an email address, once known: read with the member on
    # read-only requests (accounts.backends), else by has_confirmed_email, once per instance.
    has_verified_email: bool | None = None

    # Stored lowercased (the manager and the forms normalise), so plain uniqueness suffices.
    email = models.EmailField("email address", max_length=254, unique=True)
    handle = models.SlugField(max_length=30, unique=True)
    display_name = models.CharField(max_length=80)
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.PREMED)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    verification_status = models.CharField(
        max_length=12, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )

    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(
        null=True, blank=True, help_text="Empty with a suspension date means indefinitely."
    )
    suspension_reason = models.TextField(blank=True)

    # Square WebP thumbnails made by community.images; the uploaded original is never kept.
    avatar_small = models.FileField(upload_to="avatars/", blank=True, max_length=200)
    avatar_large = models.FileField(upload_to="avatars/", blank=True, max_length=200)

    # The long profile. Kept on this row so a profile page is one query and every app can
    # read specialty or languages without a join; lists only ever load the columns above.
    profile_visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    training_stage = models.CharField(max_length=80, blank=True)
    specialty = models.CharField(
        max_length=40, blank=True, help_text="A slug from accounts.specialties."
    )
    institution = models.CharField(max_length=120, blank=True)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    languages = models.JSONField(default=list, blank=True)
    country = CountryField(blank=True)
    region = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    bio = models.TextField(blank=True)
    bio_html = models.TextField(blank=True, editable=False)
    website = models.URLField(max_length=200, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True)
    interests = models.JSONField(default=list, blank=True)
    # The colours the site shows this member in (base.html writes <html data-theme>);
    # "system" follows the device's light or dark setting.
    theme = models.CharField(max_length=6, choices=Theme.choices, default=Theme.SYSTEM)
    # Kept by accounts.services whenever a follow starts or ends (recount_follows rebuilds
    # them from the rows): the profile shows them without counting a star's followers.
    follower_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    following_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        indexes = [
            # The members mentor suggestions may list (mentoring MentorProfile.listed):
            # active, verified clinicians, with what the suspension test reads. Matching
            # joins a few thousand mentor profiles to it by an index-only scan instead of
            # reading each member's row (BENCHMARKS.md, step 26).
            models.Index(
                fields=["id"],
                include=["suspended_at", "suspended_until"],
                condition=Q(
                    is_active=True,
                    verification_status=VerificationStatus.VERIFIED,
                    role__in=sorted(CLINICIAN_ROLES),
                ),
                name="user_listed_clinician_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} (@{self.handle})"

    def save(self, **kwargs: Any) -> None:
        """Saving a member never writes their follow counts back: only the follow services
        move them, by SQL, and a copy read earlier in a request would undo a follow that
        happened meanwhile."""
        super().save(**save_kwargs_without_counters(self, FOLLOW_COUNT_FIELDS, kwargs))

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"handle": self.handle})

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def minor_until(self) -> datetime.date | None:
        """The first day the member counts as an adult, if they are a minor today
        (`minor_until_of`); None for an adult."""
        return minor_until_of(birth_year=self.birth_year, role=self.role)

    @property
    def is_minor(self) -> bool:
        """Under 18, or possibly so: with only a birth year we assume the younger age."""
        return self.minor_until is not None

    @property
    def is_suspended(self) -> bool:
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > timezone.now()

    @property
    def is_clinician(self) -> bool:
        return self.role in CLINICIAN_ROLES

    @property
    def specialty_name(self) -> str:
        return specialty_label(self.specialty)

    @property
    def byline_values(self) -> tuple[object, ...]:
        """Everything `accounts/_byline.html` shows of the member: the key under which a
        byline, or a card that shows one, is reused (community.perf.fragments)."""
        return (
            self.pk,
            self.display_name,
            self.handle,
            self.role,
            self.verification_status,
            self.is_active,
            self.avatar_small.name,
            self.avatar_large.name,
        )

    @property
    def initials(self) -> str:
        """Shown in place of an avatar: up to two letters of the display name."""
        words = [word for word in self.display_name.replace("Dr.", "").split() if word]
        return "".join(word[0] for word in words[:2]).upper() or "?"

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")), name="follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["followee", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class Mute(models.Model):
    """The muter no longer sees the muted member's posts in feeds; nothing else changes."""

    muter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muting_set")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_by_set")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_unique"),
            models.CheckConstraint(
                condition=~models.Q(muter=models.F("muted")), name="mute_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


# The block rule, written once: a Block row walls its two members off from each other,
# whichever of them blocked. Each pair names a member's side of the row and the other
# member's side. `wall_sides` and `wall_between` build the ORM's conditions from it, and
# accounts.selectors.WalledOffIds the raw SQL that lists a member's walls (kept raw for
# speed: it is read with the member on every request, accounts.backends).
WALL_SIDES: tuple[tuple[str, str], ...] = (("blocker", "blocked"), ("blocked", "blocker"))


def wall_sides(member: Any, other: Any) -> list[Q]:
    """A wall between `member` and `other` (members, ids or OuterRef), one condition per
    side, for callers that want one EXISTS per side (each side has its own index)."""
    return [Q(**{mine: member, theirs: other}) for mine, theirs in WALL_SIDES]


def wall_between(member: Any, other: Any) -> Q:
    """Block rows walling `member` and `other` off from each other: either side of the wall."""
    return functools.reduce(operator.or_, wall_sides(member, other))


def walls_around(member: Any) -> Q:
    """Every Block row `member` stands on, either side."""
    return functools.reduce(operator.or_, (Q(**{mine: member}) for mine, _ in WALL_SIDES))


class Block(models.Model):
    """A wall in both directions: neither side sees or reaches the other (`WALL_SIDES`)."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocking_set")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by_set")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"])]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class RetiredHandle(models.Model):
    """A handle that no new member may take: links and mentions made with it keep meaning
    the member who held it.

    A handle retires when its member deletes their account (`former_member` then empty) or
    changes to another handle (`former_member` is them, and only they may take it back).
    Stored lowercased, like every handle; the constraint holds whatever the case.
    """

    handle = models.CharField(max_length=30)
    former_member = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="retired_handles"
    )
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="retired_handle_unique_lower"),
        ]

    def __str__(self) -> str:
        return f"@{self.handle} (retired)"


class VerificationMethod(models.TextChoices):
    NPI = "npi", "US National Provider Identifier (NPI)"
    LICENCE = "licence", "Medical licence outside the US"


def verification_document_path(instance: VerificationRequest, filename: str) -> str:
    # A random name: the member's file name can carry personal details, and is not needed.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"verification/{uuid.uuid4().hex}{suffix}"


class VerificationRequest(models.Model):
    """A physician's or resident's request to be verified, with its supporting document.

    The document lives in the private storage and is served only by a permission-checked
    view. `User.verification_status` mirrors the latest request; services keep them in step.
    """

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_requests")
    method = models.CharField(max_length=10, choices=VerificationMethod.choices)
    npi = models.CharField("NPI", max_length=10, blank=True)
    licence_body = models.CharField("licensing body", max_length=160, blank=True)
    licence_number = models.CharField("licence number", max_length=60, blank=True)
    country = CountryField(blank=True)
    document = models.FileField(
        storage=get_private_storage, upload_to=verification_document_path, max_length=200
    )
    document_content_type = models.CharField(max_length=40)
    status = models.CharField(
        max_length=12,
        choices=[
            (VerificationStatus.PENDING, VerificationStatus.PENDING.label),
            (VerificationStatus.VERIFIED, VerificationStatus.VERIFIED.label),
            (VerificationStatus.REJECTED, VerificationStatus.REJECTED.label),
        ],
        default=VerificationStatus.PENDING,
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected; the member sees this.")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="verification_one_pending_per_member",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(method="npi", npi__regex=r"^[0-9]{10}$")
                    | models.Q(method="licence") & ~models.Q(licence_number="")
                ),
                name="verification_has_identifier",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Verification of {self.member_id} ({self.status})"

    @property
    def identifier(self) -> str:
        if self.method == VerificationMethod.NPI:
            return f"NPI {self.npi}"
        return f"{self.licence_body} licence {self.licence_number}"


# What a byline shows of a member (`User.byline_values`, accounts/_byline.html).
BYLINE_FIELDS = frozenset(
    {
        "display_name",
        "handle",
        "role",
        "verification_status",
        "is_active",
        "avatar_small",
        "avatar_large",
    }
)


def byline_fields(relation: str) -> tuple[str, ...]:
    """The member columns under `relation` that a byline shows, for `only()`."""
    return tuple(f"{relation}__{name}" for name in sorted(BYLINE_FIELDS))


@functools.cache
def non_byline_fields(relation: str) -> tuple[str, ...]:
    """The member columns under `relation` that no byline shows, for `defer()`: where a
    list reads members only for their bylines (post cards, comments, mentor cards), the
    other thirty columns of each row (the password hash, the profile's text) stay in the
    database. Worked out once per relation: the model's fields do not change."""
    return tuple(
        f"{relation}__{field.name}"
        for field in User._meta.concrete_fields
        if not field.primary_key and field.name not in BYLINE_FIELDS
    )
