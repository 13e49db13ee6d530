"""Members and the relations between them (follow, mute, block)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone

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


class UserManager(BaseUserManager["User"]):
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


class User(AbstractBaseUser, PermissionsMixin):
    """A member. Email is the login identifier; the handle is the public one.

    Fields shown beside every post and comment (name, handle, role, badge, avatar) live on
    this row so that lists need a single join to render their authors.
    """

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

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return f"{self.display_name} (@{self.handle})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"handle": self.handle})

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def is_minor(self) -> bool:
        """Under 18, or possibly so: with only a birth year we assume the younger age."""
        if self.birth_year is None:
            return self.role == Role.HIGH_SCHOOL
        return timezone.now().year - self.birth_year - 1 < ADULT_AGE

    @property
    def is_suspended(self) -> bool:
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > timezone.now()

    @property
    def is_clinician(self) -> bool:
        return self.role in CLINICIAN_ROLES


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


class Block(models.Model):
    """A wall in both directions: neither side sees or reaches the other."""

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
