"""One rule for every public surface: the name of a party who has not consented to publication
is replaced by the party's alias wherever public text shows it.

A lawyer writes "Petrov v. Russia", "иск Петрова", "Ивану Петрову отказали", "Петров И. И." in a
title, a summary, a timeline fact, a hearing's outcome, a ruling's summary or an appeal's
grounds; outsiders (the public page, the anonymous API and feed, webhooks to other
organizations, public calendars, subscribers' emails, the public dossier) must read "Witness A"
in every one of those places, in whichever language and grammatical case the name was written.

How a name is matched (pure Python: the same on PostgreSQL and SQLite):

- each word of the party's name, in every language it is kept in, gets its word forms:
  Russian words through pymorphy3's dictionary of names, surnames and patronymics (OpenCorpora;
  its predictor for surnames it does not know), which declines "Петров" to Петрова, Петрову,
  Петровым, Петрове and the feminine Петровой, "Павел" to Павла (the fleeting vowel), "Навальный"
  to Навального, Навальная; Latin words as written, with the other gender of a Russian surname
  (Petrov, Petrova) and the Latin transliteration of the Cyrillic words (Петров -> Petrov);
- a *run* of such words (separated by spaces or hyphens), or of initials of the given names
  ("И.", "I."), is replaced as a whole when it holds the surname, or a given name with the
  patronymic: "Ивана Петрова", "Петров И. И.", "Petrov", "Иван Сергеевич". A given name alone
  ("Иван") is not: it names nobody in particular;
- whole words only, case-insensitive, "ё" read as "е": "Петровка" and "Petrovsky" are other
  words and stay, and so does the alias itself.

Why pymorphy3 rather than a hand-written ending table: Russian first names decline irregularly
(Павел/Павла, Лев/Льва, Пётр/Петра), surnames split into noun-like (-ов, -ин) and adjective-like
(-ский, -ой) paradigms, and its dictionary knows which word of "Ким Анна Сергеевна" is which;
it loads once per process and declines a word quickly.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from anyascii import anyascii

from cases.content import content_languages, field_in, localized

# The case's own words outsiders read, by model: what a public surface shows and this module
# redacts. Names of courts and organizations are shared, not a case's; private notes never leave.
PUBLIC_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "case": ("title", "summary", "claims", "legal_basis"),
    "party": ("description",),
    "caseevent": ("title", "description"),
    "hearing": ("outcome_notes",),
    "hearingreschedule": ("reason",),
    "ruling": ("summary",),
    "appeal": ("grounds",),
    "document": ("title", "description"),
}

# Set on a model instance read for outsiders (see `mark`): cases.content.localized then gives
# its public texts redacted, so every template, email and calendar that reads through it does.
REDACTOR_ATTRIBUTE = "_public_redactor"

_YO = str.maketrans({"ё": "е", "Ё": "Е"})  # same length: positions in the text stay valid
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_RUSSIAN_SURNAME_LATIN = re.compile(r"(?:ov|ev|yov|in|yn|sky|skiy|skii|skij|oy|iy|ich)a?$|(?:skaya|aya)$", re.I)

SURNAME, GIVEN, PATRONYMIC = "surname", "given", "patronymic"


@functools.cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _fold(word: str) -> str:
    return word.translate(_YO).lower()


@functools.lru_cache(maxsize=4096)
def _russian_word(word: str) -> tuple[str | None, frozenset[str]]:
    """The role of one Cyrillic word of a name (None when the dictionary does not say) and its forms."""
    parses = _morph().parse(word.lower())
    roles = {"Surn": SURNAME, "Name": GIVEN, "Patr": PATRONYMIC}
    tagged = [(roles[g], p) for p in parses for g in roles if g in p.tag.grammemes]
    if tagged:
        role = max(tagged, key=lambda pair: pair[1].score)[0]
        chosen = [p for r, p in tagged if r == role]
        lemmas = {p.normal_form for p in chosen}
        # Adjective-like surnames (Навальный, Достоевский): the adjective's paradigm has the
        # feminine forms the dictionary's surname entry lacks.
        if role == SURNAME:
            chosen += [p for p in parses if p.tag.POS == "ADJF" and p.normal_form in lemmas]
    else:
        role = None
        chosen = [p for p in parses if p.tag.POS in ("NOUN", "ADJF")]
    forms = {_fold(word)}
    for parse in chosen:
        forms.update(_fold(form.word) for form in parse.lexeme)
    return role, frozenset(forms)


def word_lemmas(word: str) -> set[str]:
    """A searched word and its dictionary forms ("Петрову" -> "петров"): PostgreSQL's `russian`
    stemmer reads "Петров" as "петр" but "Петрову" as "петров", so a name is looked up by these."""
    lemmas = {word}
    if _CYRILLIC.search(word):
        lemmas.update(parse.normal_form for parse in _morph().parse(word.lower()))
    return lemmas


def _latin_variants(word: str) -> set[str]:
    """A Latin surname as written and its other gender (Petrov, Petrova; Navalny, Navalnaya)."""
    folded = word.lower()
    forms = {folded}
    if re.search(r"(?:ov|ev|in|yn)$", folded):
        forms.add(folded + "a")
    elif re.search(r"(?:ova|eva|ina|yna)$", folded):
        forms.add(folded[:-1])
    return forms


@dataclass(frozen=True)
class _Part:
    role: str
    forms: frozenset[str]
    initials: frozenset[str]


def _name_parts(name: str) -> list[_Part]:
    """Each word of a name with its role and forms. Without a dictionary's word for a surname, it
    is the last unknown word (a Latin "John Smith"); a name the dictionary reads as given names
    only has them all taken as surnames: over-redacting is the safe side."""
    words = _WORD.findall(name)
    if not words:
        return []
    analysed: list[tuple[str | None, frozenset[str] | set[str]]] = []
    for word in words:
        if _CYRILLIC.search(word):
            role, forms = _russian_word(word)
            analysed.append((role, set(forms) | _latin_variants(anyascii(word))))
        else:
            role = SURNAME if _RUSSIAN_SURNAME_LATIN.search(word) and len(words) > 1 else None
            analysed.append((role, _latin_variants(word)))
    roles = [role for role, _forms in analysed]
    if SURNAME not in roles:
        if len(words) == 1:
            roles = [SURNAME]
        elif None in roles:  # a Latin "John Smith": the last unknown word
            roles[max(i for i, role in enumerate(roles) if role is None)] = SURNAME
        else:  # only given names and patronymics by the dictionary: take them all as surnames
            roles = [SURNAME if role == GIVEN else role for role in roles]
    parts = []
    for word, role, (_analysed, word_forms) in zip(words, roles, analysed, strict=True):
        initials = frozenset({word[0].upper(), anyascii(word[0]).upper()[:1]}) if role != SURNAME else frozenset()
        parts.append(_Part(role=role or GIVEN, forms=frozenset(word_forms), initials=initials))
    return parts


@dataclass(frozen=True)
class HiddenName:
    """A party outsiders may not know by name: every language's name, and the alias to show instead."""

    party_id: int | None
    names: tuple[str, ...]
    aliases: Mapping[str, str]  # language -> the alias a reader of that language gets

    def alias(self, language: str | None) -> str:
        return self.aliases.get(language or "", "") or next((a for a in self.aliases.values() if a), "")

    @functools.cached_property
    def _pattern(self) -> tuple[re.Pattern[str], frozenset[str], frozenset[str], frozenset[str]] | None:
        parts = [part for name in self.names for part in _name_parts(name)]
        if not parts:
            return None
        forms = {form for part in parts for form in part.forms if form}
        initials = {letter for part in parts for letter in part.initials if letter.isalpha()}
        alternatives = sorted(forms, key=len, reverse=True)
        token = "|".join(re.escape(form) for form in alternatives)
        if initials:
            token += "|[" + "".join(sorted(initials)) + r"]\."
        # A run: name words and initials separated by spaces or hyphens (or nothing after an initial).
        run = rf"(?<!\w)(?:{token})(?:(?:(?<=\.)|[\s\-]+)(?:{token}))*(?!\w)"
        surnames = frozenset(f for part in parts if part.role == SURNAME for f in part.forms)
        givens = frozenset(f for part in parts if part.role == GIVEN for f in part.forms)
        patronymics = frozenset(f for part in parts if part.role == PATRONYMIC for f in part.forms)
        return re.compile(run, re.IGNORECASE), surnames, givens, patronymics

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text names this party: (start, end) of each run that identifies them."""
        compiled = self._pattern
        if compiled is None or not text:
            return []
        pattern, surnames, givens, patronymics = compiled
        found = []
        for match in pattern.finditer(text.translate(_YO)):
            words = {_fold(word) for word in _WORD.findall(match.group()) if len(word) > 1}
            if words & surnames or (words & givens and words & patronymics):
                found.append(match.span())
        return found


class Redactor:
    """Replaces the hidden names of one case's parties in a text, for a reader of `language`."""

    def __init__(self, hidden: Iterable[HiddenName]) -> None:
        self.hidden = tuple(hidden)

    def __bool__(self) -> bool:
        return bool(self.hidden)

    def __call__(self, text: str, language: str | None = None) -> str:
        if not text or not self.hidden:
            return text
        for party in self.hidden:
            spans = party.spans(text)
            if not spans:
                continue
            alias = party.alias(language)
            pieces, position = [], 0
            for start, end in spans:
                pieces += [text[position:start], alias]
                position = end
            text = "".join([*pieces, text[position:]])
        return text

    def named_in(self, text: str) -> list[HiddenName]:
        """The hidden parties this text names (for the lawyer's warning)."""
        return [party for party in self.hidden if party.spans(text)]

    def redact_field(self, obj: Any, field: str, text: str, language: str | None) -> str:
        if field in PUBLIC_TEXT_FIELDS.get(obj._meta.model_name, ()):
            return self(text, language)
        return text


