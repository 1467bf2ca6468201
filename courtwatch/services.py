"""Writes of the court watch: a docket's watch (add, change, pause, remove, check now), and the
lawyer's answer to a proposal (apply, dismiss).

Applying goes through the same hearing actions as a lawyer's edit (actions/hearings.py), with the
hearing's version as it was when the card was read: reminders, moved-hearing notices, the change
feed and webhooks follow as for any edit, and a hearing changed since is a conflict, never
overwritten. The hearing's history says the change came from the court's card.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from simple_history.utils import update_change_reason

from actions import hearings as hearing_actions
from cases.content import content_languages
from cases.models import Case, Court, Docket, Hearing
from cases.services import Actor, VersionConflict, actor_user
from courtwatch import fetch
from courtwatch.models import CourtUpdate, CourtWatch

logger = logging.getLogger(__name__)

# What a watch's owner may change; the rest is the rounds' record of reading the card.
WATCH_FIELDS = ("url", "auto_apply", "paused")
# Issue 23: "Per watch, auto_apply applies new and moved hearings at once." A result or a hearing
# the card no longer lists waits for a lawyer.
AUTO_APPLIED_KINDS = (CourtUpdate.Kind.NEW, CourtUpdate.Kind.MOVED)
# The cards are in Russian: their words go into the hearing's Russian text.
CARD_LANGUAGE = "ru"
# simple-history's history_change_reason column (the cases' migrations).
HISTORY_REASON_MAX_LENGTH = 100


class UpdateConflict(Exception):
    """The hearing changed after the card was read (someone edited it): nothing was written.
    The message is in the language active when it is raised."""

    def __init__(self, *, update: CourtUpdate, current: Hearing) -> None:
        self.update = update
        self.current = current
        super().__init__(
            gettext(
                "The hearing was changed after the court's card was read (version %(expected)s then, "
                "%(current)s now); nothing was changed. Check the hearing: the next reading of the card "
                "proposes again whatever still differs."
            )
            % {"expected": update.previous.get("version", "?"), "current": current.version}
        )


# --- Watches --------------------------------------------------------------------------------


def _url_errors(url: str) -> list[str]:
    """Why `url` may not be watched (empty when it may): a well-formed URL (at most the column's
    length), on a court host of COURT_WATCH_HOSTS (courtwatch/fetch.py)."""
    field = CourtWatch._meta.get_field("url")
    try:
        field.clean(url, None)
        fetch.url_check(url)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return [str(message) for messages in exc.message_dict.values() for message in messages]
        return [str(message) for message in exc.messages]
    return []


@transaction.atomic
def watch_create(
    *, case: Case, court: Court, url: str, auto_apply: bool = False, paused: bool = False, actor: Actor = None
) -> CourtWatch:
    """Watch the card of the case's docket at `court` (the docket must exist; one watch each).
    Its first check is due at once."""
    errors: dict[str, list[str]] = {}
    url_errors = _url_errors(url)
    if url_errors:
        errors["url"] = url_errors
    docket = Docket.objects.filter(case=case, court=court).first()
    if docket is None:
        errors["court"] = [gettext("The case has no docket number at this court: add the docket number first.")]
    elif CourtWatch.objects.filter(docket=docket).exists():
        errors["court"] = [gettext("This docket's card is watched already: change that watch instead.")]
    if errors:
        raise ValidationError(errors)
    watch = CourtWatch(
        docket=docket,
        url=url,
        auto_apply=auto_apply,
        paused=paused,
        created_by=actor_user(actor),
        next_check_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            watch.save()
    except IntegrityError as exc:  # a concurrent request watched the docket first
        raise ValidationError(
            {"court": [gettext("This docket's card is watched already: change that watch instead.")]}
        ) from exc
    return watch


def _watch_lock(watch: CourtWatch, expected_version: int | None) -> CourtWatch:
    current = CourtWatch.objects.select_for_update().get(pk=watch.pk)
    if expected_version is not None and current.version != expected_version:
        # The records' lost-update refusal (api/errors.py answers it with 412).
        raise VersionConflict(cast(Any, current), expected_version)
    return current


@transaction.atomic
def watch_update(
    *, watch: CourtWatch, actor: Actor = None, expected_version: int | None = None, **fields: Any
) -> CourtWatch:
    """Change a watch's URL, `auto_apply` or `paused`. Another card's URL starts afresh: what was
    read of the old one (its state, validators, open proposals) no longer applies."""
    unknown = sorted(set(fields) - set(WATCH_FIELDS))
    if unknown:
        raise ValidationError({name: gettext("This field cannot be changed here.") for name in unknown})
    current = _watch_lock(watch, expected_version)
    new_url = "url" in fields and fields["url"] != current.url
    if new_url:
        url_errors = _url_errors(fields["url"])
        if url_errors:
            raise ValidationError({"url": url_errors})
    changed = [name for name, value in fields.items() if getattr(current, name) != value]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, fields[name])
    if new_url:
        now = timezone.now()
        current.next_check_at = now
        current.last_checked_at = current.last_success_at = current.failure_notice_sent_at = None
        current.last_problem, current.last_problem_detail, current.failures_in_a_row = "", "", 0
        current.last_problem_words = None
        current.etag = current.last_modified = current.content_sha256 = ""
        current.last_reading = None
        CourtUpdate.objects.filter(watch=current, state=CourtUpdate.State.PROPOSED).update(
            state=CourtUpdate.State.SUPERSEDED, decided_at=now
        )
    current.version += 1
    current.save()
    return current


def watch_pause(*, watch: CourtWatch, actor: Actor = None, expected_version: int | None = None) -> CourtWatch:
    """No more reading of the card until resumed (proposals already made stay)."""
    return watch_update(watch=watch, actor=actor, expected_version=expected_version, paused=True)


def watch_resume(*, watch: CourtWatch, actor: Actor = None, expected_version: int | None = None) -> CourtWatch:
    """Read the card again on the schedule: at once if a check fell due while paused."""
    return watch_update(watch=watch, actor=actor, expected_version=expected_version, paused=False)


@transaction.atomic
def watch_delete(*, watch: CourtWatch, actor: Actor = None, expected_version: int | None = None) -> None:
    """Stop watching the card; its proposals go with it (applied ones stay in the hearings' history)."""
    _watch_lock(watch, expected_version).delete()


@transaction.atomic
def watch_check_now(*, watch: CourtWatch, actor: Actor = None) -> CourtWatch:
    """Due at once, and a tick asked for after the commit, so the card is read within seconds
    rather than at the beat's next minute (still no faster than the court's host allows). A
    paused watch is refused: resume it first."""
    current = _watch_lock(watch, None)
    if current.paused:
        raise ValidationError(gettext("The watch is paused: resume it to read the card."))
    current.next_check_at = timezone.now()
    current.save(update_fields=["next_check_at"])
    # By the task's name: courtwatch.tasks runs the rounds, which call this module.
    transaction.on_commit(lambda: current_app.send_task("courtwatch.tick"))
    return current


# --- Proposals ------------------------------------------------------------------------------


def _reason(words: str) -> str:
    """The hearing's history reason (and reschedule reason): where the change came from, and the
    court's own words when it gave some."""
    text = gettext("From the court's card")
    if words:
        text = f"{text}: {words}"
    if len(text) > HISTORY_REASON_MAX_LENGTH:
        text = text[: HISTORY_REASON_MAX_LENGTH - 1] + "…"
    return text


def _outcome_fields(words: str) -> dict[str, str]:
    language = CARD_LANGUAGE if CARD_LANGUAGE in content_languages() else settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return {f"outcome_notes_{language}": words}


def _starts_at(proposed: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(proposed["starts_at"])


def _apply_new(update: CourtUpdate, actor: Actor) -> Hearing:
    proposed, docket = update.proposed, update.watch.docket
    fields: dict[str, Any] = {
        "case": docket.case,
        "court": docket.court,
        "starts_at": _starts_at(proposed),
        "time_to_be_confirmed": proposed["time_to_be_confirmed"],
        "courtroom": proposed["courtroom"],
        "judge": proposed["judge"],
        "kind": proposed["kind"],
        "status": proposed["status"],
    }
    if proposed["status"] == Hearing.Status.HELD and proposed["outcome"]:
        outcome = _outcome_fields(proposed["outcome"])
        fields.update(outcome, original_language=next(iter(outcome)).removeprefix("outcome_notes_"))
    hearing = hearing_actions.hearing_schedule(actor=actor, **fields)
    update_change_reason(hearing, _reason(""))
    return hearing


def _apply_moved(update: CourtUpdate, hearing: Hearing, actor: Actor, expected_version: int | None) -> Hearing:
    proposed = update.proposed
    status = proposed["status"]
    reason = _reason(proposed["reason"])
    fields: dict[str, Any] = {
        "starts_at": _starts_at(proposed),
        "time_to_be_confirmed": proposed["time_to_be_confirmed"],
    }
    if proposed["courtroom"]:
        fields["courtroom"] = proposed["courtroom"]
    if status == hearing.status:
        pass  # held and held: the lawyer's own words of what happened stay
    elif status == Hearing.Status.HELD:
        fields.update(status=status, **_outcome_fields(proposed["outcome"]))
    elif status == Hearing.Status.CANCELLED:
        fields.update(status=status, **{f"outcome_notes_{code}": "" for code in content_languages()})
    else:
        fields["status"] = Hearing.Status.SCHEDULED
    hearing = hearing_actions.hearing_update(
        hearing=hearing, actor=actor, expected_version=expected_version, reason=reason, **fields
    )
    if status == Hearing.Status.POSTPONED and hearing.status != status:  # moved, then postponed again, no new date yet
        hearing = hearing_actions.hearing_postpone(hearing=hearing, reason=reason, actor=actor)
    return hearing


def _apply_status(update: CourtUpdate, hearing: Hearing, actor: Actor, expected_version: int | None) -> Hearing:
    proposed = update.proposed
    if update.kind == CourtUpdate.Kind.GONE:
        reason = _reason(gettext("no longer listed"))
        return hearing_actions.hearing_cancel(
            hearing=hearing, reason=reason, actor=actor, expected_version=expected_version
        )
    reason = _reason(proposed["reason"])
    status = proposed["status"]
    if status == Hearing.Status.POSTPONED:
        return hearing_actions.hearing_postpone(
            hearing=hearing, reason=reason, actor=actor, expected_version=expected_version
        )
    if status == Hearing.Status.CANCELLED:
        return hearing_actions.hearing_cancel(
            hearing=hearing, reason=reason, actor=actor, expected_version=expected_version
        )
    hearing = hearing_actions.hearing_record_outcome(
        hearing=hearing, actor=actor, expected_version=expected_version, **_outcome_fields(proposed["outcome"])
    )
    update_change_reason(hearing, reason)
    return hearing


def _apply(update: CourtUpdate, actor: Actor) -> Hearing:
    if update.kind == CourtUpdate.Kind.NEW:
        return _apply_new(update, actor)
    hearing = update.hearing
    if hearing is None:
        raise ValidationError(gettext("The hearing this proposal is about was deleted: dismiss the proposal."))
    expected_version = update.previous.get("version")
    try:
        if update.kind == CourtUpdate.Kind.MOVED:
            return _apply_moved(update, hearing, actor, expected_version)
        return _apply_status(update, hearing, actor, expected_version)
    except VersionConflict as exc:
        raise UpdateConflict(update=update, current=cast(Hearing, exc.current)) from exc


def _open_update(update: CourtUpdate) -> CourtUpdate:
    current = (
        CourtUpdate.objects.select_for_update(of=("self",))
        .select_related("watch__docket__case", "watch__docket__court", "hearing")
        .get(pk=update.pk)
    )
    if not current.is_open:
        state = {
            CourtUpdate.State.APPLIED: pgettext("court update state", "applied"),
            CourtUpdate.State.DISMISSED: pgettext("court update state", "dismissed"),
        }.get(current.state, pgettext("court update state", "superseded by a later reading"))  # type: ignore[call-overload]
        raise ValidationError(
            gettext("Only a proposed change can be accepted or dismissed; this one is %(state)s.") % {"state": state}
        )
    return current


@transaction.atomic
def update_apply(*, update: CourtUpdate, actor: Actor, automatic: bool = False) -> CourtUpdate:
    """Write a proposal to the docket's hearings, through the hearing actions, and mark it applied.

    A lawyer's accept (`actor`) raises ValidationError (not open, or refused by the hearing's
    rules, e.g. "held" on a case not filed) or UpdateConflict (the hearing changed since), and
    writes nothing then. With `automatic` (a round of an auto_apply watch, actor None) only NEW
    and MOVED are applied, and one that cannot be is left proposed for a lawyer: the round goes on."""
    current = _open_update(update)
    if automatic and current.kind not in AUTO_APPLIED_KINDS:
        return current
    try:
        with transaction.atomic():
            hearing = _apply(current, actor)
    except (ValidationError, UpdateConflict) as exc:
        if not automatic:
            raise
        logger.info("court update %s left for a lawyer: %s", current.pk, exc)
        return current
    current.state = CourtUpdate.State.APPLIED
    current.hearing = hearing
    current.decided_at = timezone.now()
    current.decided_by = actor_user(actor)
    current.automatic = automatic
    current.save(update_fields=["state", "hearing", "decided_at", "decided_by", "automatic"])
    return current


@transaction.atomic
def update_dismiss(*, update: CourtUpdate, actor: Actor) -> CourtUpdate:
    """The lawyer says no: nothing is written to the hearings, and the card's same event is not
    proposed again."""
    current = _open_update(update)
    current.state = CourtUpdate.State.DISMISSED
    current.decided_at = timezone.now()
    current.decided_by = actor_user(actor)
    current.save(update_fields=["state", "decided_at", "decided_by"])
    return current
