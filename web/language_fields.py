"""Forms for case content kept in several languages: each translated field becomes one input per
language in settings.LANGUAGES, shown side by side, plus the record's original language.

A form lists its translated fields in ``translated`` and declares each once, as for a single
language (label, widget, max_length, required). The form then has ``title_en``, ``title_ru``, ...
(the services' own keyword names) and ``original_language``. A required field must be given in
the original language; the others may stay empty (the reader then gets the original, marked).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from cases.content import active_content_language, content_languages


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Russian" / "русский")."""
    return str(get_language_info(code)["name_translated"])


@dataclass(frozen=True)
class LanguageRow:
    """One translated field: its inputs, one per language, shown side by side."""

    name: str
    fields: list[forms.BoundField]


class TranslatedFieldsForm(forms.Form):
    translated: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.required_translated: list[str] = []
        rebuilt: dict[str, forms.Field] = {}
        if self.translated:
            rebuilt["original_language"] = forms.ChoiceField(
                label=_("Original language"),
                choices=list(settings.LANGUAGES),
                initial=active_content_language(),
                # Not saying keeps the record's language (a new record: the page's language);
                # a code that is not one of LANGUAGES is a form error.
                required=False,
                help_text=_(
                    "The language the text below was written in; the other languages are translations. "
                    "A reader whose language is left empty gets the original, marked as such."
                ),
            )
        for name, field in self.fields.items():
            if name not in self.translated:
                rebuilt[name] = field
                continue
            if field.required:
                self.required_translated.append(name)
            for code in content_languages():
                column = copy.deepcopy(field)
                column.required = False
                column.label = f"{field.label} ({language_name(code)})"
                column.widget.attrs["lang"] = code
                # Only the first language's input keeps the help text: side by side, once is enough.
                if code != content_languages()[0]:
                    column.help_text = ""
                rebuilt[f"{name}_{code}"] = column
        self.fields = rebuilt

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "original_language" in data and not data["original_language"]:
            data["original_language"] = self.initial.get("original_language") or active_content_language()
        original = data.get("original_language")
        if original and self.required_translated:
            # Text in one language only is in its original language, whatever the select says.
            written = {
                code
                for code in content_languages()
                if all(data.get(f"{name}_{code}") for name in self.required_translated)
            }
            if original not in written and len(written) == 1:
                original = data["original_language"] = written.pop()
        for name in self.required_translated:
            given = [code for code in content_languages() if data.get(f"{name}_{code}")]
            if not given:
                self.add_error(
                    f"{name}_{original or content_languages()[0]}",
                    _("Give this in at least one language."),
                )
            elif original and original not in given:
                self.add_error(
                    "original_language",
                    _("%(field)s is empty in the original language: fill it in or choose the language you wrote in.")
                    % {"field": self.base_label(name)},
                )
        return data

    def base_label(self, name: str) -> str:
        label = str(self.fields[f"{name}_{content_languages()[0]}"].label)
        return label.rsplit(" (", 1)[0]

    def layout(self) -> list[forms.BoundField | LanguageRow]:
        """The visible fields in order, a translated field's languages grouped in one row."""
        rows: list[forms.BoundField | LanguageRow] = []
        grouped: dict[str, LanguageRow] = {}
        for bound in self.visible_fields():
            base, _sep, code = bound.name.rpartition("_")
            if base in self.translated and code in content_languages():
                if base not in grouped:
                    grouped[base] = LanguageRow(name=base, fields=[])
                    rows.append(grouped[base])
                grouped[base].fields.append(bound)
            else:
                rows.append(bound)
        return rows

    @classmethod
    def translated_initial(cls, record: Any) -> dict[str, Any]:
        """The record's text in every language and its original language, as this form's initial."""
        initial: dict[str, Any] = {"original_language": record.original_language}
        for name in cls.translated:
            for code in content_languages():
                initial[f"{name}_{code}"] = getattr(record, f"{name}_{code}", None) or ""
        return initial

    def translated_data(self) -> dict[str, Any]:
        """What the services take: ``title_en``, ``title_ru``, ... and ``original_language``."""
        data = self.cleaned_data
        values = {"original_language": data["original_language"]}
        for name in self.translated:
            for code in content_languages():
                values[f"{name}_{code}"] = data[f"{name}_{code}"]
        return values


def single_language_names(names: tuple[str, ...], model: Any) -> tuple[str, ...]:
    """A service's field names without the translated ones (the form gives those per language)."""
    translated = set(getattr(model, "translated_fields", ()))
    columns = {f"{name}_{code}" for name in translated for code in content_languages()}
    return tuple(
        name for name in names if name not in translated and name not in columns and name != "original_language"
    )