EMPTY = Redactor(())


def hidden_name(party: Any) -> HiddenName:
    """A Party (or any object with the party's translated name and alias columns and an id)."""
    names = tuple(dict.fromkeys(n for n in (field_in(party, "name", c) for c in content_languages()) if n.strip()))
    aliases = {code: localized(party, "alias", code).text for code in content_languages()}
    return HiddenName(party_id=party.pk, names=names, aliases=aliases)


def redactor_for(parties: Iterable[Any]) -> Redactor:
    """The redactor of a case whose parties these are: those without consent are hidden."""
    return Redactor(hidden_name(p) for p in parties if not p.consent_to_publish)


def mark(redactor: Redactor, *objects: Any) -> None:
    """Read these instances for outsiders from now on: localized() redacts their public texts."""
    if not redactor:
        return
    for obj in objects:
        if obj is not None:
            setattr(obj, REDACTOR_ATTRIBUTE, redactor)


def redactor_of(obj: Any) -> Redactor | None:
    return getattr(obj, REDACTOR_ATTRIBUTE, None)


def redact_record(model_name: str, data: dict[str, Any], redactor: Redactor, language: str | None) -> dict[str, Any]:
    """An API representation (`{"title": ..., "translations": {"title": {"en": ...}}}`) as outsiders
    may read it: each public text field redacted, every translation in its own language's alias."""
    fields = PUBLIC_TEXT_FIELDS.get(model_name, ())
    if not redactor or not fields:
        return data
    for name in fields:
        if isinstance(data.get(name), str):
            data[name] = redactor(data[name], language)
    translations = data.get("translations")
    if isinstance(translations, dict):
        for name in fields:
            texts = translations.get(name)
            if isinstance(texts, dict):
                for code, text in texts.items():
                    if isinstance(text, str):
                        texts[code] = redactor(text, code)
    return data


