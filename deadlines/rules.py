"""The rule table: which period runs from which event, in which forum, under which article.

Data, not `if`s. Each row is one version of a rule, in force from `valid_from` to `valid_to`
(both inclusive; `None` means open-ended). The version in force on the trigger date applies
(`/work/shared/domain/deadlines.md`). How a period is counted is named here and implemented, one
convention per function, in `deadlines/counting.py`. Check a row against the cited text before
relying on it; a change in the law is a new row with the old row's `valid_to` set, never an edit
of the old row (computed deadlines keep the version they were computed with).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_noop as N_


class Unit(StrEnum):
    DAYS = "days"
    MONTHS = "months"


class Calendar(StrEnum):
    """Whose non-working days a period ending on them rolls over (the `holidays` package)."""

    RUSSIA = "RU"  # incl. transferred working Saturdays and substituted days off
    ENGLAND = "GB-ENG"  # bank holidays in England and Wales: the court office is closed
    US_FEDERAL = "US"  # federal legal holidays (FRAP 26(a)(6)), observed dates included
    GERMANY = "DE"  # nationwide public holidays only: a Land's own holidays are not modelled
    CJEU = "LU"  # Luxembourg's public holidays, standing in for the Court's list (see counting.py)


class Step(StrEnum):
    """What the deadline is for; matches `cases.models.Appeal.Kind`, so filing closes it."""

    APPEAL = "appeal"
    CASSATION = "cassation"
    SUPREME = "supervisory"
    INTERNATIONAL = "international"


@dataclass(frozen=True)
class Rule:
    code: str
    version: str
    title: str
    forum: str  # a `cases.models.Jurisdiction` value
    step: Step
    trigger: str  # the event the period runs from, as the law names it
    amount: int
    unit: Unit
    source: str  # the article(s) the period comes from
    counting_source: str  # the article(s) saying how it is counted
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # None: no roll-over; the period ends on its last day even on a weekend or holiday.
    rolls_over_on: Calendar | None = None
    distance_days: int = 0  # CJEU: a single extension on account of distance, added before roll-over
    # ZPO 517: the period starts at the latest when this many months have run from pronouncement.
    latest_start_months_after_pronouncement: int | None = None
    note: str = ""

    def in_force_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def label(self) -> str:
        return f"{self.code} ({self.version})"


D = dt.date
RU_COUNTING = "GPK RF arts. 107(3), 108(1)-(2)"
KAS_COUNTING = "KAS RF arts. 92, 93"

RULES: tuple[Rule, ...] = (
    Rule(
        code="ru-gpk-appeal",
        version="2012-01-01",
        title="Appeal against a first-instance civil decision (Russia, GPK)",
        forum="ru",
        step=Step.APPEAL,
        trigger="decision in final form",
        amount=1,
        unit=Unit.MONTHS,
        source="GPK RF art. 321(2)",
        counting_source=RU_COUNTING,
        valid_from=D(2012, 1, 1),  # appeal instance introduced by Federal Law 353-FZ of 09.12.2010
        rolls_over_on=Calendar.RUSSIA,
    ),
    Rule(
        code="ru-kas-appeal",
        version="2015-09-15",
        title="Appeal against a first-instance administrative-claim decision (Russia, KAS)",
        forum="ru",
        step=Step.APPEAL,
        trigger="decision in final form",
        amount=1,
        unit=Unit.MONTHS,
        source="KAS RF art. 298(1)",
        counting_source=KAS_COUNTING,
        valid_from=D(2015, 9, 15),  # KAS RF in force
        rolls_over_on=Calendar.RUSSIA,
    ),
    Rule(
        code="ru-gpk-cassation",
        version="2019-10-01",
        title="Cassation complaint to a cassation court of general jurisdiction (Russia, GPK)",
        forum="ru",
        step=Step.CASSATION,
        trigger="entry into force of the decision challenged",
        amount=3,
        unit=Unit.MONTHS,
        source="GPK RF art. 376.1(1) (Federal Law 451-FZ)",
        counting_source=RU_COUNTING,
        valid_from=D(2019, 10, 1),  # the cassation courts of general jurisdiction opened
        valid_to=D(2024, 8, 31),
        rolls_over_on=Calendar.RUSSIA,
    ),
    Rule(
        code="ru-gpk-cassation",
        version="2024-09-01",
        title="Cassation complaint to a cassation court of general jurisdiction (Russia, GPK)",
        forum="ru",
        step=Step.CASSATION,
        trigger="the reasoned appellate ruling is produced (where there was an appeal), else entry into force",
        amount=3,
        unit=Unit.MONTHS,
        source="GPK RF art. 376.1(1) as amended by Federal Law 135-FZ",
        counting_source=RU_COUNTING,
        valid_from=D(2024, 9, 1),
        rolls_over_on=Calendar.RUSSIA,
    ),
    Rule(
        code="ru-kas-cassation",
        version="2015-09-15",
        title="Cassation complaint (Russia, KAS)",
        forum="ru",
        step=Step.CASSATION,
        trigger="entry into force of the decision challenged",
        amount=6,
        unit=Unit.MONTHS,
        source="KAS RF art. 318(2)",
        counting_source=KAS_COUNTING,
        valid_from=D(2015, 9, 15),
        rolls_over_on=Calendar.RUSSIA,
    ),
    Rule(
        code="ru-gpk-supreme",
        version="2019-10-01",
        title="Cassation complaint to the Supreme Court (second cassation, Russia, GPK)",
        forum="ru",
        step=Step.SUPREME,
        trigger="ruling of the cassation court",
        amount=3,
        unit=Unit.MONTHS,
        source="GPK RF art. 390.3(1)",
        counting_source=RU_COUNTING,
        valid_from=D(2019, 10, 1),
        rolls_over_on=Calendar.RUSSIA,
    ),
    Rule(
        code="ru-koap-complaint",
        version="until-2024-10-28",
        title="Complaint against a decision in an administrative-offence case (Russia, KoAP)",
        forum="ru",
        step=Step.APPEAL,
        trigger="delivery or receipt of a copy of the decision",
        amount=10,
        unit=Unit.DAYS,
        source="KoAP RF art. 30.3(1) ('10 sutki')",
        counting_source="KoAP RF art. 4.8 (periods in sutki run on calendar days, no roll-over)",
        valid_to=D(2024, 10, 28),
        rolls_over_on=None,
    ),
    Rule(
        code="ru-koap-complaint",
        version="2024-10-29",
        title="Complaint against a decision in an administrative-offence case (Russia, KoAP)",
        forum="ru",
        step=Step.APPEAL,
        trigger="delivery or receipt of a copy of the decision",
        amount=10,
        unit=Unit.DAYS,
        source="KoAP RF art. 30.3(1) as amended by Federal Law 364-FZ of 29.10.2024 ('10 days')",
        counting_source="KoAP RF art. 4.8(2) as amended by 364-FZ (a last day off work moves to the next working day)",
        valid_from=D(2024, 10, 29),
        rolls_over_on=Calendar.RUSSIA,
    ),
    Rule(
        code="echr-application",
        version="6-months",
        title="Application to the European Court of Human Rights",
        forum="echr",
        step=Step.INTERNATIONAL,
        trigger="final domestic decision",
        amount=6,
        unit=Unit.MONTHS,
        source="ECHR art. 35(1)",
        counting_source="Otto v. Germany (dec.), 2005; Sabri Gunes v. Turkey [GC], 2012 (no roll-over)",
        valid_to=D(2022, 1, 31),
        rolls_over_on=None,
    ),
    Rule(
        code="echr-application",
        version="4-months",
        title="Application to the European Court of Human Rights",
        forum="echr",
        step=Step.INTERNATIONAL,
        trigger="final domestic decision",
        amount=4,
        unit=Unit.MONTHS,
        source="ECHR art. 35(1) as amended by Protocol No. 15 (art. 8(3): final decisions from 1 February 2022)",
        counting_source="Otto v. Germany (dec.), 2005; Sabri Gunes v. Turkey [GC], 2012 (no roll-over)",
        valid_from=D(2022, 2, 1),
        rolls_over_on=None,
        note=N_(
            "Applications against Russia: Russia ceased to be a party on 16 September 2022: only facts before that date can be brought."
        ),
    ),
    Rule(
        code="ew-cpr-appeal",
        version="2016-10-03",
        title="Appellant's notice (England and Wales, CPR)",
        forum="gb-ew",
        step=Step.APPEAL,
        trigger="date of the decision of the lower court",
        amount=21,
        unit=Unit.DAYS,
        source="CPR 52.12(2)(b)",
        counting_source="CPR 2.8(2)-(3) (clear days), 2.8(5) (court office closed: next day it is open)",
        valid_from=D(2016, 10, 3),  # Part 52 as renumbered by the Civil Procedure (Amendment No. 3) Rules 2016
        rolls_over_on=Calendar.ENGLAND,
    ),
    Rule(
        code="us-frap-appeal",
        version="2009-12-01",
        title="Notice of appeal in a civil case (US federal)",
        forum="us-fed",
        step=Step.APPEAL,
        trigger="entry of the judgment or order appealed from",
        amount=30,
        unit=Unit.DAYS,
        source="FRAP 4(a)(1)(A)",
        counting_source="FRAP 26(a)(1), 26(a)(6)",
        valid_from=D(2009, 12, 1),  # FRAP 26(a) 'days are days' amendments
        rolls_over_on=Calendar.US_FEDERAL,
    ),
    Rule(
        code="us-frap-appeal-us-party",
        version="2009-12-01",
        title="Notice of appeal in a civil case where the United States is a party (US federal)",
        forum="us-fed",
        step=Step.APPEAL,
        trigger="entry of the judgment or order appealed from",
        amount=60,
        unit=Unit.DAYS,
        source="FRAP 4(a)(1)(B)",
        counting_source="FRAP 26(a)(1), 26(a)(6)",
        valid_from=D(2009, 12, 1),
        rolls_over_on=Calendar.US_FEDERAL,
    ),
    Rule(
        code="de-zpo-appeal",
        version="2002-01-01",
        title="Berufung (Germany, ZPO)",
        forum="de",
        step=Step.APPEAL,
        trigger="service of the judgment in full form",
        amount=1,
        unit=Unit.MONTHS,
        source="ZPO section 517",
        counting_source="ZPO section 222(1)-(2); BGB sections 187(1), 188(2)-(3)",
        valid_from=D(2002, 1, 1),  # ZPO-Reformgesetz
        rolls_over_on=Calendar.GERMANY,
        latest_start_months_after_pronouncement=5,
    ),
    Rule(
        code="eu-cjeu-appeal",
        version="2012-11-01",
        title="Appeal to the Court of Justice against a General Court decision",
        forum="eu",
        step=Step.APPEAL,
        trigger="notification of the decision",
        amount=2,
        unit=Unit.MONTHS,
        source="Statute of the CJEU art. 56",
        counting_source="Rules of Procedure of the Court of Justice arts. 49, 51",
        valid_from=D(2012, 11, 1),  # Rules of Procedure of 25 September 2012 in force
        rolls_over_on=Calendar.CJEU,
        distance_days=10,
    ),
)


class UnknownRule(LookupError):
    pass


class NoVersionInForce(LookupError):
    pass


def rule_codes() -> list[str]:
    return sorted({rule.code for rule in RULES})


def rule_versions(code: str) -> list[Rule]:
    versions = [rule for rule in RULES if rule.code == code]
    if not versions:
        raise UnknownRule(f"There is no rule {code!r}. Known rules: {', '.join(rule_codes())}.")
    return versions


def rule_in_force(code: str, on: dt.date) -> Rule:
    """The version of the rule in force on the trigger date."""
    for rule in rule_versions(code):
        if rule.in_force_on(on):
            return rule
    ranges = ", ".join(f"{r.version}: {r.valid_from or '...'} to {r.valid_to or '...'}" for r in rule_versions(code))
    raise NoVersionInForce(f"No version of {code} was in force on {on.isoformat()} (versions: {ranges}).")


def rule_version(code: str, version: str) -> Rule:
    for rule in rule_versions(code):
        if rule.version == version:
            return rule
    raise UnknownRule(f"Rule {code} has no version {version!r}.")
