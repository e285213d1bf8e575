import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases.models import Employer
from staff.models import Department, Municipality, StaffMember, Team

PASSWORD = "test-password-123"


def valid_cvr(n: int) -> str:
    """The n-th CVR number (from 2000000x upwards) that passes the modulus-11 check."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    base = 2000000 + 2 * n
    while True:
        check = -sum(int(d) * w for d, w in zip(str(base), weights, strict=True)) % 11
        if check < 10:
            return f"{base}{check}"
        base += 1


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    code = 657
    name = "Herning Kommune"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Afdeling {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    email = factory.LazyAttribute(lambda u: f"{u.username}@jobcenter.example.dk")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            # get_or_create: transactional (browser) tests flush the groups the data migration made
            self.groups.add(Group.objects.get_or_create(name=role)[0])
        self.save()


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    base_postcode = "7400"


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer
        django_get_or_create = ["cvr"]

    cvr = factory.Sequence(valid_cvr)
    name = factory.Sequence(lambda n: f"Virksomhed {n} ApS")
    address = "Industrivej 1"
    postcode = "7400"
    town = "Herning"
    municipality = "Herning Kommune"
