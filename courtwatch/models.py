"""Court watch: a docket's case card on the court's website, read on a schedule, and the changes
it shows proposed to the case's lawyers (court-sites.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CourtWatch(models.Model):
    """The card of one docket, and what the last rounds of reading it found."""

    class Problem(models.TextChoices):
        NONE = "", _("None")
        CAPTCHA = "captcha", _("The court's site asks for a captcha")
        LAYOUT = "layout", _("The card's layout was not recognised")
        HTTP = "http", _("The court's site answered with an error")
        TIMEOUT = "timeout", _("The court's site did not answer in time")
        CONNECTION = "connection", _("The court's site could not be reached")
        TOO_LARGE = "too_large", _("The page is too large to be a case card")
        REFUSED = "refused", _("This address may not be fetched")
        OTHER_CASE = "other_case", _("The card is of another case than the docket's number")

    docket = models.OneToOneField("cases.Docket", on_delete=models.CASCADE, related_name="watch")
    url = models.URLField(max_length=1000)
    auto_apply = models.BooleanField(
        default=False, help_text=_("Apply new and moved hearings at once, without a lawyer's click.")
    )
    paused = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The schedule: due when next_check_at has passed and not paused; a round in progress holds
    # claimed_at (a lease: a worker that died leaves it, and the next tick past the lease takes it).
    next_check_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    # The state shown to the lawyer.
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_problem = models.CharField(max_length=20, choices=Problem.choices, default=Problem.NONE, blank=True)
    last_problem_detail = models.CharField(max_length=300, blank=True)  # "HTTP 503", the reader's words, in English
    # The same words as their untranslated source and values (courtwatch.reading.Words.as_json),
    # put into the language of whoever reads them: the page's, the email's.
    last_problem_words = models.JSONField(null=True, blank=True, editable=False)
    failures_in_a_row = models.PositiveIntegerField(default=0)
    failure_notice_sent_at = models.DateTimeField(null=True, blank=True)  # once per run of failures

    # Conditional requests and "nothing changed": the validators the site gave, and a hash of
    # the last card read whole.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    # The last card read whole, as CardReading's fields (JSON: dates and times as ISO strings).
    last_reading = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["paused", "next_check_at"], name="courtwatch_due")]

    def __str__(self) -> str:
        return self.url


class CourtHost(models.Model):
    """One court site's politeness across all workers: no request before `next_request_at`
    (COURT_WATCH_HOST_INTERVAL apart, longer after a 429/503/timeout)."""

    host = models.CharField(max_length=255, unique=True)
    next_request_at = models.DateTimeField()
    backoff_seconds = models.PositiveIntegerField(default=0)  # 0: no backoff in force

    def __str__(self) -> str:
        return self.host


class CourtUpdate(models.Model):
    """A change the card shows, proposed to the case's lawyers: accepted (applied through the same
    action as a lawyer's edit) or dismissed, each once."""

    class Kind(models.TextChoices):
        NEW = "new", _("New hearing")
        MOVED = "moved", _("Hearing moved")
        RESULT = "result", _("Hearing result")
        GONE = "gone", _("No longer listed on the card")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPLIED = "applied", _("Applied")
        DISMISSED = "dismissed", _("Dismissed")
        SUPERSEDED = "superseded", _("Superseded by a later reading")

    watch = models.ForeignKey(CourtWatch, on_delete=models.CASCADE, related_name="updates")
    # Denormalised from watch.docket.case for organization scoping and `?case=`.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="court_updates")
    hearing = models.ForeignKey(
        "cases.Hearing", on_delete=models.SET_NULL, null=True, blank=True, related_name="court_updates"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    # Identifies the card's event and what is proposed for it: the same reading twice proposes
    # nothing twice, and a dismissed proposal is not proposed again for the same event.
    event_key = models.CharField(max_length=64)
    # What the card says (ISO strings): starts_at (aware, UTC), time_to_be_confirmed, courtroom,
    # status, outcome, reason, event name; and the hearing's values when it was proposed.
    proposed = models.JSONField(default=dict)
    previous = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    automatic = models.BooleanField(default=False)  # applied by the watch's auto_apply

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["watch", "event_key"], name="courtupdate_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["case", "state"], name="courtupdate_case_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    @property
    def headline(self) -> str:
        """What the proposal's badge says: a "moved" proposal that keeps the hearing's day and time
        only gives the room, or changes it."""
        proposed, previous = self.proposed or {}, self.previous or {}
        if self.kind == self.Kind.MOVED and all(
            proposed.get(name) == previous.get(name) for name in ("starts_at", "time_to_be_confirmed")
        ):
            return gettext("Courtroom changed") if previous.get("courtroom") else gettext("Courtroom given")
        return str(self.get_kind_display())

    @property
    def is_open(self) -> bool:
        return self.state == self.State.PROPOSED
