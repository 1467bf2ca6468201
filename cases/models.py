"""The litigation domain: who litigates, where, and what happened in court.

Rules that span rows (an appeal goes to another court, nothing is decided before filing, ...)
live in `cases/services/`; what a single row can check is a database constraint here.
Every editable record carries `version`, raised by each service write, so a client holding an
old copy can be told its update would overwrite someone else's (lost-update detection).
"""

from __future__ import annotations

import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager
from simple_history.models import HistoricalRecords
from timezone_field import TimeZoneField

from tracker.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField


def content_language_default() -> str:
    """The language a record is written in when the writer does not say: the active one."""
    from cases.content import active_content_language

    return active_content_language()


def _filled(column: str) -> Q:
    # NULL passes a CHECK, so "has text" must rule out NULL explicitly as well as "".
    return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})


def filled_in_some_language(field: str) -> Q:
    """SQL condition: ``field`` has text in at least one of settings.LANGUAGES (alias_en, alias_ru, ...)."""
    return functools.reduce(operator.or_, (_filled(f"{field}_{code}") for code, _name in settings.LANGUAGES))


def empty_in_every_language(field: str) -> Q:
    """SQL condition: ``field`` has no text in any of settings.LANGUAGES."""
    return functools.reduce(operator.and_, (~_filled(f"{field}_{code}") for code, _name in settings.LANGUAGES))


def translation_columns(fields: tuple[str, ...]) -> list[str]:
    """The per-language columns django-modeltranslation adds for ``fields`` (title -> title_en, title_ru)."""
    return [f"{field}_{code}" for field in fields for code, _name in settings.LANGUAGES]


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TranslatedContent(models.Model):
    """A record whose own words exist in several languages (cases/translation.py lists the fields)."""

    # The language the record's own words were first written in: a missing translation falls
    # back to it, marked with its `lang` (cases/content.py).
    original_language = models.CharField(
        _("original language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=content_language_default,
        help_text=_("The language this record was written in; other languages are translations."),
    )
    # Said here so that readers (and type checkers) know: filters on a translated field read the
    # active language's column (`title` -> `title_ru`); modeltranslation would patch it in anyway.
    objects = MultilingualManager()

    class Meta:
        abstract = True


class Organization(VersionedModel, TranslatedContent):
    """An NGO or law firm; every case belongs to exactly one."""

    # Kept in every language (cases/translation.py). The history records the text as read
    # in the writer's language, not each language's column (simple-history builds its
    # tables before modeltranslation adds the columns).
    translated_fields = ("name",)

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True)
    # Members who sign in with a password alone must set up a second factor before anything else
    # (enforced above this app: web/two_factor.py).
    require_two_factor = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_(
            "Members must sign in with an authenticator app or a security key as well as their password; "
            "those without one are asked to set it up at their next sign-in."
        ),
    )
    members: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations"
    )
    history = HistoricalRecords(excluded_fields=translation_columns(translated_fields))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        LAWYER = "lawyer", _("Lawyer")
        VIEWER = "viewer", _("Viewer")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user_per_org"),
            models.CheckConstraint(condition=Q(role__in=["owner", "lawyer", "viewer"]), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.organization}"

    @property
    def can_write(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.LAWYER)


class Jurisdiction(models.TextChoices):
    RUSSIA = "ru", _("Russia")
    ECHR = "echr", _("Council of Europe (ECtHR)")
    ENGLAND_WALES = "gb-ew", _("England and Wales")
    US_FEDERAL = "us-fed", _("United States (federal)")
    US_ILLINOIS = "us-il", _("United States: Illinois")
    GERMANY = "de", _("Germany")
    EU = "eu", _("European Union (CJEU)")


