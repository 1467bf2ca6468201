"""How a deadline was computed, read in the reader's language: the steps are stored without a
language (deadlines/explanation.py) and become Russian or English sentences when read, with
Russian plural forms and the holidays' own Russian names."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from actions import rulings as ruling_actions
from deadlines.counting import deadline_compute
from deadlines.explanation import explanation_text
from deadlines.models import Deadline
from tests.factories import CaseFactory, CourtFactory

D = dt.date


def test_the_russian_trail_of_a_russian_appeal():
    result = deadline_compute("ru-gpk-appeal", D(2020, 1, 29))
    assert explanation_text(result.steps, "ru") == [
        "На 2020-01-29 действует редакция 2012-01-01 правила ru-gpk-appeal (GPK RF art. 321(2)).",
        "Начало отсчёта (изготовление решения в окончательной форме): 2020-01-29. Течение срока начинается "
        "2020-01-30, на следующий день (GPK RF arts. 107(3), 108(1)-(2)).",
        "Срок в 1 месяц от 2020-01-29 оканчивается в соответствующее число последнего месяца, 2020-02-29.",
        "2020-02-29 — суббота; 2020-03-01 — воскресенье -> 2020-03-02, следующий рабочий день.",
        "Срок истекает 2020-03-02.",
    ]


def test_holidays_are_named_in_the_readers_language():
    steps = deadline_compute("ru-gpk-appeal", D(2020, 12, 3)).steps
    assert explanation_text(steps, "ru")[3] == (
        "2021-01-03 — воскресенье и нерабочий праздничный день (Новогодние каникулы); "
        "2021-01-04 — нерабочий праздничный день (Новогодние каникулы); "
        "2021-01-05 — нерабочий праздничный день (Новогодние каникулы); "
        "2021-01-06 — нерабочий праздничный день (Новогодние каникулы); "
        "2021-01-07 — нерабочий праздничный день (Рождество Христово); "
        "2021-01-08 — нерабочий праздничный день (Новогодние каникулы); "
        "2021-01-09 — суббота; 2021-01-10 — воскресенье -> 2021-01-11, следующий рабочий день."
    )
    assert explanation_text(steps, "en")[3].startswith(
        "2021-01-03 is a Sunday and a public holiday (New Year Holidays); "
    )
    # a country whose calendar has no Russian names falls back to the English ones
    german = deadline_compute("de-zpo-appeal", D(2022, 9, 3)).steps
    assert "2022-10-03 — нерабочий праздничный день (German Unity Day)" in explanation_text(german, "ru")[-2]


@pytest.mark.parametrize(
    ("code", "trigger", "index", "russian"),
    [
        ("ew-cpr-appeal", D(2022, 3, 1), 2, "21 день, считая с 2022-03-02: последний — 2022-03-22."),
        ("us-frap-appeal", D(2022, 3, 1), 2, "30 дней, считая с 2022-03-02: последний — 2022-03-31."),
        ("ru-koap-complaint", D(2022, 3, 1), 2, "10 дней, считая с 2022-03-02: последний — 2022-03-11."),
        (
            "ru-gpk-cassation",
            D(2021, 11, 15),
            2,
            "Срок в 3 месяца от 2021-11-15 оканчивается в соответствующее число последнего месяца, 2022-02-15.",
        ),
        (
            "ru-gpk-appeal",
            D(2021, 1, 31),
            2,
            "Срок в 1 месяц от 2021-01-31: в месяце «Февраль 2021» нет 31-го числа, поэтому срок оканчивается "
            "в последний день месяца, 2021-02-28.",
        ),
        (
            "eu-cjeu-appeal",
            D(2022, 4, 13),
            3,
            "Продлён с учётом расстояния на единый срок в 10 дней: 2022-06-23.",
        ),
    ],
)
def test_russian_plural_forms_and_months(code, trigger, index, russian):
    assert explanation_text(deadline_compute(code, trigger).steps, "ru")[index] == russian


def test_a_step_written_before_the_format_is_read_as_it_is():
    legacy = ["Trigger taken from the ruling's date of the decision in final form.", "Due on 2020-03-02."]
    assert explanation_text(legacy, "ru") == legacy


@pytest.mark.django_db
def test_the_stored_trail_has_no_language_and_is_read_in_the_active_one(lawyer):
    case = CaseFactory()
    ruling = ruling_actions.ruling_record(
        case=case, court=CourtFactory(), decided_on=D(2020, 1, 24), final_form_on=D(2020, 1, 29), outcome="dismissed"
    )
    deadline = Deadline.objects.get(ruling=ruling)
    stored = json.dumps(deadline.explanation, ensure_ascii=False)
    assert "суббота" not in stored and "is a Saturday" not in stored
    assert deadline.explanation[0] == {
        "text": "Trigger taken from the ruling's %(label)s.",
        "args": {"label": {"msgid": "date of the decision in final form", "context": None}},
    }
    from django.utils import translation

    with translation.override("ru"):
        assert deadline.explanation_sentences[0] == (
            "Начало отсчёта взято из даты изготовления решения в окончательной форме."
        )
    assert deadline.explanation_sentences[0] == "Trigger taken from the ruling's date of the decision in final form."


def test_the_command_prints_the_steps_in_the_language_asked():
    out = io.StringIO()
    call_command("deadline", "ru-gpk-appeal", "2020-01-29", "--lang", "ru", stdout=out)
    assert "  - Срок истекает 2020-03-02." in out.getvalue().splitlines()
    with pytest.raises(CommandError) as exc:
        call_command("deadline", "ru-gpk-appeal", "2020-01-29", "--lang", "xx", stdout=io.StringIO())
    assert str(exc.value) == "Unknown language 'xx': use one of en, ru."
