"""Every write to deadlines: computed from a ruling (`deadlines_recompute`), closed or reopened by
an appeal (`deadlines_sync_appeal`), overridden or closed by a lawyer (`deadline_override`,
`deadline_close`). Each returns the deadlines it saved: what follows a deadline in other apps
(the lawyers' reminders) is brought up to date from these, in the same transaction.

Deadlines are never deleted by a recompute: one that no longer applies becomes "void" (its
history shows why), and comes back if the ruling changes back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from cases.models import Appeal, Case, Court, Ruling
from cases.services.records import history_reason, version_check
from changes.services import change_record
from deadlines.applicability import Trigger, rules_for_ruling
from deadlines.counting import deadline_compute
from deadlines.explanation import msg, step
from deadlines.models import Deadline
from deadlines.rules import NoVersionInForce, rule_versions
from tracker.validation import record_input_validate

Actor = User | AnonymousUser | None


def _save(deadline: Deadline, *, actor: Actor, reason: str) -> Deadline:
    deadline.full_clean(validate_unique=False)
    if deadline.pk is not None:
        deadline.version += 1
    deadline._history_user = actor if isinstance(actor, User) else None  # type: ignore[attr-defined]
    deadline._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    try:
        deadline.save()
    except IntegrityError as exc:
        # Two recomputes of one ruling at once (a row lock covers only rows that exist already).
        raise ValidationError(
            gettext("The deadlines of this ruling changed at the same time; try again. (%(error)s)") % {"error": exc}
        ) from exc
    # Same transaction as the write: the sync feed never misses a recompute, override or close.
    change_record(instance=deadline, op="upsert")
    return deadline


def _set(deadline: Deadline, fields: dict[str, Any]) -> bool:
    changed = False
    for name, value in fields.items():
        if getattr(deadline, name) != value:
            setattr(deadline, name, value)
            changed = True
    return changed


def _settle(deadline: Deadline) -> dict[str, Any]:
    """The state and its reason, from the appeal that closed the deadline (if any)."""
    appeal = deadline.closed_by_appeal
    if appeal is None:
        return {}
    filed_on = appeal.filed_on
    late = filed_on is not None and deadline.due_on is not None and filed_on > deadline.due_on
    when = f"on {filed_on}" if filed_on else "(filing date not recorded)"
    return {
        "state": Deadline.State.LATE if late else Deadline.State.MET,
        "state_reason": f"{appeal.get_kind_display()} filed {when}.",
    }


def _computed_fields(trigger: Trigger, ruling: Ruling) -> dict[str, Any]:
    applies = trigger.applies
    if trigger.on is None:
        latest = rule_versions(applies.rule_code)[-1]
        return {
            "rule_version": "",
            "rule_title": latest.title,
            "rule_source": latest.source,
            "step": latest.step.value,
            "trigger_label": latest.trigger,
            "trigger_on": None,
            "computed_due_on": None,
            "explanation": [
                step(
                    N_(
                        "Trigger date unknown: the ruling has no %(label)s yet, so no due date can be computed. "
                        "Enter the date on the ruling (or override the due date with the reason)."
                    ),
                    label=msg(trigger.label),
                )
            ],
        }
    pronounced_on = getattr(ruling, applies.pronounced_field) if applies.pronounced_field else None
    result = deadline_compute(applies.rule_code, trigger.on, pronounced_on=pronounced_on)
    steps = [step(N_("Trigger taken from the ruling's %(label)s."), label=msg(trigger.label))]
    if applies.why:
        steps.append(step(applies.why))
    return {
        "rule_version": result.rule.version,
        "rule_title": result.rule.title,
        "rule_source": result.rule.source,
        "step": result.rule.step.value,
        "trigger_label": result.rule.trigger,
        "trigger_on": trigger.on,
        "computed_due_on": result.due_on,
        "explanation": steps + list(result.steps),
    }


@transaction.atomic
def deadlines_recompute(*, ruling: Ruling, actor: Actor = None) -> list[Deadline]:
    """Compute (or recompute) the deadlines that run from a ruling, from the case's forum and
    proceeding and the ruling's dates. Returns the deadlines it saved (new, changed or void)."""
    ruling = Ruling.objects.select_related("court", "case").get(pk=ruling.pk)
    existing = {
        d.rule_code: d
        for d in Deadline.objects.select_for_update(of=("self",))
        .select_related("closed_by_appeal")
        .filter(ruling=ruling)
    }
    saved = []
    void_reasons: dict[str, str] = {}
    for trigger in rules_for_ruling(ruling):
        code = trigger.applies.rule_code
        try:
            fields = _computed_fields(trigger, ruling)
        except NoVersionInForce as exc:
            void_reasons[code] = str(exc)
            continue
        deadline = existing.pop(code, None) or Deadline(case=ruling.case, ruling=ruling, rule_code=code)
        changed = _set(deadline, {**fields, "case_id": ruling.case_id})  # a ruling moved to another case
        changed |= _set(deadline, {"due_on": deadline.override_due_on or deadline.computed_due_on})
        if deadline.state == Deadline.State.VOID:
            changed |= _set(deadline, {"state": Deadline.State.OPEN, "state_reason": ""})
        changed |= _set(deadline, _settle(deadline))
        if changed or deadline.pk is None:
            reason = "Computed from the ruling" if deadline.pk is None else "Recomputed"
            saved.append(_save(deadline, actor=actor, reason=reason))
    for code, deadline in existing.items():
        if deadline.state == Deadline.State.OPEN:
            reason = void_reasons.get(code, "The rule no longer runs from this ruling (its court, dates or force).")
            _set(deadline, {"state": Deadline.State.VOID, "state_reason": reason[:300]})
            saved.append(_save(deadline, actor=actor, reason="No longer applies"))
    return saved


