"""factory_boy factories. They build rows directly (fixtures for tests); the code under test
writes through the services."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import User

from cases.models import Appeal, Case, Court, Hearing, Jurisdiction, Membership, Organization, Party, Ruling
from reminders.models import Subscription


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Rights Group {n}")
    slug = factory.Sequence(lambda n: f"rights-group-{n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.LAWYER


class CourtFactory(factory.django.DjangoModelFactory[Court]):
    class Meta:
        model = Court

    name = factory.Sequence(lambda n: f"District Court No. {n}")
    jurisdiction = Jurisdiction.RUSSIA
    level = Court.Level.FIRST_INSTANCE
    city = "Moscow"
    time_zone = ZoneInfo("Europe/Moscow")


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    class Meta:
        model = Case

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Plaintiff {n} v. City")
    slug = factory.Sequence(lambda n: f"plaintiff-{n}-v-city")
    status = Case.Status.FILED
    filed_on = dt.date(2019, 10, 2)
    is_public = True


class PartyFactory(factory.django.DjangoModelFactory[Party]):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    role = Party.Role.PLAINTIFF
    name = factory.Sequence(lambda n: f"Person {n}")
    consent_to_publish = True


class HearingFactory(factory.django.DjangoModelFactory[Hearing]):
    class Meta:
        model = Hearing

    case = factory.SubFactory(CaseFactory)
    court = factory.SubFactory(CourtFactory)
    starts_at = dt.datetime(2019, 10, 21, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))


class RulingFactory(factory.django.DjangoModelFactory[Ruling]):
    class Meta:
        model = Ruling

    case = factory.SubFactory(CaseFactory)
    court = factory.SubFactory(CourtFactory)
    decided_on = dt.date(2019, 11, 6)
    outcome = Ruling.Outcome.DISMISSED


class AppealFactory(factory.django.DjangoModelFactory[Appeal]):
    class Meta:
        model = Appeal

    ruling = factory.SubFactory(RulingFactory)
    case = factory.LazyAttribute(lambda a: a.ruling.case)
    court = factory.SubFactory(CourtFactory, level=Court.Level.APPEAL)
    filed_on = dt.date(2019, 12, 1)


class SubscriptionFactory(factory.django.DjangoModelFactory[Subscription]):
    """A confirmed subscription (most tests start from one); pass confirmed_at=None for a pending one."""

    class Meta:
        model = Subscription

    case = factory.SubFactory(CaseFactory)
    email = factory.Sequence(lambda n: f"supporter{n}@example.net")
    language = "en"
    time_zone = ZoneInfo("Europe/Berlin")
    confirmed_at = dt.datetime(2019, 10, 1, 12, 0, tzinfo=dt.UTC)


# Words no outsider may read in a case built by `case_naming_hidden_party`: every word form of
# "Петров" contains "петров", and "petrov" every Latin one (checked case-insensitively).
HIDDEN_NAME_STEMS = ("petrov", "петров")


def case_naming_hidden_party(**case_fields):  # type: ignore[no-untyped-def]
    """A public case whose texts name Ivan Petrov, who has not consented to publication, in both
    languages and in several Russian cases (Петров, Петрова, Петрову, Ивана Петрова, Петров И. И.):
    in the title, summary, claims, a public timeline fact, a hearing's outcome, a ruling's summary
    and an appeal's grounds. His alias: "Witness A" / "Свидетель А". A future hearing too."""
    from cases.models import CaseEvent

    fields = {
        "title": "Petrov v. Russia",
        "title_ru": "Петров против России",
        "slug": "case-of-a-witness",
        "summary": "Ivan Petrov was filmed at a rally; Petrov's face was matched.",
        "summary_ru": "Ивана Петрова сняли на митинге; лицо Петрова распознали.",
        "claims": "Petrov asks for the data to be deleted.",
        "claims_ru": "Петров И. И. просит удалить данные.",
        **case_fields,
    }
    case = CaseFactory(**fields)
    party = PartyFactory(
        case=case,
        name="Ivan Petrov",
        name_ru="Иван Петров",
        alias="Witness A",
        alias_ru="Свидетель А",
        consent_to_publish=False,
        description="Petrov is a teacher",
        description_ru="Петров — учитель",
    )
    PartyFactory(case=case, role="defendant", name="Ministry of the Interior", name_ru="МВД России")
    CaseEvent.objects.create(
        case=case,
        occurred_on=dt.date(2019, 8, 29),
        title="Petrov detained",
        title_ru="Петрова задержали",
        description="Police took Petrov away.",
        description_ru="Полиция увезла Петрова.",
        is_public=True,
    )
    court = CourtFactory(name="Savyolovsky District Court", name_ru="Савёловский районный суд")
    HearingFactory(
        case=case,
        court=court,
        status=Hearing.Status.HELD,
        outcome_notes="Petrov testified.",
        outcome_notes_ru="Петров дал показания.",
    )
    HearingFactory(case=case, court=court, starts_at=dt.datetime(2031, 3, 4, 10, 0, tzinfo=ZoneInfo("Europe/Moscow")))
    ruling = RulingFactory(
        case=case, court=court, summary="The court dismissed Petrov's claim.", summary_ru="Суд отказал Петрову."
    )
    AppealFactory(
        case=case,
        ruling=ruling,
        grounds="Ivan Petrov appeals.",
        grounds_ru="Иван Петров обжалует решение.",
        court=CourtFactory(name="Moscow City Court", name_ru="Московский городской суд", level=Court.Level.APPEAL),
    )
    return case, party
