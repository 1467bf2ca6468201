"""Tags for the slots the web pages leave to the reminders app (see `web.templatetags.web.optional_include`)."""

from __future__ import annotations

from django import template

from cases.models import Case
from reminders import selectors
from reminders.forms import SubscribeForm, subscribe_initial

register = template.Library()


@register.simple_tag
def subscribe_form() -> SubscribeForm:
    """An unbound subscribe form, in the visitor's language and time zone."""
    return SubscribeForm(initial=subscribe_initial())


@register.simple_tag
def case_subscriber_count(case: Case) -> int:
    return selectors.case_subscriber_count(case=case)
