"""The demo data: four real privacy cases, from ../shared/domain/demo-cases.md.

Only reported facts are recorded. Unknown dates stay empty, unconfirmed facts are marked as such
on the record, and no docket number or date is invented. Loading is idempotent: each record is
looked up by its natural key first, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import hearings as hearing_actions
from actions import organizations as organization_actions
from actions import rulings as ruling_actions
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
REFERENCE_DATA_CODENAMES = ["add_court", "change_court", "delete_court", "change_tag", "delete_tag"]
VIEWERS_GROUP = "Viewers"

MOSCOW = ZoneInfo("Europe/Moscow")
D = dt.date


@dataclass(frozen=True)
class Both:
    """A demo text in English (the original: the facts file is in English) and in Russian, with the
    Russian names the facts file gives. Empty Russian: no translation (the reader gets the English,
    marked), e.g. English and American names the facts file gives no Russian form of."""

    en: str
    ru: str = ""


def _t(fields: dict[str, Any]) -> dict[str, Any]:
    """title=Both(en, ru) -> title_en=en, title_ru=ru, and the record's original language, English."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, Both):
            out[f"{name}_en"] = value.en
            out[f"{name}_ru"] = value.ru
            out["original_language"] = "en"
        else:
            out[name] = value
    return out


def _party(**fields: Any) -> Party:
    return services.party_add(**_t(fields))


def _event(**fields: Any) -> CaseEvent:
    return services.case_event_add(**_t(fields))


def _ruling(**fields: Any) -> Ruling:
    return ruling_actions.ruling_record(**_t(fields))


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


# The Russian names the facts file gives for courts that have no Russian name of their own.
COURT_NAMES_RU = {
    "ecthr": "Европейский суд по правам человека",
    "moscow-unidentified": "Суд г. Москвы (в сообщениях не назван)",
}


def _courts() -> dict[str, Court]:
    courts: dict[str, Court] = {}
    for spec in COURTS:
        fields = {k: v for k, v in spec.items() if k != "key"}
        if "appeals_to" in fields:
            fields["appeals_to"] = courts[fields["appeals_to"]]
        russian = COURT_NAMES_RU.get(spec["key"]) or (
            fields.get("name_local", "") if fields["jurisdiction"] == Jurisdiction.RUSSIA else ""
        )
        fields["name"] = Both(fields["name"], russian)
        court = Court.objects.filter(name_en=fields["name"].en, jurisdiction=fields["jurisdiction"]).first()
        courts[spec["key"]] = court or services.court_create(**_t(fields))
    return courts


