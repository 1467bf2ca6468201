"""The demo data: four real privacy cases, from ../shared/domain/demo-cases.md.

Only reported facts are recorded. Unknown dates stay empty, unconfirmed facts are marked as such
on the record, and no docket number or date is invented. Loading is idempotent: each record is
looked up by its natural key first, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from cases import services
from cases.models import Appeal, Case, CaseEvent, Court, Hearing, Jurisdiction, Membership, Organization, Party, Ruling

DEMO_ORGANIZATION = "Digital Rights Litigation Desk (demo)"
# Demo accounts, printed by `seed_demo` and `make run`. Local use only: the command refuses to
# create them when DEBUG is off unless told to.
DEMO_ACCOUNTS = [
    # username, password, role in the demo organization, superuser
    ("admin", "admin-demo-2019", Membership.Role.OWNER, True),
    ("lawyer", "lawyer-demo-2019", Membership.Role.LAWYER, False),
    ("viewer", "viewer-demo-2019", Membership.Role.VIEWER, False),
]
LAWYERS_GROUP = "Lawyers"
VIEWERS_GROUP = "Viewers"

MOSCOW = ZoneInfo("Europe/Moscow")
D = dt.date

COURTS: list[dict[str, Any]] = [
    # Listed top-down so that `appeals_to` already exists when a lower court is created.
    dict(
        key="ecthr",
        name="European Court of Human Rights",
        name_local="Cour européenne des droits de l'homme",
        jurisdiction=Jurisdiction.ECHR,
        level=Court.Level.INTERNATIONAL,
        city="Strasbourg",
        address="Allée des Droits de l'Homme, 67075 Strasbourg",
        time_zone="Europe/Paris",
    ),
    dict(
        key="ru-supreme",
        name="Supreme Court of the Russian Federation",
        name_local="Верховный суд Российской Федерации",
        jurisdiction=Jurisdiction.RUSSIA,
        level=Court.Level.SUPREME,
        city="Moscow",
        time_zone="Europe/Moscow",
    ),
    dict(
        key="ru-2cass",
        name="Second Cassation Court of General Jurisdiction",
        name_local="Второй кассационный суд общей юрисдикции",
        jurisdiction=Jurisdiction.RUSSIA,
        level=Court.Level.CASSATION,
        city="Moscow",
        time_zone="Europe/Moscow",
        appeals_to="ru-supreme",
    ),
    dict(
        key="mos-city",
        name="Moscow City Court",
        name_local="Московский городской суд",
        jurisdiction=Jurisdiction.RUSSIA,
        level=Court.Level.APPEAL,
        city="Moscow",
        time_zone="Europe/Moscow",
        appeals_to="ru-2cass",
    ),
    dict(
        key="savyolovsky",
        name="Savyolovsky District Court of Moscow",
        name_local="Савёловский районный суд г. Москвы",
        jurisdiction=Jurisdiction.RUSSIA,
        level=Court.Level.FIRST_INSTANCE,
        city="Moscow",
        time_zone="Europe/Moscow",
        appeals_to="mos-city",
    ),
    dict(
        key="tverskoy",
        name="Tverskoy District Court of Moscow",
        name_local="Тверской районный суд г. Москвы",
        jurisdiction=Jurisdiction.RUSSIA,
        level=Court.Level.FIRST_INSTANCE,
        city="Moscow",
        time_zone="Europe/Moscow",
        appeals_to="mos-city",
    ),
    dict(
        key="meshchansky",
        name="Meshchansky District Court of Moscow",
        name_local="Мещанский районный суд г. Москвы",
        jurisdiction=Jurisdiction.RUSSIA,
        level=Court.Level.FIRST_INSTANCE,
        city="Moscow",
        time_zone="Europe/Moscow",
        appeals_to="mos-city",
    ),
    dict(
        key="moscow-unidentified",
        name="Moscow court (not identified in reports)",
        jurisdiction=Jurisdiction.RUSSIA,
        level=Court.Level.FIRST_INSTANCE,
        city="Moscow",
        time_zone="Europe/Moscow",
    ),
    dict(
        key="ewca",
        name="Court of Appeal (Civil Division)",
        jurisdiction=Jurisdiction.ENGLAND_WALES,
        level=Court.Level.APPEAL,
        city="London",
        address="Royal Courts of Justice, Strand, London WC2A 2LL",
        time_zone="Europe/London",
    ),
    dict(
        key="ewhc-admin",
        name="High Court, Divisional Court (Administrative Court)",
        jurisdiction=Jurisdiction.ENGLAND_WALES,
        level=Court.Level.FIRST_INSTANCE,
        city="Cardiff",
        time_zone="Europe/London",
        appeals_to="ewca",
    ),
    dict(
        key="cook",
        name="Circuit Court of Cook County, Illinois",
        jurisdiction=Jurisdiction.US_ILLINOIS,
        level=Court.Level.FIRST_INSTANCE,
        city="Chicago",
        time_zone="America/Chicago",
    ),
]


def _courts() -> dict[str, Court]:
    courts: dict[str, Court] = {}
    for spec in COURTS:
        fields = {k: v for k, v in spec.items() if k != "key"}
        if "appeals_to" in fields:
            fields["appeals_to"] = courts[fields["appeals_to"]]
        if fields["jurisdiction"] == "ru" and fields.get("name_local"):
            fields.setdefault("name_ru", fields["name_local"])  # as migration 0003 does for existing courts
        court = Court.objects.filter(name=fields["name"], jurisdiction=fields["jurisdiction"]).first()
        courts[spec["key"]] = court or services.court_create(**fields)
    return courts


def _accounts(organization: Organization) -> None:
    User = get_user_model()
    lawyers, _ = Group.objects.get_or_create(name=LAWYERS_GROUP)
    viewers, _ = Group.objects.get_or_create(name=VIEWERS_GROUP)
    case_perms = Permission.objects.filter(content_type__app_label__in=["cases", "deadlines", "documents"])
    if not lawyers.permissions.exists():
        lawyers.permissions.set(
            case_perms.exclude(codename__endswith="organization").exclude(codename__endswith="membership")
        )
    if not viewers.permissions.exists():
        viewers.permissions.set(case_perms.filter(codename__startswith="view_"))
    for username, password, role, is_superuser in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(
            username=username,
            password=password,
            email=f"{username}@example.org",
            is_staff=True,
            is_superuser=is_superuser,
        )
        user.groups.add(lawyers if role != Membership.Role.VIEWER else viewers)
        services.membership_set(organization=organization, user=user, role=role)


def _case(organization: Organization, slug: str, *, tags: list[str], **fields: Any) -> tuple[Case, bool]:
    existing = Case.objects.filter(slug=slug).first()
    if existing:
        return existing, False
    return services.case_create(organization=organization, slug=slug, tags=tags, **fields), True


def _popova(org: Organization, c: dict[str, Court]) -> None:
    case, created = _case(
        org,
        "popova-v-moscow",
        title="Popova v. Moscow (facial recognition at protests)",
        tags=["facial recognition", "protest", "CCTV"],
        proceeding=Case.Proceeding.ADMINISTRATIVE,
        status=Case.Status.FILED,
        is_public=True,
        filed_on=D(2019, 10, 2),
        summary=(
            'Alena Popova, a women\'s-rights campaigner and founder of the think tank "Ethics and Technology", '
            "was fined after a picket outside the State Duma in April 2018; she says facial recognition "
            "identified her. She challenged Moscow's use of facial recognition on its CCTV network."
        ),
        claims="Suspend the use of facial recognition on Moscow's CCTV cameras.",
        legal_basis="Federal Law 152-FZ on personal data; Constitution of the Russian Federation arts. 23-24; ECHR art. 8; claim under the Code of Administrative Procedure (KAS RF).",
        sources="Press reports (2019-2020); court press office statement of 6 November 2019.",
        notes="Context: Moscow ran facial recognition on 1,500 CCTV cameras in 2017 and aimed to equip 40% of its 162,000 cameras by the end of 2019.",
    )
    if not created:
        return
    plaintiff = services.party_add(
        case=case,
        role=Party.Role.PLAINTIFF,
        kind=Party.Kind.PERSON,
        name="Alena Popova",
        consent_to_publish=True,
        description='Women\'s-rights campaigner; founder of the think tank "Ethics and Technology"',
    )
    services.party_add(
        case=case,
        role=Party.Role.REPRESENTATIVE,
        kind=Party.Kind.PERSON,
        name="Sarkis Darbinyan",
        consent_to_publish=True,
        represents=plaintiff,
        description="Lawyer, Roskomsvoboda (per press reports)",
        notes="Named in press reports; not confirmed from court records.",
    )
    services.party_add(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name="Moscow Department of Information Technology",
        consent_to_publish=True,
    )
    services.party_add(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name="Moscow directorate of the Ministry of Internal Affairs",
        consent_to_publish=True,
    )
    services.party_add(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name="Roskomnadzor",
        consent_to_publish=True,
        description="Named as a defendant by one outlet only; not confirmed.",
    )
    services.case_event_add(
        case=case,
        occurred_on=D(2018, 4, 1),
        precision=CaseEvent.Precision.MONTH,
        title="Picket outside the State Duma",
        description="Popova protests outside the State Duma; she says facial recognition identified her.",
        source="Press reports",
    )
    services.case_event_add(
        case=case,
        occurred_on=D(2018, 1, 1),
        precision=CaseEvent.Precision.YEAR,
        title="Fined 20,000 RUB by the Tverskoy District Court",
        description="Fined 20,000 RUB (reported as about $310) for violating the rules on public gatherings. Exact date not found.",
        source="Press reports",
    )
    services.case_event_add(
        case=case,
        occurred_on=D(2019, 10, 2),
        title="Administrative claim registered at the Savyolovsky District Court",
        source="Press reports",
    )
    services.hearing_schedule(
        case=case,
        court=c["savyolovsky"],
        starts_at=dt.datetime(2019, 10, 21, tzinfo=MOSCOW),
        time_to_be_confirmed=True,
        kind=Hearing.Kind.MERITS,
        status=Hearing.Status.HELD,
        notes="Court appearance reported by one source only; the time was not reported.",
    )
    ruling = services.ruling_record(
        case=case,
        court=c["savyolovsky"],
        decided_on=D(2019, 11, 6),
        judge="Marina Ivanova",
        outcome=Ruling.Outcome.DISMISSED,
        summary="The claim was dismissed.",
        notes="Date of the decision in final form: not found.",
    )
    services.appeal_file(
        case=case,
        ruling=ruling,
        appellant=plaintiff,
        court=c["mos-city"],
        kind=Appeal.Kind.APPEAL,
        status=Appeal.Status.PLANNED,
        notes=(
            "The court's press office said an appeal lay to the Moscow City Court within one month of the "
            "decision in final form (KAS RF art. 298). Popova said she would go to higher and international "
            "courts if she lost. Filing not confirmed."
        ),
    )


def _popova_milov(org: Organization, c: dict[str, Court]) -> None:
    case, created = _case(
        org,
        "popova-milov-v-moscow",
        title="Popova and Milov v. Moscow (cameras in metal-detector frames)",
        tags=["facial recognition", "protest"],
        proceeding=Case.Proceeding.ADMINISTRATIVE,
        status=Case.Status.PENDING,
        is_public=True,
        summary="Alena Popova and Vladimir Milov challenged the cameras in the metal-detector frames at the 29 September 2019 rally.",
        legal_basis="Federal Law 152-FZ; Constitution arts. 23-24; ECHR art. 8.",
        sources="Press reports (2020).",
        notes="Filing date and the first-instance court are not named in the sources.",
    )
    if not created:
        return
    popova = services.party_add(case=case, role=Party.Role.PLAINTIFF, name="Alena Popova", consent_to_publish=True)
    services.party_add(case=case, role=Party.Role.PLAINTIFF, name="Vladimir Milov", consent_to_publish=True)
    for lawyer in ("Kirill Koroteev", "Valentina Frolova"):
        services.party_add(
            case=case,
            role=Party.Role.REPRESENTATIVE,
            name=lawyer,
            consent_to_publish=True,
            represents=popova,
            description="Lawyer, Agora (ECtHR application)",
        )
    services.case_event_add(
        case=case,
        occurred_on=D(2019, 9, 29),
        title="Rally with cameras in the metal-detector frames",
        source="Press reports",
    )
    ruling = services.ruling_record(
        case=case,
        court=c["moscow-unidentified"],
        decided_on=D(2020, 3, 3),
        outcome=Ruling.Outcome.OTHER,
        summary="A Moscow court ruled against the plaintiffs. Reports differ: dismissal or termination of proceedings.",
        notes="The sources do not name the Moscow court that decided.",
    )
    services.appeal_file(
        case=case,
        ruling=ruling,
        court=c["ecthr"],
        kind=Appeal.Kind.INTERNATIONAL,
        status=Appeal.Status.FILED,
        notes="Application by Milov and Popova reported on 6 July 2020. Application number and lodging date: not found.",
    )


def _glukhin(org: Organization, c: dict[str, Court]) -> None:
    case, created = _case(
        org,
        "glukhin-v-russia",
        title="Glukhin v. Russia",
        tags=["facial recognition", "protest", "ECtHR"],
        proceeding=Case.Proceeding.INTERNATIONAL,
        status=Case.Status.FILED,
        is_public=True,
        filed_on=D(2020, 1, 31),
        summary="The first judgment of the European Court of Human Rights on facial recognition: Moscow police used it to identify and arrest Nikolay Glukhin after a solo picket in the metro.",
        legal_basis="ECHR arts. 8 and 10.",
        sources="ECtHR judgment of 4 July 2023, application no. 11519/20.",
    )
    if not created:
        return
    services.docket_set(case=case, court=c["ecthr"], number="11519/20")
    services.party_add(case=case, role=Party.Role.PLAINTIFF, name="Nikolay Glukhin", consent_to_publish=True)
    services.party_add(
        case=case, role=Party.Role.DEFENDANT, kind=Party.Kind.ORGANIZATION, name="Russia", consent_to_publish=True
    )
    services.case_event_add(
        case=case,
        occurred_on=D(2019, 1, 1),
        precision=CaseEvent.Precision.YEAR,
        title="Fined 20,000 RUB by the Meshchansky District Court",
        description="Fined for a solo picket in the Moscow metro; his appeal failed. Exact dates not found.",
        source="ECtHR judgment",
    )
    services.case_event_add(case=case, occurred_on=D(2020, 1, 31), title="Application lodged with the ECtHR")
    services.case_event_add(case=case, occurred_on=D(2021, 6, 23), title="Application communicated to the Government")
    services.ruling_record(
        case=case,
        court=c["ecthr"],
        decided_on=D(2023, 7, 4),
        outcome=Ruling.Outcome.VIOLATION,
        summary="Third Section: violations of Article 8 and Article 10.",
        in_force=True,
        in_force_on=D(2023, 10, 4),
    )
    case.refresh_from_db()
    services.case_update(case=case, status=Case.Status.CLOSED, outcome=Case.Outcome.WON)


def _bridges(org: Organization, c: dict[str, Court]) -> None:
    case, created = _case(
        org,
        "bridges-v-south-wales-police",
        title="R (Bridges) v Chief Constable of South Wales Police",
        tags=["facial recognition", "police"],
        proceeding=Case.Proceeding.JUDICIAL_REVIEW,
        status=Case.Status.PENDING,
        is_public=True,
        summary="Challenge to South Wales Police's use of live automated facial recognition.",
        legal_basis="ECHR art. 8 (Human Rights Act 1998); Data Protection Act 2018; public-sector equality duty (Equality Act 2010 s. 149).",
        sources="[2019] EWHC 2341 (Admin); [2020] EWCA Civ 1058.",
    )
    if not created:
        return
    claimant = services.party_add(case=case, role=Party.Role.PLAINTIFF, name="Edward Bridges", consent_to_publish=True)
    services.party_add(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name="Chief Constable of South Wales Police",
        consent_to_publish=True,
    )
    first = services.ruling_record(
        case=case,
        court=c["ewhc-admin"],
        decided_on=D(2019, 9, 4),
        outcome=Ruling.Outcome.DISMISSED,
        citation="[2019] EWHC 2341 (Admin)",
        summary="The Divisional Court dismissed the claim.",
    )
    appeal = services.appeal_file(
        case=case,
        ruling=first,
        appellant=claimant,
        court=c["ewca"],
        kind=Appeal.Kind.APPEAL,
        status=Appeal.Status.FILED,
        notes="Filing date not found.",
    )
    second = services.ruling_record(
        case=case,
        court=c["ewca"],
        decided_on=D(2020, 8, 11),
        outcome=Ruling.Outcome.GRANTED,
        citation="[2020] EWCA Civ 1058",
        summary=(
            'Appeal allowed: live facial recognition use was not "in accordance with the law" (Art. 8), the data '
            "protection impact assessment was deficient, and the public-sector equality duty was breached; the "
            "proportionality ground failed."
        ),
    )
    services.appeal_decide(appeal=appeal, ruling=second)
    case.refresh_from_db()
    services.case_update(case=case, status=Case.Status.DECIDED)
    services.case_update(case=case, status=Case.Status.CLOSED, outcome=Case.Outcome.WON)


def _clearview(org: Organization, c: dict[str, Court]) -> None:
    case, created = _case(
        org,
        "aclu-v-clearview-ai",
        title="ACLU v. Clearview AI",
        tags=["facial recognition", "biometrics", "BIPA"],
        proceeding=Case.Proceeding.CIVIL,
        status=Case.Status.FILED,
        is_public=True,
        filed_on=D(2020, 5, 28),
        summary="Suit under the Illinois Biometric Information Privacy Act against Clearview AI's faceprint database.",
        legal_basis="Illinois Biometric Information Privacy Act (740 ILCS 14).",
        sources="Circuit Court of Cook County, No. 2020 CH 04353; ACLU press releases.",
    )
    if not created:
        return
    services.docket_set(case=case, court=c["cook"], number="2020 CH 04353")
    services.party_add(
        case=case,
        role=Party.Role.PLAINTIFF,
        kind=Party.Kind.ORGANIZATION,
        name="American Civil Liberties Union",
        consent_to_publish=True,
    )
    services.party_add(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name="Clearview AI, Inc.",
        consent_to_publish=True,
    )
    services.case_event_add(
        case=case,
        occurred_on=D(2021, 8, 1),
        precision=CaseEvent.Precision.MONTH,
        title="Motion to dismiss denied",
        source="Press reports",
    )
    services.case_event_add(
        case=case,
        occurred_on=D(2022, 5, 9),
        title="Settlement",
        description=(
            "Nationwide ban on selling the faceprint database to most private entities; a five-year ban for any "
            "entity in Illinois."
        ),
    )
    services.case_update(case=case, status=Case.Status.CLOSED, outcome=Case.Outcome.SETTLED)


@transaction.atomic
def demo_seed(*, with_accounts: bool = True) -> dict[str, int]:
    """Load the demo; returns how many records of each kind exist afterwards."""
    organization = Organization.objects.filter(name=DEMO_ORGANIZATION).first() or services.organization_create(
        name=DEMO_ORGANIZATION, slug="demo-desk"
    )
    if with_accounts:
        _accounts(organization)
    courts = _courts()
    for load in (_popova, _popova_milov, _glukhin, _bridges, _clearview):
        load(organization, courts)
    return {
        "cases": Case.objects.filter(organization=organization).count(),
        "courts": Court.objects.count(),
        "hearings": Hearing.objects.filter(case__organization=organization).count(),
        "rulings": Ruling.objects.filter(case__organization=organization).count(),
        "appeals": Appeal.objects.filter(case__organization=organization).count(),
    }
