"""Counting conventions, one named function each, and `deadline_compute`, which applies a rule
row (`deadlines/rules.py`) to a trigger date and explains every step it took.

Pure functions on dates: no database, no clock. The explanation trail is what a lawyer reads to
check the date by hand ("2020-02-29 is a Saturday -> 2020-03-02").
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import holidays
from django.utils.translation import gettext_noop as N_

from deadlines.explanation import (
    Step,
    explanation_text,
    holiday,
    holiday_names,
    joined,
    month,
    msg,
    plural_step,
    step,
    weekday,
)
from deadlines.rules import Calendar, Rule, Unit, rule_in_force

ONE_DAY = dt.timedelta(days=1)
# The catalogue context of the rule table's trigger names (shared with the dossier and emails).
TRIGGER_CONTEXT = "dossier: Deadline.trigger_label"


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


def holiday_calendar(which: Calendar) -> holidays.HolidayBase:
    """The `holidays` calendar for a forum's country (years are filled in on first use).

    The CJEU counts its own list of official holidays (Rules of Procedure art. 49(2)); it is
    Luxembourg's public holidays in substance (New Year, Easter Monday, 1 and 9 May, Ascension,
    Whit Monday, 23 June, 15 August, 1 November, 25-26 December), so Luxembourg's calendar stands
    in for it. Check the Court's list for the year when it matters.
    """
    # Named in English: the names tell a substituted day off from a public holiday (below).
    return holiday_names(which.value, "en")


def non_working_reason(day: dt.date, which: Calendar) -> Step | None:
    """Why `day` is not a working day in that calendar ("2020-02-29 is a Saturday", "... is a
    public holiday (...)"), as a step of the explanation, or None when it is a working day (a
    Saturday made a working day by a transfer counts as one)."""
    days_off = holiday_calendar(which)
    name = days_off.get(day)  # also fills in the year, including its transferred working days
    if days_off.is_working_day(day):
        return None
    args = {"date": day.isoformat(), "weekday": weekday(day)}
    if not name:
        return step(N_("%(date)s is a %(weekday)s"), **args)
    name_arg = holiday(which.value, day)
    # The package's English names tell a substituted day off from a public holiday.
    if "day off" in name.lower():
        if days_off.is_weekend(day):
            return step(N_("%(date)s is a %(weekday)s and a day off (%(name)s)"), name=name_arg, **args)
        return step(N_("%(date)s is a day off (%(name)s)"), name=name_arg, date=args["date"])
    if days_off.is_weekend(day):
        return step(N_("%(date)s is a %(weekday)s and a public holiday (%(name)s)"), name=name_arg, **args)
    return step(N_("%(date)s is a public holiday (%(name)s)"), name=name_arg, date=args["date"])


def roll_over(day: dt.date, which: Calendar) -> tuple[dt.date, list[Step]]:
    """A period whose last day is not a working day ends on the next working day
    (GPK RF art. 108(2), KAS RF art. 93, CPR 2.8(5), FRAP 26(a)(1)(C), ZPO section 222(2),
    CJEU Rules of Procedure art. 49(2))."""
    reason = non_working_reason(day, which)
    if reason is None:
        if day.weekday() >= 5:
            return day, [
                step(
                    N_(
                        "%(date)s is a %(weekday)s but a working day (a transferred working day): the period ends on it."
                    ),
                    date=day.isoformat(),
                    weekday=weekday(day),
                )
            ]
        return day, [step(N_("%(date)s is a working day (%(weekday)s)."), date=day.isoformat(), weekday=weekday(day))]
    skipped = [reason]
    end = day + ONE_DAY
    while (next_reason := non_working_reason(end, which)) is not None:
        skipped.append(next_reason)
        end += ONE_DAY
    return end, [
        step(N_("%(days)s -> %(end)s, the next working day."), days=joined(skipped, "; "), end=end.isoformat())
    ]


# --- Applying a rule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Computation:
    rule: Rule
    trigger_on: dt.date
    due_on: dt.date
    steps: tuple[Step, ...] = field(default_factory=tuple)

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
            "steps": explanation_text(self.steps),
        }


def _period_end(rule: Rule, start_event: dt.date, steps: list[Step]) -> dt.date:
    if rule.unit is Unit.MONTHS:
        end, clamped = add_months_clamped(start_event, rule.amount)
        args = {"start": start_event.isoformat(), "end": end.isoformat()}
        if clamped:
            steps.append(
                plural_step(
                    "A period of %(count)d month from %(start)s: %(month)s has no day %(day)d, so the period "
                    "ends on the month's last day, %(end)s.",
                    "A period of %(count)d months from %(start)s: %(month)s has no day %(day)d, so the period "
                    "ends on the month's last day, %(end)s.",
                    rule.amount,
                    month=month(end),
                    day=start_event.day,
                    **args,
                )
            )
        else:
            steps.append(
                plural_step(
                    "A period of %(count)d month from %(start)s ends on the same date of the last month, %(end)s.",
                    "A period of %(count)d months from %(start)s ends on the same date of the last month, %(end)s.",
                    rule.amount,
                    **args,
                )
            )
        return end
    end = add_days(start_event, rule.amount)
    steps.append(
        plural_step(
            "%(count)d day counted from %(start)s: the last one is %(end)s.",
            "%(count)d days counted from %(start)s: the last one is %(end)s.",
            rule.amount,
            start=period_starts_on(start_event).isoformat(),
            end=end.isoformat(),
        )
    )
    return end


def deadline_compute(code: str, trigger_on: dt.date, *, pronounced_on: dt.date | None = None) -> Computation:
    """The due date under the version of rule `code` in force on `trigger_on`, with the steps
    (language-free: `deadlines.explanation.explanation_text` reads them in a language).

    `pronounced_on` is used by rules capped from pronouncement (ZPO section 517); without it the
    cap is not applied and the trail says so. Raises `UnknownRule` / `NoVersionInForce`.
    """
    rule = rule_in_force(code, trigger_on)
    steps = [
        step(
            N_("%(rule)s version %(version)s (%(source)s) is the version in force on %(date)s."),
            rule=rule.code,
            version=rule.version,
            source=rule.source,
            date=trigger_on.isoformat(),
        ),
        step(
            N_("Trigger (%(trigger)s): %(date)s. Counting starts on %(start)s, the day after (%(source)s)."),
            trigger=msg(rule.trigger, TRIGGER_CONTEXT),
            date=trigger_on.isoformat(),
            start=period_starts_on(trigger_on).isoformat(),
            source=rule.counting_source,
        ),
    ]
    start_event = trigger_on
    if rule.latest_start_months_after_pronouncement:
        start_event = _latest_start(rule, trigger_on, pronounced_on, steps)
    end = _period_end(rule, start_event, steps)
    if rule.distance_days:
        end += dt.timedelta(days=rule.distance_days)
        steps.append(
            plural_step(
                "Extended on account of distance by a single period of %(count)d day: %(end)s.",
                "Extended on account of distance by a single period of %(count)d days: %(end)s.",
                rule.distance_days,
                end=end.isoformat(),
            )
        )
    if rule.rolls_over_on is None:
        if end.weekday() >= 5:
            steps.append(
                step(
                    N_("%(date)s is a %(weekday)s: this forum does not move a deadline off a weekend or holiday."),
                    date=end.isoformat(),
                    weekday=weekday(end),
                )
            )
    else:
        end, rolled = roll_over(end, rule.rolls_over_on)
        steps.extend(rolled)
    if rule.note:
        steps.append(step(rule.note))
    steps.append(step(N_("Due on %(date)s."), date=end.isoformat()))
    return Computation(rule=rule, trigger_on=trigger_on, due_on=end, steps=tuple(steps))


def _latest_start(rule: Rule, trigger_on: dt.date, pronounced_on: dt.date | None, steps: list[Step]) -> dt.date:
    months = rule.latest_start_months_after_pronouncement
    assert months is not None  # noqa: S101  # only called for capped rules
    if pronounced_on is None:
        steps.append(
            plural_step(
                "The date of pronouncement was not given: the cap of %(count)d month after it (%(source)s) "
                "is not applied.",
                "The date of pronouncement was not given: the cap of %(count)d months after it (%(source)s) "
                "is not applied.",
                months,
                source=rule.source,
            )
        )
        return trigger_on
    latest, _ = add_months_clamped(pronounced_on, months)
    # ZPO section 517: the period starts with service, "at the latest" when five months from
    # pronouncement have run. That point is not moved off a holiday here: the earlier date is the safe one.
    if latest < trigger_on:
        steps.append(
            plural_step(
                "Pronounced on %(date)s: the period starts at the latest %(count)d month later, on %(latest)s, "
                "before the trigger date (%(source)s); it runs from %(latest)s.",
                "Pronounced on %(date)s: the period starts at the latest %(count)d months later, on %(latest)s, "
                "before the trigger date (%(source)s); it runs from %(latest)s.",
                months,
                date=pronounced_on.isoformat(),
                latest=latest.isoformat(),
                source=rule.source,
            )
        )
        return latest
    steps.append(
        step(
            N_("Pronounced on %(date)s: the %(count)d-month cap (%(latest)s) is not reached."),
            date=pronounced_on.isoformat(),
            count=months,
            latest=latest.isoformat(),
        )
    )
    return trigger_on