def _accounts(organization: Organization) -> None:
    User = get_user_model()
    lawyers, _ = Group.objects.get_or_create(name=LAWYERS_GROUP)
    viewers, _ = Group.objects.get_or_create(name=VIEWERS_GROUP)
    case_perms = Permission.objects.filter(content_type__app_label__in=["cases", "deadlines", "documents"])
    if not lawyers.permissions.exists():
        # Not the shared reference data (courts, renaming or deleting tags): superusers and the
        # "Reference editors" group write those (cases/migrations/0007_reference_editors.py).
        lawyers.permissions.set(
            case_perms.exclude(codename__endswith="organization")
            .exclude(codename__endswith="membership")
            .exclude(codename__in=REFERENCE_DATA_CODENAMES)
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
        organization_actions.membership_set(organization=organization, user=user, role=role)


def _case(organization: Organization, slug: str, *, tags: list[str], **fields: Any) -> tuple[Case, bool]:
    existing = Case.objects.filter(slug=slug).first()
    if existing:
        return existing, False
    return services.case_create(organization=organization, slug=slug, tags=tags, **_t(fields)), True


def _popova(org: Organization, c: dict[str, Court]) -> None:
    case, created = _case(
        org,
        "popova-v-moscow",
        title=Both(
            "Popova v. Moscow (facial recognition at protests)",
            "Попова против Москвы (распознавание лиц на акциях протеста)",
        ),
        tags=["facial recognition", "protest", "CCTV"],
        proceeding=Case.Proceeding.ADMINISTRATIVE,
        status=Case.Status.FILED,
        is_public=True,
        filed_on=D(2019, 10, 2),
        summary=Both(
            'Alena Popova, a women\'s-rights campaigner and founder of the think tank "Ethics and Technology", '
            "was fined after a picket outside the State Duma in April 2018; she says facial recognition "
            "identified her. She challenged Moscow's use of facial recognition on its CCTV network.",
            "Алёна Попова, активистка движения за права женщин и основательница аналитического центра "
            "«Этика и технологии», была оштрафована после пикета у Государственной Думы в апреле 2018 г.; "
            "по её словам, её опознала система распознавания лиц. Она оспорила применение Москвой "
            "распознавания лиц в городской сети камер видеонаблюдения.",
        ),
        claims=Both(
            "Suspend the use of facial recognition on Moscow's CCTV cameras.",
            "Приостановить использование распознавания лиц на камерах видеонаблюдения Москвы.",
        ),
        legal_basis=Both(
            "Federal Law 152-FZ on personal data; Constitution of the Russian Federation arts. 23-24; ECHR art. 8; claim under the Code of Administrative Procedure (KAS RF).",
            "Федеральный закон от 27.07.2006 № 152-ФЗ «О персональных данных»; Конституция РФ, ст. 23-24; Конвенция о защите прав человека и основных свобод, ст. 8; административный иск по Кодексу административного судопроизводства РФ (КАС РФ).",
        ),
        sources="Press reports (2019-2020); court press office statement of 6 November 2019.",
        notes="Context: Moscow ran facial recognition on 1,500 CCTV cameras in 2017 and aimed to equip 40% of its 162,000 cameras by the end of 2019.",
    )
    if not created:
        return
    plaintiff = _party(
        case=case,
        role=Party.Role.PLAINTIFF,
        kind=Party.Kind.PERSON,
        name=Both("Alena Popova", "Алёна Попова"),
        consent_to_publish=True,
        description=Both(
            'Women\'s-rights campaigner; founder of the think tank "Ethics and Technology"',
            "Активистка движения за права женщин; основательница аналитического центра «Этика и технологии»",
        ),
    )
    _party(
        case=case,
        role=Party.Role.REPRESENTATIVE,
        kind=Party.Kind.PERSON,
        name=Both("Sarkis Darbinyan", "Саркис Дарбинян"),
        consent_to_publish=True,
        represents=plaintiff,
        description=Both("Lawyer, Roskomsvoboda (per press reports)", "Юрист, Роскомсвобода (по сообщениям прессы)"),
        notes="Named in press reports; not confirmed from court records.",
    )
    _party(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name=Both(
            "Moscow Department of Information Technology", "Департамент информационных технологий г. Москвы (ДИТ)"
        ),
        consent_to_publish=True,
    )
    _party(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name=Both(
            "Moscow directorate of the Ministry of Internal Affairs",
            "Главное управление МВД России по г. Москве (ГУ МВД России по г. Москве)",
        ),
        consent_to_publish=True,
    )
    _party(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name=Both("Roskomnadzor", "Роскомнадзор"),
        consent_to_publish=True,
        description=Both(
            "Named as a defendant by one outlet only; not confirmed.",
            "Назван ответчиком лишь одним изданием; не подтверждено.",
        ),
    )
    _event(
        case=case,
        occurred_on=D(2018, 4, 1),
        precision=CaseEvent.Precision.MONTH,
        title=Both("Picket outside the State Duma", "Пикет у Государственной Думы"),
        description=Both(
            "Popova protests outside the State Duma; she says facial recognition identified her.",
            "Попова протестует у Государственной Думы; по её словам, её опознала система распознавания лиц.",
        ),
        source="Press reports",
    )
    _event(
        case=case,
        occurred_on=D(2018, 1, 1),
        precision=CaseEvent.Precision.YEAR,
        title=Both(
            "Fined 20,000 RUB by the Tverskoy District Court",
            "Штраф 20 000 рублей, назначенный Тверским районным судом г. Москвы",
        ),
        description=Both(
            "Fined 20,000 RUB (reported as about $310) for violating the rules on public gatherings. Exact date not found.",
            "Штраф 20 000 рублей (по сообщениям, около 310 долларов) за нарушение порядка проведения публичных мероприятий. Точная дата не найдена.",
        ),
        source="Press reports",
    )
    _event(
        case=case,
        occurred_on=D(2019, 10, 2),
        title=Both(
            "Administrative claim registered at the Savyolovsky District Court",
            "Административный иск зарегистрирован в Савёловском районном суде г. Москвы",
        ),
        source="Press reports",
    )
    hearing_actions.hearing_schedule(
        case=case,
        court=c["savyolovsky"],
        starts_at=dt.datetime(2019, 10, 21, tzinfo=MOSCOW),
        time_to_be_confirmed=True,
        kind=Hearing.Kind.MERITS,
        status=Hearing.Status.HELD,
        notes="Court appearance reported by one source only; the time was not reported.",
    )
    ruling = _ruling(
        case=case,
        court=c["savyolovsky"],
        decided_on=D(2019, 11, 6),
        judge="Marina Ivanova",
        outcome=Ruling.Outcome.DISMISSED,
        summary=Both("The claim was dismissed.", "В удовлетворении иска отказано."),
        notes="Date of the decision in final form: not found.",
    )
    appeal_actions.appeal_file(
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
        title=Both(
            "Popova and Milov v. Moscow (cameras in metal-detector frames)",
            "Попова и Милов против Москвы (камеры в рамках металлодетекторов)",
        ),
        tags=["facial recognition", "protest"],
        proceeding=Case.Proceeding.ADMINISTRATIVE,
        status=Case.Status.PENDING,
        is_public=True,
        summary=Both(
            "Alena Popova and Vladimir Milov challenged the cameras in the metal-detector frames at the 29 September 2019 rally.",
            "Алёна Попова и Владимир Милов оспорили камеры в рамках металлодетекторов на митинге 29 сентября 2019 г.",
        ),
        legal_basis=Both(
            "Federal Law 152-FZ; Constitution arts. 23-24; ECHR art. 8.",
            "Федеральный закон от 27.07.2006 № 152-ФЗ «О персональных данных»; Конституция РФ, ст. 23-24; Конвенция о защите прав человека и основных свобод, ст. 8.",
        ),
        sources="Press reports (2020).",
        notes="Filing date and the first-instance court are not named in the sources.",
    )
    if not created:
        return
    popova = _party(
        case=case, role=Party.Role.PLAINTIFF, name=Both("Alena Popova", "Алёна Попова"), consent_to_publish=True
    )
    _party(case=case, role=Party.Role.PLAINTIFF, name=Both("Vladimir Milov", "Владимир Милов"), consent_to_publish=True)
    for lawyer in (Both("Kirill Koroteev", "Кирилл Коротеев"), Both("Valentina Frolova", "Валентина Фролова")):
        _party(
            case=case,
            role=Party.Role.REPRESENTATIVE,
            name=lawyer,
            consent_to_publish=True,
            represents=popova,
            description=Both(
                "Lawyer, Agora (ECtHR application)", "Юрист, Международная правозащитная группа «Агора» (жалоба в ЕСПЧ)"
            ),
        )
    _event(
        case=case,
        occurred_on=D(2019, 9, 29),
        title=Both("Rally with cameras in the metal-detector frames", "Митинг с камерами в рамках металлодетекторов"),
        source="Press reports",
    )
    ruling = _ruling(
        case=case,
        court=c["moscow-unidentified"],
        decided_on=D(2020, 3, 3),
        outcome=Ruling.Outcome.OTHER,
        summary=Both(
            "A Moscow court ruled against the plaintiffs. Reports differ: dismissal or termination of proceedings.",
            "Московский суд вынес решение не в пользу истцов. Сообщения расходятся: отказ в иске или прекращение производства.",
        ),
        notes="The sources do not name the Moscow court that decided.",
    )
    appeal_actions.appeal_file(
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
        title=Both("Glukhin v. Russia", "«Глухин против России»"),
        tags=["facial recognition", "protest", "ECtHR"],
        proceeding=Case.Proceeding.INTERNATIONAL,
        status=Case.Status.FILED,
        is_public=True,
        filed_on=D(2020, 1, 31),
        summary=Both(
            "The first judgment of the European Court of Human Rights on facial recognition: Moscow police used it to identify and arrest Nikolay Glukhin after a solo picket in the metro.",
            "Первое постановление Европейского суда по правам человека (ЕСПЧ) о распознавании лиц: московская полиция с его помощью установила личность Николая Глухина и задержала его после одиночного пикета в метро.",
        ),
        legal_basis=Both("ECHR arts. 8 and 10.", "Конвенция о защите прав человека и основных свобод, ст. 8 и 10."),
        sources="ECtHR judgment of 4 July 2023, application no. 11519/20.",
    )
    if not created:
        return
    services.docket_set(case=case, court=c["ecthr"], number="11519/20")
    _party(
        case=case, role=Party.Role.PLAINTIFF, name=Both("Nikolay Glukhin", "Николай Глухин"), consent_to_publish=True
    )
    _party(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name=Both("Russia", "Россия"),
        consent_to_publish=True,
    )
    _event(
        case=case,
        occurred_on=D(2019, 1, 1),
        precision=CaseEvent.Precision.YEAR,
        title=Both(
            "Fined 20,000 RUB by the Meshchansky District Court",
            "Штраф 20 000 рублей, назначенный Мещанским районным судом г. Москвы",
        ),
        description=Both(
            "Fined for a solo picket in the Moscow metro; his appeal failed. Exact dates not found.",
            "Штраф за одиночный пикет в московском метро; его жалоба на постановление отклонена. Точные даты не найдены.",
        ),
        source="ECtHR judgment",
    )
    _event(
        case=case, occurred_on=D(2020, 1, 31), title=Both("Application lodged with the ECtHR", "Жалоба подана в ЕСПЧ")
    )
    _event(
        case=case,
        occurred_on=D(2021, 6, 23),
        title=Both("Application communicated to the Government", "Жалоба коммуницирована властям России"),
    )
    _ruling(
        case=case,
        court=c["ecthr"],
        decided_on=D(2023, 7, 4),
        outcome=Ruling.Outcome.VIOLATION,
        summary=Both(
            "Third Section: violations of Article 8 and Article 10.",
            "Третья секция: нарушения статьи 8 и статьи 10 Конвенции.",
        ),
        in_force=True,
        in_force_on=D(2023, 10, 4),
    )
    case.refresh_from_db()
    case_actions.case_update(case=case, status=Case.Status.CLOSED, outcome=Case.Outcome.WON)


def _bridges(org: Organization, c: dict[str, Court]) -> None:
    case, created = _case(
        org,
        "bridges-v-south-wales-police",
        title=Both("R (Bridges) v Chief Constable of South Wales Police"),
        tags=["facial recognition", "police"],
        proceeding=Case.Proceeding.JUDICIAL_REVIEW,
        status=Case.Status.PENDING,
        is_public=True,
        summary=Both(
            "Challenge to South Wales Police's use of live automated facial recognition.",
            "Оспаривание применения полицией Южного Уэльса автоматического распознавания лиц в реальном времени.",
        ),
        legal_basis=Both(
            "ECHR art. 8 (Human Rights Act 1998); Data Protection Act 2018; public-sector equality duty (Equality Act 2010 s. 149).",
            "Конвенция о защите прав человека и основных свобод, ст. 8 (Закон о правах человека 1998 г.); Закон о защите данных 2018 г.; обязанность государственного сектора обеспечивать равенство (Закон о равенстве 2010 г., ст. 149).",
        ),
        sources="[2019] EWHC 2341 (Admin); [2020] EWCA Civ 1058.",
    )
    if not created:
        return
    claimant = _party(case=case, role=Party.Role.PLAINTIFF, name=Both("Edward Bridges"), consent_to_publish=True)
    _party(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name=Both("Chief Constable of South Wales Police"),
        consent_to_publish=True,
    )
    first = _ruling(
        case=case,
        court=c["ewhc-admin"],
        decided_on=D(2019, 9, 4),
        outcome=Ruling.Outcome.DISMISSED,
        citation="[2019] EWHC 2341 (Admin)",
        summary=Both("The Divisional Court dismissed the claim.", "Дивизиональный суд отказал в удовлетворении иска."),
    )
    appeal = appeal_actions.appeal_file(
        case=case,
        ruling=first,
        appellant=claimant,
        court=c["ewca"],
        kind=Appeal.Kind.APPEAL,
        status=Appeal.Status.FILED,
        notes="Filing date not found.",
    )
    second = _ruling(
        case=case,
        court=c["ewca"],
        decided_on=D(2020, 8, 11),
        outcome=Ruling.Outcome.GRANTED,
        citation="[2020] EWCA Civ 1058",
        summary=Both(
            'Appeal allowed: live facial recognition use was not "in accordance with the law" (Art. 8), the data '
            "protection impact assessment was deficient, and the public-sector equality duty was breached; the "
            "proportionality ground failed.",
            "Апелляция удовлетворена: применение распознавания лиц в реальном времени не было «предусмотрено "
            "законом» (ст. 8), оценка воздействия на защиту данных была недостаточной, обязанность "
            "государственного сектора обеспечивать равенство нарушена; довод о несоразмерности отклонён.",
        ),
    )
    appeal_actions.appeal_decide(appeal=appeal, ruling=second)
    case.refresh_from_db()
    case_actions.case_update(case=case, status=Case.Status.DECIDED)
    case_actions.case_update(case=case, status=Case.Status.CLOSED, outcome=Case.Outcome.WON)


def _clearview(org: Organization, c: dict[str, Court]) -> None:
    case, created = _case(
        org,
        "aclu-v-clearview-ai",
        title=Both("ACLU v. Clearview AI"),
        tags=["facial recognition", "biometrics", "BIPA"],
        proceeding=Case.Proceeding.CIVIL,
        status=Case.Status.FILED,
        is_public=True,
        filed_on=D(2020, 5, 28),
        summary=Both(
            "Suit under the Illinois Biometric Information Privacy Act against Clearview AI's faceprint database.",
            "Иск по Закону штата Иллинойс о конфиденциальности биометрической информации против базы данных слепков лиц Clearview AI.",
        ),
        legal_basis=Both(
            "Illinois Biometric Information Privacy Act (740 ILCS 14).",
            "Закон штата Иллинойс о конфиденциальности биометрической информации (740 ILCS 14).",
        ),
        sources="Circuit Court of Cook County, No. 2020 CH 04353; ACLU press releases.",
    )
    if not created:
        return
    services.docket_set(case=case, court=c["cook"], number="2020 CH 04353")
    _party(
        case=case,
        role=Party.Role.PLAINTIFF,
        kind=Party.Kind.ORGANIZATION,
        name=Both("American Civil Liberties Union"),
        consent_to_publish=True,
    )
    _party(
        case=case,
        role=Party.Role.DEFENDANT,
        kind=Party.Kind.ORGANIZATION,
        name=Both("Clearview AI, Inc."),
        consent_to_publish=True,
    )
    _event(
        case=case,
        occurred_on=D(2021, 8, 1),
        precision=CaseEvent.Precision.MONTH,
        title=Both("Motion to dismiss denied", "Ходатайство об отклонении иска отклонено"),
        source="Press reports",
    )
    _event(
        case=case,
        occurred_on=D(2022, 5, 9),
        title=Both("Settlement", "Мировое соглашение"),
        description=Both(
            "Nationwide ban on selling the faceprint database to most private entities; a five-year ban for any "
            "entity in Illinois.",
            "Запрет по всей стране на продажу базы данных слепков лиц большинству частных организаций; "
            "пятилетний запрет для любых организаций в Иллинойсе.",
        ),
    )
    case_actions.case_update(case=case, status=Case.Status.CLOSED, outcome=Case.Outcome.SETTLED)


@transaction.atomic
def demo_seed(*, with_accounts: bool = True) -> dict[str, int]:
    """Load the demo; returns how many records of each kind exist afterwards."""
    organization = Organization.objects.filter(slug="demo-desk").first() or services.organization_create(
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
