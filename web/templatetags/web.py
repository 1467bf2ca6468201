from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.template.loader import select_template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cases.content import content_languages, field_in
from cases.models import CaseEvent, Court, Hearing
from cases.templatetags.content import content_html
from web.forms import HearingOutcomeForm

register = template.Library()


@register.simple_tag(takes_context=True)
def optional_include(context: template.Context, name: str) -> str:
    """Render another app's template if it exists (e.g. `reminders/_public_subscribe.html`),
    else nothing: the pages leave named slots that the reminders, deadlines and documents apps
    fill by shipping the template."""
    try:
        tmpl = select_template([name])
    except template.TemplateDoesNotExist:
        return ""
    return tmpl.render(context.flatten(), context.get("request"))


def _day(value: dt.datetime | dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


@register.simple_tag
def when(value: dt.datetime, court_zone: ZoneInfo, time_to_be_confirmed: bool = False) -> SafeString:
    """A court time as the court gives it, and the viewer's own time beside it when it differs."""
    court_local = value.astimezone(court_zone)
    if time_to_be_confirmed:
        return format_html(
            '<time datetime="{}">{}</time>, <span class="muted">{}</span>',
            court_local.date().isoformat(),
            _day(court_local),
            _("time to be confirmed"),
        )
    viewer_zone = timezone.get_current_timezone()
    viewer_local = value.astimezone(viewer_zone)
    court_part = format_html(
        '<time datetime="{}">{}, {}</time> <span class="zone">{} ({})</span>',
        value.isoformat(),
        _day(court_local),
        court_local.strftime("%H:%M"),
        _("court time"),
        str(court_zone),
    )
    if str(viewer_zone) == str(court_zone) or viewer_local.utcoffset() == court_local.utcoffset():
        return court_part
    if viewer_local.date() == court_local.date():
        viewer_text = viewer_local.strftime("%H:%M")
    else:
        viewer_text = f"{_day(viewer_local)}, {viewer_local:%H:%M}"
    return format_html(
        '{} <span class="viewer-time">· {} <span class="zone">{} ({})</span></span>',
        court_part,
        viewer_text,
        _("your time"),
        str(viewer_zone),
    )


@register.simple_tag
def when_instant(value: dt.datetime) -> SafeString:
    """A moment that belongs to no court (e.g. when a change was made), in the viewer's zone."""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}, {}</time> <span class="zone">{}</span>',
        value.isoformat(),
        _day(local),
        local.strftime("%H:%M"),
        str(timezone.get_current_timezone()),
    )


@register.filter
def fact_date(value: dt.date | None, precision: str = CaseEvent.Precision.DAY) -> str:
    """A date known only to the month or the year is shown as such, never as its first day."""
    if value is None:
        return _("date unknown")
    if precision == CaseEvent.Precision.YEAR:
        return str(value.year)
    if precision == CaseEvent.Precision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return _day(value)


@register.filter
def day(value: dt.date | None) -> str:
    return _day(value) if value else ""


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination keeps the filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


@register.filter
def court_name(court: Court) -> SafeString | str:
    """A court's name in the page's language; another language's name is marked with its ``lang``."""
    return content_html(court, "name")


@register.filter
def outcome_form(hearing: Hearing) -> HearingOutcomeForm:
    """The hearing's "what happened" form (one input per language), filled with what is recorded."""
    initial = {**HearingOutcomeForm.translated_initial(hearing), "version": hearing.version}
    return HearingOutcomeForm(initial=initial, auto_id=f"outcome-{hearing.pk}-%s")


@register.filter
def has_outcome(hearing: Hearing) -> bool:
    """Whether "what happened" is recorded, in any language."""
    return any(field_in(hearing, "outcome_notes", code) for code in content_languages())


@register.filter
def deadline_state(state: str) -> str:
    """A deadline's state in the page's language (the model's labels are the admin's English)."""
    return {
        "open": _("open"),
        "met": _("met: filed in time"),
        "late": _("late: filed after the due date"),
        "closed": _("closed without filing"),
        "void": _("no longer applies"),
    }.get(state, state)


@register.filter
def deadline_rule(title: str) -> str:
    """A rule's title in the page's language (the rule table is in English; its Russian wording
    is kept once, in the dossier's catalogue: documents/dossier/labels.py)."""
    return pgettext("dossier: Deadline.rule_title", title) if title else ""


@register.filter
def deadline_trigger(label: str) -> str:
    """The event a deadline runs from, in the page's language (as `deadline_rule`)."""
    return pgettext("dossier: Deadline.trigger_label", label) if label else ""


@register.filter
def deadline_step(step: str) -> str:
    """What the deadline is for, in the page's language."""
    return {
        "appeal": _("Appeal"),
        "cassation": _("Cassation"),
        "supervisory": _("Supreme Court"),
        "international": _("International application"),
    }.get(step, step)


@register.filter
def due_in(due_on: dt.date | None, today: dt.date) -> str:
    """How far a due date is from today, in whole days (a deadline is a day, not a moment)."""
    if due_on is None:
        return ""
    days = (due_on - today).days
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
    return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}


@register.filter
def iso_day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@register.filter
def overdue_on(deadline: Any, today: dt.date) -> bool:
    return bool(deadline.is_overdue(today))


@register.simple_tag(takes_context=True)
def owned_organizations(context: template.Context) -> list[Any]:
    """The organizations the signed-in user owns (links to their security settings)."""
    from cases.selectors import organizations_owned_by

    user = context["request"].user
    return list(organizations_owned_by(user=user)) if user.is_authenticated else []
