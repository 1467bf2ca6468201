"""Deadlines computed before the explanation had steps without a language (deadlines/explanation.py)
kept English sentences. Each one is recomputed into steps, and replaced only when the new steps
read in English give exactly the stored sentences: nothing a lawyer saw changes, and a trail that
cannot be reproduced (an older rule table) stays as it was, readable in English."""

from django.db import migrations
from django.utils import translation


def _steps_for(deadline, ruling):
    from deadlines.applicability import APPLICABILITY, DATE_LABELS
    from deadlines.counting import deadline_compute
    from deadlines.explanation import msg, step
    from deadlines.rules import rule_in_force

    legacy = deadline.explanation
    fields = {f"Trigger taken from the ruling's {label}.": field for field, label in DATE_LABELS.items()}
    unknown = {
        f"Trigger date unknown: the ruling has no {label} yet, so no due date can be computed. "
        "Enter the date on the ruling (or override the due date with the reason).": label
        for label in DATE_LABELS.values()
    }
    if deadline.trigger_on is None:
        label = unknown.get(legacy[0]) if len(legacy) == 1 else None
        if label is None:
            return None
        return [
            step(
                "Trigger date unknown: the ruling has no %(label)s yet, so no due date can be computed. "
                "Enter the date on the ruling (or override the due date with the reason).",
                label=msg(label),
            )
        ]
    field = fields.get(legacy[0])
    if field is None:
        return None
    steps = [step("Trigger taken from the ruling's %(label)s.", label=msg(DATE_LABELS[field]))]
    whys = {applies.why for applies in APPLICABILITY if applies.rule_code == deadline.rule_code and applies.why}
    if len(legacy) > 1 and legacy[1] in whys:
        steps.append(step(legacy[1]))
    rule = rule_in_force(deadline.rule_code, deadline.trigger_on)
    pronounced_on = ruling.decided_on if rule.latest_start_months_after_pronouncement else None
    return steps + list(deadline_compute(deadline.rule_code, deadline.trigger_on, pronounced_on=pronounced_on).steps)


def forwards(apps, schema_editor):
    from deadlines.explanation import explanation_text

    Deadline = apps.get_model("deadlines", "Deadline")
    for deadline in Deadline.objects.select_related("ruling").iterator(chunk_size=500):
        legacy = deadline.explanation
        if not legacy or not all(isinstance(entry, str) for entry in legacy):
            continue
        try:
            steps = _steps_for(deadline, deadline.ruling)
        except Exception:  # noqa: BLE001, S112  # an unknown rule or version: keep the sentences
            continue
        with translation.override("en"):
            if steps is None or explanation_text(steps) != legacy:
                continue
        # A plain update: the trail's wording is not a change of the deadline (no new version).
        Deadline.objects.filter(pk=deadline.pk).update(explanation=steps)


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_deadline")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
