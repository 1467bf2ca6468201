"""Every label a Russian dossier shows is translated: a choice added to a model without a
Russian label fails here instead of printing English in a Russian dossier."""

import pytest
from django.utils import translation

from cases.models import Appeal, Case, Hearing, Party, Ruling
from documents.models import Document

FIELDS = [
    (Case, "status"),
    (Case, "outcome"),
    (Case, "proceeding"),
    (Party, "role"),
    (Hearing, "kind"),
    (Hearing, "status"),
    (Ruling, "outcome"),
    (Appeal, "kind"),
    (Appeal, "status"),
    (Document, "kind"),
]


@pytest.mark.parametrize(("model", "field_name"), FIELDS, ids=[f"{m.__name__}.{f}" for m, f in FIELDS])
def test_every_choice_label_has_a_russian_translation(model, field_name):
    labels = [str(label) for _, label in model._meta.get_field(field_name).choices]
    with translation.override("ru"):
        untranslated = [
            label for label in labels if translation.pgettext(f"dossier: {model.__name__}.{field_name}", label) == label
        ]
    assert untranslated == []


def test_dossier_labels_are_translated_in_their_own_context():
    # Django's admin translates "Summary" differently; the dossier's context keeps its own
    with translation.override("ru"):
        assert translation.pgettext("dossier", "Summary") == "Суть дела"
        assert translation.pgettext("dossier: Appeal.kind", "Appeal") == "Апелляционная жалоба"
        assert translation.pgettext("dossier: Hearing.kind", "Appeal") == "апелляционное"


def test_every_deadline_rule_title_and_trigger_has_a_russian_wording():
    from deadlines.rules import RULES

    with translation.override("ru"):
        untranslated = [
            (context, english)
            for rule in RULES
            for context, english in (("rule_title", rule.title), ("trigger_label", rule.trigger))
            if translation.pgettext(f"dossier: Deadline.{context}", english) == english
        ]
    assert untranslated == []
