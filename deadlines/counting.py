"""Counting conventions, one named function each, and `deadline_compute`, which applies a rule
row (`deadlines/rules.py`) to a trigger date and explains every step it took.

Pure functions on dates: no database, no clock. The explanation trail is what a lawyer reads to
check the date by hand ("2020-02-29 is a Saturday -> 2020-03-02").
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

import holidays

from deadlines.rules import Calendar, Rule, Unit, rule_in_force

ONE_DAY = dt.timedelta(days=1)


# --- Conventions ------------------------------------------------------------------------------


def period_starts_on(trigger: dt.date) -> dt.date:
    """A period runs from the day after the event that triggers it.

    GPK RF art. 107(3), KAS RF art. 92, FRAP 26(a)(1)(A), CPR 2.8(3) (clear days),
    BGB section 187(1), CJEU Rules of Procedure art. 49(1)(a); the ECtHR counts the same way.
    """
    return trigger + ONE_DAY


def add_days(trigger: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` calendar days: day 1 is the day after the trigger."""
    return period_starts_on(trigger) + dt.timedelta(days=days - 1)


def add_months_clamped(trigger: dt.date, months: int) -> tuple[dt.date, bool]:
    """The last day of a period of `months` months, and whether it was clamped to a month's end.

    The period ends on the date of the last month that matches the trigger date; where that
    month has no such date, on the month's last day (GPK RF art. 108(1), KAS RF art. 93,
    BGB section 188(2)-(3), CJEU Rules of Procedure art. 49(1)(b), Otto v. Germany (dec.)).
    """
    index = trigger.month - 1 + months
    year, month = trigger.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(trigger.day, last)), trigger.day > last


@functools.cache
def holiday_calendar(which: Calendar) -> holidays.HolidayBase:
    """The `holidays` calendar for a forum's country (years are filled in on first use).

    The CJEU counts its own list of official holidays (Rules of Procedure art. 49(2)); it is
    Luxembourg's public holidays in substance (New Year, Easter Monday, 1 and 9 May, Ascension,
    Whit Monday, 23 June, 15 August, 1 November, 25-26 December), so Luxembourg's calendar stands
    in for it. Check the Court's list for the year when it matters.
    """
    country, _, subdiv = which.value.partition("-")
    return holidays.country_holidays(country, subdiv=subdiv or None)


def non_working_reason(day: dt.date, which: Calendar) -> str | None:
    """Why `day` is not a working day in that calendar ("a Saturday", "a public holiday (...)"),
    or None when it is a working day (a Saturday made a working day by a transfer counts as one)."""
    days_off = holiday_calendar(which)
    name = days_off.get(day)  # also fills in the year, including its transferred working days
    if days_off.is_working_day(day):
        return None
    weekday = day.strftime("%A")
    if name:
        kind = "a day off" if "day off" in name.lower() else "a public holiday"
        return f"a {weekday} and {kind} ({name})" if days_off.is_weekend(day) else f"{kind} ({name})"
    return f"a {weekday}"


def roll_over(day: dt.date, which: Calendar) -> tuple[dt.date, list[str]]:
    """A period whose last day is not a working day ends on the next working day
    (GPK RF art. 108(2), KAS RF art. 93, CPR 2.8(5), FRAP 26(a)(1)(C), ZPO section 222(2),
    CJEU Rules of Procedure art. 49(2))."""
    reason = non_working_reason(day, which)
    if reason is None:
        if day.weekday() >= 5:
            return day, [f"{day} is a {day:%A} but a working day (a transferred working day): the period ends on it."]
        return day, [f"{day} is a working day ({day:%A})."]
    skipped = [f"{day} is {reason}"]
    end = day + ONE_DAY
    while (next_reason := non_working_reason(end, which)) is not None:
        skipped.append(f"{end} is {next_reason}")
        end += ONE_DAY
    return end, ["; ".join(skipped) + f" -> {end}, the next working day."]


# --- Applying a rule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Computation:
    rule: Rule
    trigger_on: dt.date
    due_on: dt.date
    steps: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.code,
            "version": self.rule.version,
            "title": self.rule.title,
            "source": self.rule.source,
            "counting": self.rule.counting_source,
            "trigger": self.rule.trigger,
            "trigger_on": self.trigger_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "steps": list(self.steps),
        }


def _period_end(rule: Rule, start_event: dt.date, steps: list[str]) -> dt.date:
    if rule.unit is Unit.MONTHS:
        end, clamped = add_months_clamped(start_event, rule.amount)
        months = f"A period of {rule.amount} month{'s' if rule.amount > 1 else ''}"
        if clamped:
            steps.append(
                f"{months} from {start_event}: {end:%B %Y} has no day {start_event.day}, so the period ends on "
                f"the month's last day, {end}."
            )
        else:
            steps.append(f"{months} from {start_event} ends on the same date of the last month, {end}.")
        return end
    end = add_days(start_event, rule.amount)
    steps.append(f"{rule.amount} days counted from {period_starts_on(start_event)}: the last one is {end}.")
    return end


def deadline_compute(code: str, trigger_on: dt.date, *, pronounced_on: dt.date | None = None) -> Computation:
    """The due date under the version of rule `code` in force on `trigger_on`, with the steps.

    `pronounced_on` is used by rules capped from pronouncement (ZPO section 517); without it the
    cap is not applied and the trail says so. Raises `UnknownRule` / `NoVersionInForce`.
    """
    rule = rule_in_force(code, trigger_on)
    steps = [
        f"{rule.code} version {rule.version} ({rule.source}) is the version in force on {trigger_on}.",
        f"Trigger ({rule.trigger}): {trigger_on}. Counting starts on {period_starts_on(trigger_on)}, "
        f"the day after ({rule.counting_source}).",
    ]
    start_event = trigger_on
    if rule.latest_start_months_after_pronouncement:
        start_event = _latest_start(rule, trigger_on, pronounced_on, steps)
    end = _period_end(rule, start_event, steps)
    if rule.distance_days:
        end += dt.timedelta(days=rule.distance_days)
        steps.append(f"Extended on account of distance by a single period of {rule.distance_days} days: {end}.")
    if rule.rolls_over_on is None:
        if end.weekday() >= 5:
            steps.append(f"{end} is a {end:%A}: this forum does not move a deadline off a weekend or holiday.")
    else:
        end, rolled = roll_over(end, rule.rolls_over_on)
        steps.extend(rolled)
    if rule.note:
        steps.append(rule.note)
    steps.append(f"Due on {end}.")
    return Computation(rule=rule, trigger_on=trigger_on, due_on=end, steps=tuple(steps))


def _latest_start(rule: Rule, trigger_on: dt.date, pronounced_on: dt.date | None, steps: list[str]) -> dt.date:
    months = rule.latest_start_months_after_pronouncement
    assert months is not None  # noqa: S101  # only called for capped rules
    if pronounced_on is None:
        steps.append(
            f"The date of pronouncement was not given: the cap of {months} months after it ({rule.source}) "
            "is not applied."
        )
        return trigger_on
    latest, _ = add_months_clamped(pronounced_on, months)
    # ZPO section 517: the period starts with service, "at the latest" when five months from
    # pronouncement have run. That point is not moved off a holiday here: the earlier date is the safe one.
    if latest < trigger_on:
        steps.append(
            f"Pronounced on {pronounced_on}: the period starts at the latest {months} months later, on {latest}, "
            f"before the trigger date ({rule.source}); it runs from {latest}."
        )
        return latest
    steps.append(f"Pronounced on {pronounced_on}: the {months}-month cap ({latest}) is not reached.")
    return trigger_on
