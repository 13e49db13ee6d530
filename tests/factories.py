"""factory_boy factories. Every app's tests build their data from here."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from accounts.models import Role, User, VerificationStatus


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A member with a verified email address, able to take part."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    handle = factory.Sequence(lambda n: f"member{n}")
    # A declaration, which subclasses may replace by another kind (Sequence for Faker).
    display_name: factory.declarations.BaseDeclaration = factory.Faker("name")
    role = Role.PREMED
    birth_year = 2000
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def email_verified(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=extracted is not False
            )


class PhysicianFactory(UserFactory):
    role = Role.PHYSICIAN
    birth_year = 1980
    verification_status = VerificationStatus.VERIFIED
    display_name = factory.Sequence(lambda n: f"Dr. Physician {n}")


class ResidentFactory(PhysicianFactory):
    role = Role.RESIDENT
    birth_year = 1995


class HighSchoolStudentFactory(UserFactory):
    role = Role.HIGH_SCHOOL
    birth_year = 2011


class ModeratorFactory(PhysicianFactory):
    is_staff = True
