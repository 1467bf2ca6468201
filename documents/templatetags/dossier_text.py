"""Filters for the dossier's case content (documents/dossier/content.py `_local`): a value is a
plain text in the edition's language, or {"text", "lang", "note"} for a text that only another
language has, shown in an element with its real `lang` and followed by "(in Russian)"."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _is_foreign(value: Any) -> bool:
    return isinstance(value, dict) and "lang" in value


@register.filter
def content(value: Any) -> SafeString | str:
    """Inline: `<span lang="en">Popova v. Moscow</span> <span class="lang-note">(на английском)</span>`."""
    if not _is_foreign(value):
        return value
    return format_html(
        '<span lang="{}">{}</span> <span class="lang-note">({})</span>', value["lang"], value["text"], value["note"]
    )


@register.filter
def content_paragraphs(value: Any) -> SafeString:
    """As `linebreaks`, a foreign text's paragraphs in a block with its `lang`, the note after them."""
    if not _is_foreign(value):
        return linebreaks_filter(value, autoescape=True)
    return format_html(
        '<div lang="{}">{}</div><p class="lang-note">({})</p>',
        value["lang"],
        mark_safe(linebreaks_filter(value["text"], autoescape=True)),  # noqa: S308 (escaped by linebreaks)
        value["note"],
    )


@register.filter
def plain(value: Any) -> str:
    """For attributes and the document's title, where no element fits: "Popova v. Moscow (на английском)"."""
    if not _is_foreign(value):
        return value
    return f"{value['text']} ({value['note']})"
