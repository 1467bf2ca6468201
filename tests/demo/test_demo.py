import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import selectors
from cases.models import Appeal, Case, CaseEvent, Court, Hearing, Party, Ruling

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list]:
    """Every demo row with its version: a second run must leave this exactly as it was."""
    return {
        model.__name__: sorted(model.objects.values_list("pk", "version"))
        for model in (Case, Court, Party, Hearing, Ruling, Appeal, CaseEvent)
    }


def test_seed_demo_loads_the_popova_case_and_is_idempotent(capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first_output = capsys.readouterr().out
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before
    assert "lawyer   password lawyer-demo-2019" in first_output
    assert first_output.splitlines()[0] == "Demo loaded: 5 cases, 11 courts, 1 hearings, 5 rulings, 3 appeals."

    popova = Case.objects.get(slug="popova-v-moscow")
    assert (popova.status, popova.filed_on, popova.is_public) == ("decided", dt.date(2019, 10, 2), True)
    hearing = popova.hearings.get()
    assert (hearing.starts_at_local.date(), hearing.time_to_be_confirmed) == (dt.date(2019, 10, 21), True)
    chain = selectors.case_instance_chain(case=popova)
    ruling = chain[0].ruling
    assert (ruling.court.name, ruling.decided_on, ruling.judge, ruling.final_form_on) == (
        "Savyolovsky District Court of Moscow",
        dt.date(2019, 11, 6),
        "Marina Ivanova",
        None,
    )
    appeal = chain[0].appeals[0]
    assert (appeal.court.name, appeal.status, appeal.filed_on) == ("Moscow City Court", "planned", None)
    # the court hierarchy runs up to the Supreme Court
    path, court = [], ruling.court
    while court:
        path.append(court.name)
        court = court.appeals_to
    assert path == [
        "Savyolovsky District Court of Moscow",
        "Moscow City Court",
        "Second Cassation Court of General Jurisdiction",
        "Supreme Court of the Russian Federation",
    ]


def test_the_demo_records_no_invented_dates():
    call_command("seed_demo", "--no-accounts")
    bridges = Case.objects.get(slug="bridges-v-south-wales-police")
    assert bridges.filed_on is None
    assert Appeal.objects.get(case=bridges).filed_on is None
    assert [(r.citation, r.outcome) for r in bridges.rulings.all()] == [
        ("[2019] EWHC 2341 (Admin)", "dismissed"),
        ("[2020] EWCA Civ 1058", "granted"),
    ]
    glukhin = Case.objects.get(slug="glukhin-v-russia")
    assert list(glukhin.dockets.values_list("number", flat=True)) == ["11519/20"]
    assert glukhin.rulings.get().in_force_on == dt.date(2023, 10, 4)
    roskomnadzor = Party.objects.get(case__slug="popova-v-moscow", name="Roskomnadzor")
    # unconfirmed facts say so where the public sees them, not only in private notes
    assert roskomnadzor.description == "Named as a defendant by one outlet only; not confirmed."


def test_seed_demo_refuses_demo_accounts_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo")
    assert Case.objects.count() == 0


def test_the_demo_is_in_english_and_russian_with_the_russian_names_of_the_facts_file():
    call_command("seed_demo", "--no-accounts")
    popova = Case.objects.get(slug="popova-v-moscow")
    assert (popova.original_language, popova.title_en, popova.title_ru) == (
        "en",
        "Popova v. Moscow (facial recognition at protests)",
        "Попова против Москвы (распознавание лиц на акциях протеста)",
    )
    assert popova.summary_ru.startswith("Алёна Попова, активистка движения за права женщин")
    assert sorted(popova.parties.values_list("name_ru", flat=True)) == sorted(
        [
            "Алёна Попова",
            "Саркис Дарбинян",
            "Департамент информационных технологий г. Москвы (ДИТ)",
            "Главное управление МВД России по г. Москве (ГУ МВД России по г. Москве)",
            "Роскомнадзор",
        ]
    )
    ruling = popova.rulings.get()
    assert (ruling.court.name_ru, ruling.summary_ru) == (
        "Савёловский районный суд г. Москвы",
        "В удовлетворении иска отказано.",
    )
    assert Court.objects.get(name_en="European Court of Human Rights").name_ru == "Европейский суд по правам человека"
    # English names the facts file gives no Russian form of stay English only (read as a marked fallback)
    bridges = Party.objects.get(case__slug="bridges-v-south-wales-police", role="plaintiff")
    assert (bridges.name_en, bridges.name_ru) == ("Edward Bridges", "")
    # every translated record of the demo says it was written in English
    for model in (Case, Party, CaseEvent, Ruling, Court):
        assert set(model.objects.values_list("original_language", flat=True)) == {"en"}