@transaction.atomic
def deadlines_recompute_case(*, case: Case, actor: Actor = None) -> list[Deadline]:
    """After a change to the case that decides which rules apply (its proceeding). Returns the
    deadlines saved."""
    return [
        saved
        for ruling in Ruling.objects.filter(case=case)
        for saved in deadlines_recompute(ruling=ruling, actor=actor)
    ]


@transaction.atomic
def deadlines_recompute_court(*, court: Court, actor: Actor = None) -> list[Deadline]:
    """After a change to a court's jurisdiction or level, which decide the forum's rules. Returns
    the deadlines saved."""
    return [
        saved
        for ruling in Ruling.objects.filter(court=court)
        for saved in deadlines_recompute(ruling=ruling, actor=actor)
    ]


def _override_check(deadline: Deadline, *, due_on: dt.date | None, reason: str, expected_version: int | None) -> None:
    version_check(deadline, expected_version)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"override_reason": gettext("Give the reason for changing the due date.")})
    record_input_validate(Deadline, {"override_due_on": due_on, "override_reason": reason})
    if due_on is not None and deadline.trigger_on is not None and due_on < deadline.trigger_on:
        raise ValidationError(
            {
                "override_due_on": gettext("The period runs from %(date)s; the due date cannot be before it.")
                % {"date": deadline.trigger_on}
            }
        )


def deadline_override_validate(
    *, deadline: Deadline, due_on: dt.date | None, reason: str, expected_version: int | None = None
) -> None:
    """What `deadline_override` would refuse, without writing."""
    current = Deadline.objects.get(pk=deadline.pk)
    _override_check(current, due_on=due_on, reason=reason, expected_version=expected_version)


@transaction.atomic
def deadline_override(
    *,
    deadline: Deadline,
    due_on: dt.date | None,
    reason: str,
    actor: Actor = None,
    expected_version: int | None = None,
) -> Deadline:
    """A lawyer sets the due date by hand (e.g. the copy was served later), or clears the
    override with `due_on=None`. The reason is required and kept in the history."""
    deadline = Deadline.objects.select_for_update(of=("self",)).select_related("closed_by_appeal").get(pk=deadline.pk)
    _override_check(deadline, due_on=due_on, reason=reason, expected_version=expected_version)
    reason = reason.strip()
    _set(
        deadline,
        {
            "override_due_on": due_on,
            "override_reason": reason if due_on is not None else "",
            "overridden_by": actor if isinstance(actor, User) and due_on is not None else None,
            "due_on": due_on or deadline.computed_due_on,
        },
    )
    _set(deadline, _settle(deadline))
    return _save(deadline, actor=actor, reason=f"Override: {reason}" if due_on else f"Override removed: {reason}")


@transaction.atomic
def deadline_close(
    *, deadline: Deadline, reason: str, actor: Actor = None, expected_version: int | None = None
) -> Deadline:
    """Close an open deadline without filing (e.g. the client decided not to appeal)."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    version_check(deadline, expected_version)
    if not reason.strip():
        raise ValidationError({"state_reason": gettext("Give the reason for closing the deadline.")})
    if deadline.state != Deadline.State.OPEN:
        raise ValidationError(
            {
                "state": gettext("Only an open deadline can be closed; this one is %(state)s.")
                % {"state": str(deadline.get_state_display()).lower()}
            }
        )
    _set(deadline, {"state": Deadline.State.CLOSED, "state_reason": reason.strip()[:300]})
    return _save(deadline, actor=actor, reason=f"Closed: {reason.strip()}")


@transaction.atomic
def deadlines_sync_appeal(*, appeal: Appeal, actor: Actor = None, deleting: bool = False) -> list[Deadline]:
    """Filing an appeal closes the deadline of its kind that runs from the ruling it challenges
    (met, or late when filed after the due date). An appeal that is only planned, changed to
    another ruling or kind, or deleted, releases the deadlines it had closed."""
    filed = not deleting and appeal.status != Appeal.Status.PLANNED
    touched = []
    for deadline in Deadline.objects.select_for_update().filter(closed_by_appeal=appeal):
        if filed and deadline.ruling_id == appeal.ruling_id and deadline.step == appeal.kind:
            continue
        _set(deadline, {"closed_by_appeal": None, "state": Deadline.State.OPEN, "state_reason": ""})
        touched.append(_save(deadline, actor=actor, reason="Reopened: the appeal no longer closes it"))
    if not filed:
        return touched
    matching = Deadline.objects.select_for_update().filter(ruling_id=appeal.ruling_id, step=appeal.kind)
    for deadline in matching.filter(state=Deadline.State.OPEN) | matching.filter(closed_by_appeal=appeal):
        changed = deadline.closed_by_appeal_id != appeal.pk
        deadline.closed_by_appeal = appeal
        changed |= _set(deadline, _settle(deadline))
        if changed:
            touched.append(_save(deadline, actor=actor, reason=f"Closed by the {appeal.get_kind_display().lower()}"))
    return touched
