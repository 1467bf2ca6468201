"""Which rules run from which ruling, and from which of its dates: data, like the rule table.

The data model knows a ruling's court (jurisdiction and level), the case's proceeding, and four
dates: `decided_on` (pronounced), `final_form_on` (reasoned decision), `in_force` /
`in_force_on`. It does not know when a copy was served or received. Where a rule runs from such
an event we take the earliest date the event can have happened (a copy cannot be served before
the decision exists in final form), so the tracker never shows a deadline later than the real
one; a lawyer who knows the service date overrides the date with that reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

from cases.models import Case, Court, Jurisdiction, Ruling
from deadlines.rules import NoVersionInForce, rule_in_force

RU, FIRST, APPEAL = Jurisdiction.RUSSIA.value, Court.Level.FIRST_INSTANCE.value, Court.Level.APPEAL.value
CIVIL, ADMINISTRATIVE = Case.Proceeding.CIVIL.value, Case.Proceeding.ADMINISTRATIVE.value

# Translated where a deadline's explanation is read (deadlines/explanation.py).
DATE_LABELS = {
    "decided_on": N_("date the decision was pronounced"),
    "final_form_on": N_("date of the decision in final form"),
    "in_force_on": N_("date of entry into force"),
}


@dataclass(frozen=True)
class Applies:
    rule_code: str
    jurisdiction: str
    court_levels: frozenset[str]
    proceedings: frozenset[str] | None  # None: any proceeding
    # Ruling fields to take the trigger date from, tried in order; a field paired with a version
    # is used only when that version is the one in force on its date.
    trigger_fields: tuple[tuple[str, str | None], ...]
    needs_in_force: bool = False
    pronounced_field: str | None = None  # for rules capped from pronouncement (ZPO 517)
    why: str = ""


APPLICABILITY: tuple[Applies, ...] = (
    Applies("ru-gpk-appeal", RU, frozenset({FIRST}), frozenset({CIVIL}), (("final_form_on", None),)),
    Applies("ru-kas-appeal", RU, frozenset({FIRST}), frozenset({ADMINISTRATIVE}), (("final_form_on", None),)),
    Applies(
        "ru-koap-complaint",
        RU,
        frozenset({FIRST}),
        frozenset({Case.Proceeding.ADMINISTRATIVE_OFFENCE.value}),
        (("final_form_on", None),),
        why=N_("Runs from receipt of a copy, which the data model does not hold: the final-form date is the earliest."),
    ),
    # GPK RF art. 376(1): cassation lies only after the appeal was used, so it runs from
    # appellate rulings, which enter into force when pronounced (GPK RF art. 329(5)).
    Applies(
        "ru-gpk-cassation",
        RU,
        frozenset({APPEAL}),
        frozenset({CIVIL}),
        (("final_form_on", "2024-09-01"), ("in_force_on", None)),
        needs_in_force=True,
        why=N_(
            "Since 2024-09-01 the period runs from the reasoned appellate ruling; before that, or while its "
            "date is unknown, from entry into force (the earlier date)."
        ),
    ),
    Applies("ru-kas-cassation", RU, frozenset({APPEAL}), frozenset({ADMINISTRATIVE}), (("in_force_on", None),), True),
    Applies(
        "ru-gpk-supreme", RU, frozenset({Court.Level.CASSATION.value}), frozenset({CIVIL}), (("decided_on", None),)
    ),
    # The final domestic decision (ECHR art. 35(1)) is the last effective remedy, which the
    # Court decides case by case (for Russian civil cassation: Abramyan and Others v. Russia
    # (dec.), 2015). The data model has no "final" flag, so a deadline runs from every Russian
    # ruling in force at appeal level or above: the earliest is the safe one, and a lawyer closes
    # the others. It runs from pronouncement, the earliest date the Court could take.
    Applies(
        "echr-application",
        RU,
        frozenset({APPEAL, Court.Level.CASSATION.value, Court.Level.SUPREME.value}),
        None,
        (("decided_on", None),),
        needs_in_force=True,
    ),
    Applies("ew-cpr-appeal", Jurisdiction.ENGLAND_WALES.value, frozenset({FIRST}), None, (("decided_on", None),)),
    # FRAP 4(a)(1)(B) (60 days where the United States is a party) is not chosen automatically:
    # the parties do not say whether one is the US. The 30-day rule is the earlier date.
    Applies(
        "us-frap-appeal",
        Jurisdiction.US_FEDERAL.value,
        frozenset({FIRST}),
        frozenset({CIVIL, Case.Proceeding.JUDICIAL_REVIEW.value}),
        (("decided_on", None),),
        why=N_("Runs from entry of the judgment; the decision date is the earliest."),
    ),
    Applies(
        "de-zpo-appeal",
        Jurisdiction.GERMANY.value,
        frozenset({FIRST}),
        frozenset({CIVIL}),
        (("final_form_on", None),),
        pronounced_field="decided_on",
        why=N_("Runs from service of the full judgment; the final-form date is the earliest."),
    ),
    Applies(
        "eu-cjeu-appeal",
        Jurisdiction.EU.value,
        frozenset({FIRST}),
        None,
        (("decided_on", None),),
        why=N_("Runs from notification; the decision date is the earliest."),
    ),
)


@dataclass(frozen=True)
class Trigger:
    applies: Applies
    on: dt.date | None  # None: not known yet
    field: str

    @property
    def label(self) -> str:
        return DATE_LABELS[self.field]


def rules_for_ruling(ruling: Ruling) -> list[Trigger]:
    """The rules that run from this ruling now, each with its trigger date (or None)."""
    court, case = ruling.court, ruling.case
    found = []
    for applies in APPLICABILITY:
        if applies.jurisdiction != court.jurisdiction or court.level not in applies.court_levels:
            continue
        if applies.proceedings is not None and case.proceeding not in applies.proceedings:
            continue
        if applies.needs_in_force and not ruling.in_force:
            continue
        found.append(_trigger(applies, ruling))
    return found


def _trigger(applies: Applies, ruling: Ruling) -> Trigger:
    for field, version in applies.trigger_fields:
        on = getattr(ruling, field)
        if on is None:
            continue
        if version is None:
            return Trigger(applies, on, field)
        try:
            if rule_in_force(applies.rule_code, on).version == version:
                return Trigger(applies, on, field)
        except NoVersionInForce:
            continue
    return Trigger(applies, None, applies.trigger_fields[-1][0])
