"""The rule table applied to trigger dates: one table per rule with the hard cases, the named
conventions on their own, and properties over all rules (hypothesis)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.counting import (
    add_days,
    add_months_clamped,
    deadline_compute,
    non_working_reason,
    period_starts_on,
    roll_over,
)
from deadlines.explanation import explanation_text, step_text
from deadlines.rules import RULES, Calendar, NoVersionInForce, UnknownRule, rule_codes, rule_in_force

D = dt.date


# --- Conventions ------------------------------------------------------------------------------


def test_a_period_starts_the_day_after_its_trigger():
    assert period_starts_on(D(2019, 12, 31)) == D(2020, 1, 1)


@pytest.mark.parametrize(
    ("trigger", "days", "last_day"),
    [(D(2022, 6, 3), 30, D(2022, 7, 3)), (D(2024, 2, 20), 10, D(2024, 3, 1)), (D(2023, 2, 20), 10, D(2023, 3, 2))],
    ids=["30 days", "10 days over 29 February 2024", "10 days over February 2023"],
)
def test_a_period_in_days_counts_calendar_days_from_the_day_after(trigger, days, last_day):
    assert add_days(trigger, days) == last_day


@pytest.mark.parametrize(
    ("trigger", "months", "expected"),
    [
        (D(2021, 1, 31), 1, (D(2021, 2, 28), True)),
        (D(2020, 1, 31), 1, (D(2020, 2, 29), True)),
        (D(2020, 1, 29), 1, (D(2020, 2, 29), False)),
        (D(2019, 8, 31), 6, (D(2020, 2, 29), True)),
        (D(2021, 8, 31), 6, (D(2022, 2, 28), True)),
        (D(2019, 11, 30), 3, (D(2020, 2, 29), True)),
        (D(2019, 12, 15), 1, (D(2020, 1, 15), False)),
        (D(2022, 3, 31), 2, (D(2022, 5, 31), False)),
    ],
    ids=[
        "31 Jan + 1 month",
        "31 Jan + 1 month, leap year",
        "29 Jan + 1 month, leap year",
        "31 Aug + 6 months, leap year",
        "31 Aug + 6 months",
        "30 Nov + 3 months",
        "over the new year",
        "31 Mar + 2 months",
    ],
)
def test_a_period_in_months_ends_on_the_same_date_or_the_months_last_day(trigger, months, expected):
    assert add_months_clamped(trigger, months) == expected


@pytest.mark.parametrize(
    ("day", "calendar", "reason"),
    [
        (D(2020, 2, 29), Calendar.RUSSIA, "a Saturday"),
        (D(2021, 1, 5), Calendar.RUSSIA, "a public holiday (New Year Holidays)"),
        (D(2021, 2, 20), Calendar.RUSSIA, None),  # transferred working Saturday
        (D(2021, 2, 22), Calendar.RUSSIA, "a day off (Day off (substituted from 02/20/2021))"),
        (D(2022, 12, 26), Calendar.ENGLAND, "a public holiday (Boxing Day)"),
        (D(2022, 7, 4), Calendar.US_FEDERAL, "a public holiday (Independence Day)"),
        (D(2022, 10, 3), Calendar.GERMANY, "a public holiday (German Unity Day)"),
        (D(2022, 6, 23), Calendar.CJEU, "a public holiday (National Day)"),
        (D(2022, 6, 23), Calendar.RUSSIA, None),
    ],
)
def test_non_working_days_come_from_the_forums_calendar(day, calendar, reason):
    found = non_working_reason(day, calendar)
    assert (found and step_text(found).partition(" is ")[2]) == reason


def test_roll_over_moves_past_the_russian_january_holidays():
    end, steps = roll_over(D(2021, 1, 3), Calendar.RUSSIA)
    assert (end, explanation_text(steps)) == (
        D(2021, 1, 11),
        [
            "2021-01-03 is a Sunday and a public holiday (New Year Holidays); "
            "2021-01-04 is a public holiday (New Year Holidays); 2021-01-05 is a public holiday (New Year Holidays); "
            "2021-01-06 is a public holiday (New Year Holidays); 2021-01-07 is a public holiday (Christmas Day); "
            "2021-01-08 is a public holiday (New Year Holidays); 2021-01-09 is a Saturday; "
            "2021-01-10 is a Sunday -> 2021-01-11, the next working day."
        ],
    )


def test_roll_over_keeps_a_transferred_working_saturday():
    end, steps = roll_over(D(2024, 11, 2), Calendar.RUSSIA)
    assert (end, explanation_text(steps)) == (
        D(2024, 11, 2),
        ["2024-11-02 is a Saturday but a working day (a transferred working day): the period ends on it."],
    )


# --- Versions ---------------------------------------------------------------------------------


def test_every_rule_code_named_in_the_issue_is_in_the_table():
    assert rule_codes() == sorted(
        [
            "ru-gpk-appeal",
            "ru-kas-appeal",
            "ru-gpk-cassation",
            "ru-kas-cassation",
            "ru-gpk-supreme",
            "ru-koap-complaint",
            "echr-application",
            "ew-cpr-appeal",
            "us-frap-appeal",
            "us-frap-appeal-us-party",
            "de-zpo-appeal",
            "eu-cjeu-appeal",
        ]
    )


def test_versions_of_a_rule_do_not_overlap_and_leave_no_gap():
    for code in rule_codes():
        versions = sorted((r for r in RULES if r.code == code), key=lambda r: r.valid_from or D(1, 1, 1))
        for earlier, later in zip(versions, versions[1:], strict=False):
            assert earlier.valid_to is not None and later.valid_from == earlier.valid_to + dt.timedelta(days=1), code


def test_every_row_cites_its_source():
    assert all(rule.source and rule.counting_source for rule in RULES)


@pytest.mark.parametrize(
    ("code", "day", "version"),
    [
        ("echr-application", D(2022, 1, 31), "6-months"),
        ("echr-application", D(2022, 2, 1), "4-months"),
        ("ru-koap-complaint", D(2024, 10, 28), "until-2024-10-28"),
        ("ru-koap-complaint", D(2024, 10, 29), "2024-10-29"),
        ("ru-gpk-cassation", D(2024, 8, 31), "2019-10-01"),
        ("ru-gpk-cassation", D(2024, 9, 1), "2024-09-01"),
    ],
)
def test_the_version_in_force_on_the_trigger_date_applies(code, day, version):
    assert rule_in_force(code, day).version == version


def test_an_unknown_rule_and_a_date_before_any_version_are_refused_with_a_sentence():
    with pytest.raises(UnknownRule, match=r"^There is no rule 'ru-appeal'\. Known rules: de-zpo-appeal, "):
        deadline_compute("ru-appeal", D(2020, 1, 1))
    with pytest.raises(NoVersionInForce) as exc:
        deadline_compute("ru-gpk-cassation", D(2019, 9, 30))
    assert str(exc.value) == (
        "No version of ru-gpk-cassation was in force on 2019-09-30 "
        "(versions: 2019-10-01: 2019-10-01 to 2024-08-31, 2024-09-01: 2024-09-01 to ...)."
    )


# --- One table per rule: (trigger, due, why) --------------------------------------------------

CASES: dict[str, list[tuple[dt.date, dt.date, str]]] = {
    "ru-gpk-appeal": [
        (D(2021, 1, 31), D(2021, 3, 1), "31 Jan + 1 month -> 28 Feb, a Sunday -> Monday 1 March"),
        (D(2020, 1, 31), D(2020, 3, 2), "leap year: 29 Feb 2020, a Saturday -> Monday 2 March"),
        (D(2020, 1, 29), D(2020, 3, 2), "29 Feb 2020 is a Saturday"),
        (D(2020, 12, 3), D(2021, 1, 11), "3 January 2021 falls in the January holidays"),
        (D(2021, 1, 20), D(2021, 2, 20), "20 Feb 2021 is a transferred working Saturday"),
        (D(2021, 1, 22), D(2021, 2, 24), "22 Feb (substituted day off) and 23 Feb (holiday)"),
        (D(2019, 11, 6), D(2019, 12, 6), "an ordinary Friday"),
    ],
    "ru-kas-appeal": [
        (D(2019, 12, 7), D(2020, 1, 9), "7 Jan 2020 is Christmas, 8 Jan a holiday"),
        (D(2024, 10, 2), D(2024, 11, 2), "2 Nov 2024 is a transferred working Saturday"),
        (D(2024, 11, 28), D(2024, 12, 28), "28 Dec 2024 is a transferred working Saturday"),
        (D(2024, 11, 30), D(2025, 1, 9), "30 Dec 2024 is a substituted day off, then the January holidays"),
    ],
    "ru-gpk-cassation": [
        (D(2019, 11, 30), D(2020, 3, 2), "30 Nov + 3 months -> 29 Feb 2020, a Saturday -> Monday 2 March"),
        (D(2024, 8, 31), D(2024, 12, 2), "old version: 30 Nov 2024, a Saturday -> Monday"),
        (D(2024, 9, 1), D(2024, 12, 2), "new version, 1 Dec 2024 is a Sunday -> Monday"),
    ],
    "ru-kas-cassation": [
        (D(2019, 8, 31), D(2020, 3, 2), "31 Aug + 6 months -> 29 Feb 2020, a Saturday -> Monday 2 March"),
        (D(2020, 7, 3), D(2021, 1, 11), "3 Jan 2021: the January holidays"),
    ],
    "ru-gpk-supreme": [
        (D(2020, 10, 8), D(2021, 1, 11), "8 Jan 2021: the January holidays"),
        (D(2023, 11, 30), D(2024, 2, 29), "30 Nov + 3 months, leap year: 29 Feb 2024 (Thursday)"),
    ],
    "ru-koap-complaint": [
        (D(2024, 10, 18), D(2024, 10, 28), "old version: calendar days"),
        (D(2024, 10, 25), D(2024, 11, 4), "old version: ends on Unity Day (a holiday), no roll-over"),
        (D(2024, 10, 28), D(2024, 11, 7), "the last day of the old version"),
        (D(2024, 10, 29), D(2024, 11, 8), "the first day of the new version"),
        (D(2024, 11, 5), D(2024, 11, 15), "new version, a Friday"),
        (D(2024, 11, 6), D(2024, 11, 18), "new version: Saturday 16 Nov -> Monday 18 Nov"),
        (D(2024, 12, 25), D(2025, 1, 9), "new version: 4 Jan 2025 in the January holidays"),
    ],
    "echr-application": [
        (D(2022, 1, 31), D(2022, 7, 31), "six months; 31 July 2022 is a Sunday and stays"),
        (D(2022, 2, 1), D(2022, 6, 1), "four months (Protocol No. 15)"),
        (D(2020, 1, 15), D(2020, 7, 15), "Popova: Moscow City Court, six months"),
        (D(2021, 8, 31), D(2022, 2, 28), "31 Aug + 6 months -> 28 Feb"),
        (D(2019, 8, 31), D(2020, 2, 29), "31 Aug + 6 months, leap year -> 29 Feb (Saturday, stays)"),
        (D(2023, 10, 31), D(2024, 2, 29), "31 Oct + 4 months, leap year"),
    ],
    "ew-cpr-appeal": [
        (D(2022, 12, 5), D(2022, 12, 28), "Boxing Day and the observed Christmas Day"),
        (D(2022, 3, 1), D(2022, 3, 22), "a Tuesday"),
        (D(2022, 8, 8), D(2022, 8, 30), "29 Aug 2022 is the summer bank holiday"),
    ],
    "us-frap-appeal": [
        (D(2022, 6, 3), D(2022, 7, 5), "3 July a Sunday, 4 July Independence Day"),
        (D(2022, 1, 31), D(2022, 3, 2), "30 days over a short February"),
        (D(2020, 1, 31), D(2020, 3, 2), "leap year: 1 March 2020 is a Sunday"),
    ],
    "us-frap-appeal-us-party": [
        (D(2022, 6, 3), D(2022, 8, 2), "60 days"),
        (D(2022, 9, 26), D(2022, 11, 25), "25 Nov 2022 is the day after Thanksgiving (a working day)"),
    ],
    "de-zpo-appeal": [
        (D(2022, 1, 31), D(2022, 2, 28), "31 Jan + 1 month"),
        (D(2022, 9, 3), D(2022, 10, 4), "3 Oct is German Unity Day"),
        (D(2024, 1, 30), D(2024, 2, 29), "leap year"),
    ],
    "eu-cjeu-appeal": [
        (D(2022, 3, 15), D(2022, 5, 25), "2 months + 10 days"),
        (D(2021, 12, 31), D(2022, 3, 10), "31 Dec + 2 months -> 28 Feb, + 10 days"),
        (D(2022, 4, 13), D(2022, 6, 24), "13 June + 10 days = 23 June (Luxembourg National Day)"),
    ],
}


@pytest.mark.parametrize(
    ("code", "trigger", "due"),
    [
        pytest.param(code, trigger, due, id=f"{code}: {why}")
        for code, rows in CASES.items()
        for trigger, due, why in rows
    ],
)
def test_rule_table(code, trigger, due):
    assert deadline_compute(code, trigger).due_on == due


def test_every_rule_has_a_table():
    assert sorted(CASES) == rule_codes()


def test_the_trail_explains_the_roll_over():
    result = deadline_compute("ru-gpk-appeal", D(2020, 1, 29))
    assert tuple(explanation_text(result.steps)) == (
        "ru-gpk-appeal version 2012-01-01 (GPK RF art. 321(2)) is the version in force on 2020-01-29.",
        "Trigger (decision in final form): 2020-01-29. Counting starts on 2020-01-30, the day after "
        "(GPK RF arts. 107(3), 108(1)-(2)).",
        "A period of 1 month from 2020-01-29 ends on the same date of the last month, 2020-02-29.",
        "2020-02-29 is a Saturday; 2020-03-01 is a Sunday -> 2020-03-02, the next working day.",
        "Due on 2020-03-02.",
    )


def test_the_ecthr_does_not_roll_over_and_says_so():
    result = deadline_compute("echr-application", D(2022, 1, 31))
    assert tuple(explanation_text(result.steps))[-2:] == (
        "2022-07-31 is a Sunday: this forum does not move a deadline off a weekend or holiday.",
        "Due on 2022-07-31.",
    )


@pytest.mark.parametrize(
    ("served", "pronounced", "due"),
    [
        (D(2022, 9, 15), D(2022, 3, 1), D(2022, 9, 1)),  # served late: runs from 1 Aug (5 months)
        (D(2022, 4, 1), D(2022, 3, 1), D(2022, 5, 2)),  # served in time: 1 May is a Sunday -> Monday
        (D(2022, 9, 15), None, D(2022, 10, 17)),  # no pronouncement date: no cap (15 Oct is a Saturday)
    ],
)
def test_zpo_517_the_period_starts_at_the_latest_five_months_after_pronouncement(served, pronounced, due):
    assert deadline_compute("de-zpo-appeal", served, pronounced_on=pronounced).due_on == due


def test_cjeu_the_distance_extension_comes_before_the_roll_over():
    result = deadline_compute("eu-cjeu-appeal", D(2022, 4, 13))
    assert tuple(explanation_text(result.steps))[2:5] == (
        "A period of 2 months from 2022-04-13 ends on the same date of the last month, 2022-06-13.",
        "Extended on account of distance by a single period of 10 days: 2022-06-23.",
        "2022-06-23 is a public holiday (National Day) -> 2022-06-24, the next working day.",
    )


# --- Properties over every rule ---------------------------------------------------------------

triggers = st.dates(min_value=D(2019, 10, 1), max_value=D(2030, 12, 31))
codes = st.sampled_from(rule_codes())


@settings(max_examples=400, deadline=None)
@given(code=codes, trigger=triggers)
def test_the_due_date_is_never_before_the_trigger(code, trigger):
    assert deadline_compute(code, trigger).due_on > trigger


@settings(max_examples=400, deadline=None)
@given(code=codes, trigger=triggers)
def test_the_due_date_is_a_working_day_where_the_forum_rolls_over(code, trigger):
    result = deadline_compute(code, trigger)
    if result.rule.rolls_over_on is not None:
        assert non_working_reason(result.due_on, result.rule.rolls_over_on) is None


@settings(max_examples=400, deadline=None)
@given(code=codes, trigger=triggers, later_by=st.integers(min_value=1, max_value=400))
def test_a_later_trigger_never_gives_an_earlier_due_date_under_one_version(code, trigger, later_by):
    later = trigger + dt.timedelta(days=later_by)
    earlier_result, later_result = deadline_compute(code, trigger), deadline_compute(code, later)
    # Across a change in the law a later trigger can give an earlier date (ECtHR: 6 months for a
    # decision of 31 Jan 2022, 4 months for one of 1 Feb 2022): that is the law, not a bug.
    if earlier_result.rule == later_result.rule:
        assert later_result.due_on >= earlier_result.due_on


def test_a_change_in_the_law_can_move_the_due_date_earlier():
    assert deadline_compute("echr-application", D(2022, 1, 31)).due_on == D(2022, 7, 31)
    assert deadline_compute("echr-application", D(2022, 2, 1)).due_on == D(2022, 6, 1)