# --- Reads ----------------------------------------------------------------------------------


def case_redactors(case_ids: Iterable[int], *, member_organizations: Any = ()) -> dict[int, Redactor]:
    """The redactors of these cases for a reader who is a member of `member_organizations` (a
    set of ids; anything that is not a set, e.g. the API's ALL, stands for every organization):
    only cases that have a party without consent and are not the reader's own. One query."""
    from cases.models import Party

    ids = set(case_ids)
    if not ids or not isinstance(member_organizations, Iterable | type(None)):
        return {}
    parties = Party.objects.filter(case_id__in=ids, consent_to_publish=False)
    own = set(member_organizations or ())
    if own:
        parties = parties.exclude(case__organization_id__in=own)
    by_case: dict[int, list[Any]] = {}
    for party in parties.order_by("case_id", "id"):
        by_case.setdefault(party.case_id, []).append(party)
    return {case_id: redactor_for(rows) for case_id, rows in by_case.items()}


class CaseRedactors:
    """The redactors of the cases one reader meets (an API request, a feed page), read per batch
    of cases (`preload`) or, for a case not preloaded, on first use."""

    def __init__(self, member_organizations: Any = ()) -> None:
        self.member_organizations = member_organizations
        self._known: dict[int, Redactor] = {}

    def preload(self, case_ids: Iterable[int]) -> None:
        wanted = {case_id for case_id in case_ids if case_id is not None and case_id not in self._known}
        if not wanted:
            return
        found = case_redactors(wanted, member_organizations=self.member_organizations)
        for case_id in wanted:
            self._known[case_id] = found.get(case_id, EMPTY)

    def seed(self, case_id: int, parties: Iterable[Any]) -> None:
        """A case whose parties the caller has read anyway (a case's detail): no query of its own."""
        self._known[case_id] = redactor_for(parties)

    def for_case(self, case_id: int | None) -> Redactor:
        if case_id is None:
            return EMPTY
        if case_id not in self._known:
            self.preload([case_id])
        return self._known[case_id]