class Court(VersionedModel, TranslatedContent):
    # Kept in every language (cases/translation.py). The history records the text as read
    # in the writer's language, not each language's column (simple-history builds its
    # tables before modeltranslation adds the columns).
    translated_fields = ("name", "address")

    class Level(models.TextChoices):
        FIRST_INSTANCE = "first_instance", _("First instance")
        APPEAL = "appeal", _("Appeal")
        CASSATION = "cassation", _("Cassation")
        SUPREME = "supreme", _("Supreme")
        CONSTITUTIONAL = "constitutional", _("Constitutional")
        INTERNATIONAL = "international", _("International")

    name = models.CharField(max_length=200, help_text="The court's name (one per language).")
    name_local = models.CharField(max_length=200, blank=True, help_text="Name in the court's own language.")
    jurisdiction = models.CharField(max_length=10, choices=Jurisdiction.choices)
    level = models.CharField(max_length=20, choices=Level.choices)
    city = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=300, blank=True)
    time_zone = TimeZoneField(help_text="Hearing times are entered and shown in this zone.")
    appeals_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hears_appeals_from",
        help_text="The court that hears appeals from this one.",
    )
    website = models.URLField(blank=True)
    history = HistoricalRecords(excluded_fields=translation_columns(translated_fields))

    class Meta:
        ordering = ["jurisdiction", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "jurisdiction", name="court_unique_name_per_jurisdiction"),
            models.CheckConstraint(condition=~Q(appeals_to=F("id")), name="court_not_appeal_to_itself"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Case(VersionedModel, TranslatedContent):
    # Kept in every language (cases/translation.py). The history records the text as read
    # in the writer's language, not each language's column (simple-history builds its
    # tables before modeltranslation adds the columns).
    translated_fields = ("title", "summary", "claims", "legal_basis")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        FILED = "filed", _("Filed")
        PENDING = "pending", _("Pending")
        DECIDED = "decided", _("Decided")
        UNDER_APPEAL = "under_appeal", _("Under appeal")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        WON = "won", _("Won")
        PARTLY_WON = "partly_won", _("Partly won")
        LOST = "lost", _("Lost")
        SETTLED = "settled", _("Settled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        TERMINATED = "terminated", _("Proceedings terminated")

    class Proceeding(models.TextChoices):
        CIVIL = "civil", _("Civil")
        ADMINISTRATIVE = "administrative", _("Administrative (public-law claim)")
        ADMINISTRATIVE_OFFENCE = "administrative_offence", _("Administrative offence")
        CRIMINAL = "criminal", _("Criminal")
        JUDICIAL_REVIEW = "judicial_review", _("Judicial review")
        INTERNATIONAL = "international", _("International application")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField(blank=True)
    claims = models.TextField(blank=True, help_text="What the plaintiff asks the court for.")
    legal_basis = models.TextField(blank=True, help_text="E.g. 152-FZ; Constitution arts. 23-24; ECHR art. 8.")
    proceeding = models.CharField(max_length=30, choices=Proceeding.choices, default=Proceeding.CIVIL)
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREPARING)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, help_text="Only for closed cases.")
    is_public = models.BooleanField(default=False, help_text="Public cases are visible to anyone.")
    filed_on = models.DateField(null=True, blank=True)
    notes = EncryptedTextField(blank=True, help_text="Private to the organization.")
    sources = models.TextField(blank=True, help_text="Where the public facts come from, one per line.")
    history = HistoricalRecords(m2m_fields=[tags], excluded_fields=translation_columns(translated_fields))

    class Meta:
        ordering = ["-filed_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(outcome="")) | (~Q(status="closed") & Q(outcome="")),
                name="case_outcome_iff_closed",
                violation_error_message=_("A closed case needs an outcome, and only a closed case has one."),
            ),
            models.CheckConstraint(
                condition=~Q(status="filed") | Q(filed_on__isnull=False),
                name="case_filed_has_date",
                violation_error_message=_("A case marked filed needs its filing date."),
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return self.title


class Docket(models.Model):
    """A case's number at one court (each instance gives its own)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dockets")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="dockets")
    number = models.CharField(max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "number"],
                name="docket_number_unique_per_court",
                violation_error_message=_("This docket number is already used at this court."),
            ),
            models.UniqueConstraint(fields=["case", "court"], name="docket_one_per_case_and_court"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.court})"


class Party(VersionedModel, TranslatedContent):
    # Kept in every language (cases/translation.py). The history records the text as read
    # in the writer's language, not each language's column (simple-history builds its
    # tables before modeltranslation adds the columns).
    translated_fields = ("name", "alias", "description")

    class Role(models.TextChoices):
        PLAINTIFF = "plaintiff", _("Plaintiff / applicant")
        DEFENDANT = "defendant", _("Defendant / respondent")
        THIRD_PARTY = "third_party", _("Third party")
        INTERVENER = "intervener", _("Intervener")
        REPRESENTATIVE = "representative", _("Representative")

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organization")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=20, choices=Role.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=200, help_text="Full name; shown publicly only with consent.")
    alias = models.CharField(
        max_length=200, blank=True, help_text="Shown publicly instead of the name when there is no consent."
    )
    consent_to_publish = models.BooleanField(default=False, help_text="The party agreed to have the name published.")
    represents = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representatives",
        help_text="For a representative: the party represented.",
    )
    description = models.CharField(max_length=300, blank=True, help_text="Public: e.g. 'campaigner'.")
    # Private contact details: never shown outside the organization.
    contact_email = EncryptedEmailField(blank=True)
    contact_phone = EncryptedCharField(max_length=50, blank=True)
    contact_address = EncryptedTextField(blank=True)
    notes = EncryptedTextField(blank=True, help_text="Private to the organization.")
    history = HistoricalRecords(excluded_fields=translation_columns(translated_fields))

    class Meta:
        ordering = ["role", "id"]
        verbose_name_plural = "parties"
        constraints = [
            models.CheckConstraint(
                # Any language will do: a reader of another one gets it as a marked fallback.
                condition=Q(consent_to_publish=True) | filled_in_some_language("alias"),
                name="party_alias_without_consent",
                violation_error_message=_("A party who has not consented to publication needs an alias."),
            ),
            models.CheckConstraint(condition=~Q(represents=F("id")), name="party_not_represents_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.public_name} ({self.get_role_display()})"

    @property
    def public_name(self) -> str:
        return self.name if self.consent_to_publish else self.alias

    @property
    def public_name_field(self) -> str:
        """Which translated field is shown publicly: the name with consent, else the alias."""
        return "name" if self.consent_to_publish else "alias"


class Hearing(VersionedModel, TranslatedContent):
    # Kept in every language (cases/translation.py). The history records the text as read
    # in the writer's language, not each language's column (simple-history builds its
    # tables before modeltranslation adds the columns).
    translated_fields = ("outcome_notes",)

    class Kind(models.TextChoices):
        PRELIMINARY = "preliminary", _("Preliminary")
        MERITS = "merits", _("Merits")
        APPEAL = "appeal", _("Appeal")
        CASSATION = "cassation", _("Cassation")
        ANNOUNCEMENT = "announcement", _("Announcement of the decision")
        CASE_MANAGEMENT = "case_management", _("Case management")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        POSTPONED = "postponed", _("Postponed (new date not yet set)")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="hearings")
    starts_at = models.DateTimeField(help_text="Stored in UTC; entered and shown in the court's zone.")
    time_to_be_confirmed = models.BooleanField(
        default=False, help_text="Only the date is known; the time shown is the start of the day."
    )
    duration_minutes = models.PositiveIntegerField(default=60)
    courtroom = models.CharField(max_length=50, blank=True)
    judge = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MERITS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    outcome_notes = models.TextField(blank=True)
    notes = EncryptedTextField(blank=True, help_text="Private to the organization.")
    history = HistoricalRecords(excluded_fields=translation_columns(translated_fields))

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | empty_in_every_language("outcome_notes"),
                name="hearing_cancelled_has_no_outcome",
                violation_error_message=_("A cancelled hearing has no outcome."),
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=24 * 60),
                name="hearing_duration_within_a_day",
                violation_error_message=_("A hearing lasts between one minute and one day."),
            ),
        ]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} hearing, {self.case} ({self.starts_at:%Y-%m-%d})"

    @property
    def starts_at_local(self):  # type: ignore[no-untyped-def]
        return self.starts_at.astimezone(self.court.time_zone)


class HearingReschedule(models.Model):
    """A hearing's earlier date, kept when it moves: the timeline and the dossier show it."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="reschedules")
    previous_starts_at = models.DateTimeField()
    new_starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty while postponed sine die.")
    reason = models.CharField(max_length=300, blank=True, help_text=_("Seen by the organization only, unless public."))
    # A reason is often the client's private life ("client in hospital"): it stays inside the
    # organization unless the lawyer marks it public.
    reason_is_public = models.BooleanField(
        _("reason is public"), default=False, help_text=_("Show the reason on the public page and public dossier.")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.previous_starts_at:%Y-%m-%d %H:%M} -> {self.new_starts_at or 'postponed'}"


class Ruling(VersionedModel, TranslatedContent):
    # Kept in every language (cases/translation.py). The history records the text as read
    # in the writer's language, not each language's column (simple-history builds its
    # tables before modeltranslation adds the columns).
    translated_fields = ("summary",)

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted / allowed")
        PARTLY_GRANTED = "partly_granted", _("Partly granted")
        DISMISSED = "dismissed", _("Dismissed")
        TERMINATED = "terminated", _("Proceedings terminated")
        LEFT_WITHOUT_CONSIDERATION = "left_without_consideration", _("Left without consideration")
        RETURNED = "returned", _("Returned / not admitted")
        REMANDED = "remanded", _("Set aside and remanded")
        VIOLATION = "violation", _("Violation found")
        NO_VIOLATION = "no_violation", _("No violation")
        INADMISSIBLE = "inadmissible", _("Inadmissible")
        OTHER = "other", _("Other (see summary)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rulings")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="rulings")
    decided_on = models.DateField(help_text="Date the decision was pronounced.")
    final_form_on = models.DateField(
        null=True, blank=True, help_text="Date of the decision in final (reasoned) form; deadlines run from it."
    )
    judge = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    summary = models.TextField(blank=True)
    citation = models.CharField(max_length=120, blank=True, help_text="E.g. [2020] EWCA Civ 1058.")
    in_force = models.BooleanField(default=False, help_text="Has entered into legal force (is final).")
    in_force_on = models.DateField(null=True, blank=True)
    notes = EncryptedTextField(blank=True, help_text="Private to the organization.")
    history = HistoricalRecords(excluded_fields=translation_columns(translated_fields))

    class Meta:
        ordering = ["decided_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(final_form_on__isnull=True) | Q(final_form_on__gte=F("decided_on")),
                name="ruling_final_form_not_before_decision",
                violation_error_message=_("The decision in final form cannot predate the decision."),
            ),
            models.CheckConstraint(
                condition=Q(in_force_on__isnull=True) | (Q(in_force=True) & Q(in_force_on__gte=F("decided_on"))),
                name="ruling_in_force_date_consistent",
                violation_error_message=_("An entry-into-force date needs 'in force' and cannot predate the decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court}, {self.decided_on:%Y-%m-%d}: {self.get_outcome_display()}"


class Appeal(VersionedModel, TranslatedContent):
    # Kept in every language (cases/translation.py). The history records the text as read
    # in the writer's language, not each language's column (simple-history builds its
    # tables before modeltranslation adds the columns).
    translated_fields = ("grounds",)

    class Kind(models.TextChoices):
        APPEAL = "appeal", _("Appeal")
        CASSATION = "cassation", _("Cassation")
        SUPERVISORY = "supervisory", _("Supreme Court / supervisory review")
        CONSTITUTIONAL = "constitutional", _("Constitutional complaint")
        INTERNATIONAL = "international", _("International application")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned (not yet filed)")
        FILED = "filed", _("Filed")
        PENDING = "pending", _("Pending")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appeals")
    ruling = models.ForeignKey(
        Ruling, on_delete=models.PROTECT, related_name="appeals", help_text="The ruling challenged."
    )
    appellant = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="appeals")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="appeals", help_text="Court appealed to.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.APPEAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FILED)
    filed_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="E.g. an application number.")
    grounds = models.TextField(blank=True, help_text="Public: what the appeal argues, in brief.")
    decided_by = models.ForeignKey(
        Ruling,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decides_appeals",
        help_text="The ruling that decided this appeal.",
    )
    notes = EncryptedTextField(blank=True, help_text="Private to the organization.")
    history = HistoricalRecords(excluded_fields=translation_columns(translated_fields))

    class Meta:
        ordering = ["filed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | Q(status="decided"),
                name="appeal_decided_by_only_when_decided",
                violation_error_message=_("Only a decided appeal has a deciding ruling."),
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=F("ruling")),
                name="appeal_not_decided_by_challenged_ruling",
                violation_error_message=_("An appeal is not decided by the ruling it challenges."),
            ),
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(filed_on__isnull=True),
                name="appeal_planned_has_no_filing_date",
                violation_error_message=_("A planned appeal has no filing date yet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.court} against {self.ruling}"


class CaseEvent(VersionedModel, TranslatedContent):
    """A fact on the case's timeline that is not a hearing, ruling or appeal (the protest,
    the fine, a settlement announced). Dates may be known only to the month or year."""

    # Kept in every language (cases/translation.py). The history records the text as read
    # in the writer's language, not each language's column (simple-history builds its
    # tables before modeltranslation adds the columns).
    translated_fields = ("title", "description")

    class Precision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    occurred_on = models.DateField(help_text="For a month or a year, its first day.")
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)
    is_confirmed = models.BooleanField(default=True, help_text="Unconfirmed facts are marked as such.")
    is_public = models.BooleanField(default=True)
    history = HistoricalRecords(excluded_fields=translation_columns(translated_fields))

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return self.title
