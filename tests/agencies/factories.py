"""Factories for agencies, people and buildings; they go through the services like real callers."""

import factory
from django.contrib.auth import get_user_model

from access.actors import SYSTEM
from agencies import services
from agencies.models import Agency, AgencyKind, Facility, FacilityKind, Membership, Role

User = get_user_model()
PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def persist_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = AgencyKind.POLICE
    jurisdiction = "Example County"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.agency_create(actor=SYSTEM, **kwargs)


def member(agency: Agency, role: str = Role.MEMBER, **user_kwargs) -> User:
    """A new user with a role in `agency`."""
    user = UserFactory(**user_kwargs)
    services.membership_add(agency=agency, user=user, role=role, actor=SYSTEM)
    return user


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"School {n}")
    kind = FacilityKind.HIGH_SCHOOL
    owner_agency = factory.SubFactory(AgencyFactory, kind=AgencyKind.SCHOOL_DISTRICT)
    address = factory.Sequence(lambda n: f"{n} Main Street")


__all__ = ["PASSWORD", "AgencyFactory", "FacilityFactory", "Membership", "UserFactory", "member"]
