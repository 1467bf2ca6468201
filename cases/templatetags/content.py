"""``{% content case "title" %}``: case content in the reader's language, a fallback marked with its ``lang``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cases.content import language_note, localized

register = template.Library()


@register.simple_tag(takes_context=True)
def content(context: Any, obj: Any, field: str, language: str | None = None) -> SafeString | str:
    """The text of ``obj.field`` for this page's language (or ``language``, e.g. a dossier's edition).

    When only another language has it, the words are wrapped in an element with their real
    ``lang`` (screen readers switch voice) and followed by "(in Russian)" in the reader's language.
    """
    text = localized(obj, field, language)
    if not text.is_fallback:
        return text.text
    return format_html(
        '<span lang="{}">{}</span> <span class="content-fallback">({})</span>',
        text.language,
        text.text,
        language_note(text.language, text.requested),
    )