def public_reschedule_reason(move: Any, redactor: Redactor | None, language: str | None = None) -> str:
    """A hearing's reschedule reason as outsiders may read it: only a reason marked public, redacted."""
    if not move.reason or not move.reason_is_public:
        return ""
    return redactor(move.reason, language) if redactor else move.reason


def mark_case_for_public(case: Any, *, parties: Iterable[Any] | None = None) -> Redactor:
    """A case read for outsiders with its rows already prefetched (a public page, a public
    dossier): mark it and every prefetched record of it, blank reschedule reasons not marked
    public and redact the others. Returns the redactor (EMPTY when nobody is hidden)."""
    redactor = redactor_for(case.parties.all() if parties is None else parties)
    mark(redactor, case)
    cache = getattr(case, "_prefetched_objects_cache", {})
    for relation in ("parties", "events", "hearings", "rulings", "appeals", "documents"):
        for obj in cache.get(relation, ()):
            mark(redactor, obj)
            for move in getattr(obj, "_prefetched_objects_cache", {}).get("reschedules", ()):
                move.reason = public_reschedule_reason(move, redactor)
    return redactor


def hidden_names_shown(*, case: Any) -> list[HiddenName]:
    """The parties without consent whose names this case's public text shows (and who will be
    read as their alias): what a lawyer is warned of on saving. Reads the case's texts."""
    from cases.models import CaseEvent, HearingReschedule

    redactor = redactor_for(case.parties.all())
    if not redactor:
        return []
    texts: list[str] = []

    def add(obj: Any) -> None:
        for name in PUBLIC_TEXT_FIELDS[obj._meta.model_name]:
            texts.extend(field_in(obj, name, code) for code in content_languages())

    add(case)
    for related in (case.parties.all(), case.hearings.all(), case.rulings.all(), case.appeals.all()):
        for obj in related:
            add(obj)
    for event in CaseEvent.objects.filter(case=case, is_public=True):
        add(event)
    texts += HearingReschedule.objects.filter(hearing__case=case, reason_is_public=True).values_list(
        "reason", flat=True
    )
    shown: set[int | None] = set()
    for text in filter(None, texts):
        shown.update(party.party_id for party in redactor.named_in(text))
    # A slug made from a title that named someone before they were hidden.
    shown.update(party.party_id for party in redactor.named_in(case.slug.replace("-", " ")))
    return [party for party in redactor.hidden if party.party_id in shown]


def read_as_outsider(case: Any, *related: Any) -> Redactor:
    """Mark `case` (once: its parties are read the first time, from a prefetch or with one
    query) and `related` records of it for outsiders; an email or a calendar feed that anyone
    may be forwarded reads its texts through localized() afterwards."""
    redactor = redactor_of(case)
    if redactor is None:
        redactor = redactor_for(case.parties.all())
        setattr(case, REDACTOR_ATTRIBUTE, redactor)
    for obj in related:
        if obj is not None:
            setattr(obj, REDACTOR_ATTRIBUTE, redactor)
    return redactor


def hidden_name_warnings(*, case: Any) -> list[str]:
    """What a lawyer is told on saving a public case's text that names a party without consent
    (a warning, not a refusal: the text is saved, and outsiders read the alias), in the active language."""
    from django.utils.translation import gettext

    if not case.is_public:
        return []
    language = localized(case, "title").requested
    return [
        gettext(
            "This case's public text names %(name)s, who has not consented to publication: "
            "outsiders read “%(alias)s” there instead. Check that this is what you meant."
        )
        % {"name": party.names[0], "alias": party.alias(language)}
        for party in hidden_names_shown(case=case)
    ]
