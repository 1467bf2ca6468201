"""What goes into a dossier, as plain values: the one place where the public edition's rules
are applied (aliases, no contact details, no private notes, no private events or documents).

The result is both the template's context and the input of the content hash, so it holds
only JSON-able values (strings, numbers, booleans, lists, dicts) and nothing that changes
between two renders of the same data (no "generated at").
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

from django.apps import apps
from django.db.models import Prefetch
from django.utils import formats, translation
from django.utils.translation import pgettext

from cases.content import language_note, localized
from cases.models import Appeal, Case, CaseEvent, Court, Hearing, HearingReschedule, Party, Ruling
from cases.redaction import EMPTY, public_reschedule_reason, redactor_for
from cases.timeline import timeline_date
from documents.dossier import deadlines_hook, layout
from documents.models import Document, Dossier

# Raise when the layout or the rules change: the same data then makes a different dossier.
DOSSIER_FORMAT_VERSION = "2026-12-07.2"  # facts known to the month or year sort at their period's end


@dataclass
class TimelineEntry:
    sort_key: str  # ISO date; undated entries sort last
    date: str
    kind: str  # fact, filing, hearing, reschedule, ruling, appeal, deadline
    kind_label: str
    title: str | dict[str, str]  # a dict: a text in another language (see _local)
    detail: str | dict[str, str] = ""
    unconfirmed: bool = False
    private: bool = False
    tags: list[str] = field(default_factory=list)  # shown as small labels after the title

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "tags": list(self.tags)}


@dataclass
class DossierContent:
    edition: str
    language: str
    case: dict[str, Any]
    organization: str
    parties: dict[str, list[dict[str, Any]]]
    courts: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    undated: list[dict[str, Any]]
    hearings: list[dict[str, Any]]
    rulings: list[dict[str, Any]]
    appeals: list[dict[str, Any]]
    chain: dict[str, Any]
    exhibits: list[dict[str, Any]]
    sources: list[str]
    notes: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        # Shallow: the values are already plain (see the module's docstring), and a deep copy of
        # a large case's rows (dataclasses.asdict) cost a tenth of a second per render.
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def content_hash(self) -> str:
        """What a PDF is made from: this content, and the layout and wordings that present it
        (documents/dossier/layout.py): two requests share a PDF only if both are the same."""
        payload = json.dumps(
            {"format": DOSSIER_FORMAT_VERSION, "layout": layout.layout_digest(), **self.as_dict()},
            sort_keys=True,
            ensure_ascii=False,
        ).encode()
        return hashlib.sha256(payload).hexdigest()


# --- Formatting -----------------------------------------------------------------------------


def _date(value: dt.date | None, precision: str = CaseEvent.Precision.DAY) -> str:
    if value is None:
        return pgettext("dossier", "date not known")
    if precision == CaseEvent.Precision.YEAR:
        return formats.date_format(value, "Y")
    if precision == CaseEvent.Precision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    # "6 November 2019" / "6 ноября 2019 г.": the forms courts and lawyers write.
    return formats.date_format(value, pgettext("dossier", "j F Y"))


def _label(instance: Any, field_name: str) -> str:
    """A model choice's label in the active language (see documents/dossier/labels.py)."""
    return _choice_label(instance._meta.label, field_name, getattr(instance, field_name), translation.get_language())


@functools.lru_cache(maxsize=1024)
def _choice_label(model_label: str, field_name: str, value: Any, language: str | None) -> str:
    """Cached: a large case asks for the same few labels a thousand times, and each answer
    switched the active language twice."""
    model = apps.get_model(model_label)
    choices = dict(model._meta.get_field(field_name).flatchoices)
    if value not in choices:
        return str(value) if value not in (None, "") else ""
    with translation.override("en"):
        english = str(choices[value])  # the msgid: the models' labels are themselves translated
    if not english:
        return ""
    # The dossier's own wording where it has one (legal register, by field), else the interface's.
    worded = pgettext(f"dossier: {model.__name__}.{field_name}", english)
    return worded if worded != english else str(choices[value])


# --- Case content in the edition's language -----------------------------------------------


def _local(obj: Any, field_name: str, language: str, redact: _Redactor | None = None) -> str | dict[str, str]:
    """`obj.field_name` in the edition's language (cases/content.py). A text only another language
    has is a dict {"text", "lang", "note"}: the template wraps it in an element with its real
    `lang` (screen readers and hyphenation switch language) followed by "(in Russian)"."""
    text = localized(obj, field_name, language)
    words = redact(text.text, text.language) if redact is not None else text.text
    if not text.is_fallback:
        return words
    return {"text": words, "lang": text.language, "note": language_note(text.language, language)}


def _plain(obj: Any, field_name: str, language: str, redact: _Redactor | None = None) -> str:
    """The same inside a sentence or a list, where no element can carry the `lang`: "… (in Russian)"."""
    value = _local(obj, field_name, language, redact)
    return value if isinstance(value, str) else f"{value['text']} ({value['note']})"


def _court_name(court: Court, language: str) -> str:
    return _plain(court, "name", language)


def _hearing_when(hearing: Hearing) -> tuple[str, str]:
    """The day and the time on the court's clock (its zone is named once, with the court)."""
    local = hearing.starts_at.astimezone(hearing.court.time_zone)
    date_text = _date(local.date())
    if hearing.time_to_be_confirmed:
        return date_text, pgettext("dossier", "time not confirmed")
    return date_text, f"{local:%H:%M}"


class _Redactor:
    """In the public edition, a party without consent is named by the alias wherever free text
    names them (a summary may name a plaintiff), in any language and word form: the rule of
    every public surface (cases/redaction.py). The internal edition changes nothing."""

    def __init__(self, parties: list[Party], public: bool, language: str = "en") -> None:
        self.redactor = redactor_for(parties) if public else EMPTY
        self.public = public
        self.language = language

    def __call__(self, text: str, language: str | None = None) -> str:
        return self.redactor(text, language or self.language)

    def reason(self, move: HearingReschedule) -> str:
        """A reschedule's reason: the organization's unless marked public."""
        return public_reschedule_reason(move, self.redactor, self.language) if self.public else move.reason


# --- The builder ----------------------------------------------------------------------------


def dossier_content(*, case: Case, edition: str, language: str) -> DossierContent:
    """Everything the dossier shows, for one edition and language, as plain values."""
    public = edition == Dossier.Edition.PUBLIC
    with translation.override(language):
        case = (
            Case.objects.select_related("organization")
            .prefetch_related(
                Prefetch("parties", queryset=Party.objects.select_related("represents").order_by("role", "id")),
                "tags",
                Prefetch("dockets__court"),
                Prefetch(
                    "hearings",
                    queryset=Hearing.objects.select_related("court")
                    .prefetch_related(
                        Prefetch("reschedules", queryset=HearingReschedule.objects.order_by("changed_at", "id"))
                    )
                    .order_by("starts_at", "id"),
                ),
                Prefetch("rulings", queryset=Ruling.objects.select_related("court").order_by("decided_on", "id")),
                Prefetch(
                    "appeals",
                    queryset=Appeal.objects.select_related("court", "appellant", "ruling__court", "decided_by__court"),
                ),
                Prefetch("events", queryset=CaseEvent.objects.order_by("occurred_on", "id")),
                Prefetch(
                    "documents",
                    queryset=Document.objects.exclude(kind=Document.Kind.DOSSIER).order_by("date", "id"),
                ),
            )
            .get(pk=case.pk)
        )
        parties = list(case.parties.all())
        redact = _Redactor(parties, public, language)
        events = [e for e in case.events.all() if e.is_public or not public]
        hearings = list(case.hearings.all())
        rulings = list(case.rulings.all())
        appeals = list(case.appeals.all())
        documents = [d for d in case.documents.all() if d.is_public or not public]

        content = DossierContent(
            edition=edition,
            language=language,
            case=_case_block(case, redact, public, language),
            organization=_local(case.organization, "name", language),  # type: ignore[arg-type]
            parties=_parties_block(parties, public, redact, language),
            courts=_courts(case, hearings, rulings, appeals, language),
            timeline=[],
            undated=[],
            hearings=[_hearing_row(h, language, public, redact) for h in hearings],
            rulings=[_ruling_row(r, language, public, redact) for r in rulings],
            appeals=[_appeal_row(a, language, public) for a in _appeals_in_order(appeals)],
            chain=_chain(rulings, appeals, language, public),
            exhibits=[_exhibit_row(i, d, redact) for i, d in enumerate(documents, start=1)],
            sources=_sources(case, events),
        )
        timeline = _timeline(case, events, hearings, rulings, appeals, language, public, redact)
        timeline += deadlines_hook.timeline_entries(case=case, public=public)
        dated = sorted((e for e in timeline if e.sort_key), key=lambda e: e.sort_key)
        content.timeline = [e.as_dict() for e in dated]
        content.undated = [e.as_dict() for e in timeline if not e.sort_key]
        if not public:
            content.notes = _private_notes(case, parties, hearings, rulings, appeals, documents, language)
        return content


def _courts(
    case: Case, hearings: list[Hearing], rulings: list[Ruling], appeals: list[Appeal], language: str
) -> list[dict[str, Any]]:
    """The courts that have had the case, lowest instance first, with the case's number at each."""
    numbers = {d.court_id: d.number for d in case.dockets.all()}
    seized = [d.court for d in case.dockets.all()]
    seized += [h.court for h in hearings] + [r.court for r in rulings]
    seized += [a.court for a in appeals if a.status != Appeal.Status.PLANNED]
    seen: set[int] = set()
    rows: list[dict[str, Any]] = []
    for court in seized:
        if court.pk in seen:
            continue
        seen.add(court.pk)
        rows.append({"court": _local(court, "name", language), "number": numbers.get(court.pk, "")})
    return rows


def _case_block(case: Case, redact: _Redactor, public: bool, language: str) -> dict[str, Any]:
    return {
        "title": _local(case, "title", language, redact),
        "slug": case.slug,
        "status": _label(case, "status"),
        "outcome": _label(case, "outcome"),
        "proceeding": _label(case, "proceeding"),
        "filed_on": _date(case.filed_on) if case.filed_on else "",
        "is_public": case.is_public,
        "summary": _local(case, "summary", language, redact),
        "claims": _local(case, "claims", language, redact),
        "legal_basis": _local(case, "legal_basis", language, redact),
        "tags": sorted(t.name for t in case.tags.all()),
    }


def _party_field(party: Party, public: bool) -> str:
    """Outsiders know a party without consent by the alias only."""
    return "alias" if public and not party.consent_to_publish else "name"


def _party_name(party: Party | None, public: bool, language: str) -> str:
    if party is None:
        return ""
    return _plain(party, _party_field(party, public), language)


def _parties_block(
    parties: list[Party], public: bool, redact: _Redactor, language: str
) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {"plaintiffs": [], "defendants": [], "others": []}
    representatives: dict[int, list[str]] = {}
    for party in parties:
        if party.role == Party.Role.REPRESENTATIVE and party.represents_id:
            representatives.setdefault(party.represents_id, []).append(_party_name(party, public, language))
    for party in parties:
        row: dict[str, Any] = {
            "name": _local(party, _party_field(party, public), language),
            "role": _label(party, "role"),
            "kind": party.kind,
            "description": _local(party, "description", language, redact),
            "by_alias": public and not party.consent_to_publish,
            "representatives": representatives.get(party.pk, []),
            "represents": _party_name(party.represents, public, language) if party.represents_id else "",
        }
        if not public:
            row.update(
                alias=_local(party, "alias", language),
                consent=party.consent_to_publish,
                contact=[v for v in (party.contact_email, party.contact_phone, party.contact_address) if v],
            )
        if party.role == Party.Role.PLAINTIFF:
            groups["plaintiffs"].append(row)
        elif party.role == Party.Role.DEFENDANT:
            groups["defendants"].append(row)
        else:
            groups["others"].append(row)
    return groups


def _hearing_row(hearing: Hearing, language: str, public: bool, redact: _Redactor) -> dict[str, Any]:
    date_text, time_text = _hearing_when(hearing)
    moves = []
    for move in hearing.reschedules.all():
        previous = move.previous_starts_at.astimezone(hearing.court.time_zone)
        moves.append(
            {
                "from": _date(previous.date()),
                "to": _date(move.new_starts_at.astimezone(hearing.court.time_zone).date())
                if move.new_starts_at
                else pgettext("dossier", "postponed, no new date"),
                "reason": redact.reason(move),
            }
        )
    return {
        "date": date_text,
        "time": time_text,
        "court": _local(hearing.court, "name", language),
        "time_zone": str(hearing.court.time_zone),
        "courtroom": hearing.courtroom,
        "judge": hearing.judge,
        "kind": _label(hearing, "kind"),
        "status": _label(hearing, "status"),
        "outcome": _local(hearing, "outcome_notes", language, redact),
        "reschedules": moves,
    }


def _ruling_row(ruling: Ruling, language: str, public: bool, redact: _Redactor) -> dict[str, Any]:
    return {
        "id": ruling.pk,
        "court": _local(ruling.court, "name", language),
        "decided_on": _date(ruling.decided_on),
        "final_form_on": _date(ruling.final_form_on) if ruling.final_form_on else "",
        "judge": ruling.judge,
        "outcome": _label(ruling, "outcome"),
        "summary": _local(ruling, "summary", language, redact),
        "citation": ruling.citation,
        "in_force": ruling.in_force,
        "in_force_on": _date(ruling.in_force_on) if ruling.in_force_on else "",
    }


def _appeals_in_order(appeals: list[Appeal]) -> list[Appeal]:
    return sorted(appeals, key=lambda a: (a.ruling.decided_on, a.filed_on or dt.date.max, a.pk))


def _appeal_row(appeal: Appeal, language: str, public: bool) -> dict[str, Any]:
    return {
        "kind": _label(appeal, "kind"),
        "court": _local(appeal.court, "name", language),
        "against": f"{_court_name(appeal.ruling.court, language)}, {_date(appeal.ruling.decided_on)}",
        "status": _label(appeal, "status"),
        "filed_on": _date(appeal.filed_on) if appeal.filed_on else "",
        "reference": appeal.reference,
        "appellant": _party_name(appeal.appellant, public, language),
        "decided_by": f"{_date(appeal.decided_by.decided_on)}: {_label(appeal.decided_by, 'outcome')}"
        if appeal.decided_by
        else "",
    }


def _chain(rulings: list[Ruling], appeals: list[Appeal], language: str, public: bool) -> dict[str, Any]:
    """Nodes (rulings, and courts seized by an appeal not yet decided) and the appeals between
    them, in order: the input of the chain diagram."""
    nodes: list[dict[str, Any]] = [
        {
            "key": f"r{r.pk}",
            "court": _court_name(r.court, language),
            "line2": f"{_date(r.decided_on)}: {_label(r, 'outcome')}",
            "pending": False,
        }
        for r in rulings
    ]
    edges: list[dict[str, Any]] = []
    for appeal in _appeals_in_order(appeals):
        target = f"r{appeal.decided_by_id}" if appeal.decided_by_id else f"a{appeal.pk}"
        if not appeal.decided_by_id:
            index = next(i for i, n in enumerate(nodes) if n["key"] == f"r{appeal.ruling_id}")
            nodes.insert(
                index + 1,
                {
                    "key": target,
                    "court": _court_name(appeal.court, language),
                    "line2": _label(appeal, "status"),
                    "pending": True,
                },
            )
        edges.append(
            {
                "source": f"r{appeal.ruling_id}",
                "target": target,
                "label": f"{_label(appeal, 'kind')}"
                + (f", {_date(appeal.filed_on)}" if appeal.filed_on else "")
                + (f" ({appeal.reference})" if appeal.reference else ""),
            }
        )
    return {"nodes": nodes, "edges": edges}


def _exhibit_row(number: int, document: Document, redact: _Redactor) -> dict[str, Any]:
    return {
        "number": number,
        "title": " ".join(redact(document.title).split()),  # one line: set after the number's tab
        "date": _date(document.date) if document.date else "",
        "kind": _label(document, "kind"),
        "sha256": document.sha256,
        "size": document.size,
        "private": not document.is_public,
        "description": redact(document.description),
    }


def _sources(case: Case, events: list[CaseEvent]) -> list[str]:
    lines = [line.strip() for line in case.sources.splitlines() if line.strip()]
    for event in events:
        if event.source and event.source not in lines:
            lines.append(event.source)
    return lines


def _timeline(
    case: Case,
    events: list[CaseEvent],
    hearings: list[Hearing],
    rulings: list[Ruling],
    appeals: list[Appeal],
    language: str,
    public: bool,
    redact: _Redactor,
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for event in events:
        entries.append(
            TimelineEntry(
                sort_key=timeline_date(event.occurred_on, event.precision).isoformat(),
                date=_date(event.occurred_on, event.precision),
                kind="fact",
                kind_label=pgettext("dossier", "Fact"),
                title=_local(event, "title", language, redact),
                detail=_local(event, "description", language, redact),
                unconfirmed=not event.is_confirmed,
                private=not event.is_public,
            )
        )
    if case.filed_on and not any(e.occurred_on == case.filed_on for e in events):
        entries.append(
            TimelineEntry(
                sort_key=case.filed_on.isoformat(),
                date=_date(case.filed_on),
                kind="filing",
                kind_label=pgettext("dossier", "Filing"),
                title=pgettext("dossier", "Case filed"),
            )
        )
    for hearing in hearings:
        local = hearing.starts_at.astimezone(hearing.court.time_zone)
        for move in hearing.reschedules.all():
            previous = move.previous_starts_at.astimezone(hearing.court.time_zone)
            to = (
                _date(move.new_starts_at.astimezone(hearing.court.time_zone).date())
                if move.new_starts_at
                else pgettext("dossier", "a date not yet set")
            )
            entries.append(
                TimelineEntry(
                    sort_key=previous.date().isoformat(),
                    date=_date(previous.date()),
                    kind="reschedule",
                    kind_label=pgettext("dossier", "Hearing moved"),
                    title=pgettext("dossier", "Hearing at %(court)s moved to %(to)s")
                    % {"court": _court_name(hearing.court, language), "to": to},
                    detail=redact.reason(move),
                )
            )
        entries.append(
            TimelineEntry(
                sort_key=local.date().isoformat(),
                date=_date(local.date()),
                kind="hearing",
                kind_label=pgettext("dossier", "Hearing"),
                title=pgettext("dossier", "%(kind)s hearing at %(court)s (%(status)s)")
                % {
                    "kind": _label(hearing, "kind"),
                    "court": _court_name(hearing.court, language),
                    "status": _label(hearing, "status").lower(),
                },
                detail=_local(hearing, "outcome_notes", language, redact),
            )
        )
    for ruling in rulings:
        court = _court_name(ruling.court, language)
        entries.append(
            TimelineEntry(
                sort_key=ruling.decided_on.isoformat(),
                date=_date(ruling.decided_on),
                kind="ruling",
                kind_label=pgettext("dossier", "Ruling"),
                title=f"{court}: {_label(ruling, 'outcome')}",
                detail=_local(ruling, "summary", language, redact),
            )
        )
        if ruling.final_form_on:
            entries.append(
                TimelineEntry(
                    sort_key=ruling.final_form_on.isoformat(),
                    date=_date(ruling.final_form_on),
                    kind="ruling",
                    kind_label=pgettext("dossier", "Ruling"),
                    title=pgettext("dossier", "Decision of %(court)s in final form") % {"court": court},
                )
            )
        if ruling.in_force_on:
            entries.append(
                TimelineEntry(
                    sort_key=ruling.in_force_on.isoformat(),
                    date=_date(ruling.in_force_on),
                    kind="ruling",
                    kind_label=pgettext("dossier", "Ruling"),
                    title=pgettext("dossier", "Decision of %(court)s entered into force") % {"court": court},
                )
            )
    for appeal in appeals:
        title = pgettext("dossier", "%(kind)s to %(court)s against the decision of %(date)s (%(status)s)") % {
            "kind": _label(appeal, "kind"),
            "court": _court_name(appeal.court, language),
            "date": _date(appeal.ruling.decided_on),
            "status": _label(appeal, "status").lower(),
        }
        entries.append(
            TimelineEntry(
                sort_key=appeal.filed_on.isoformat() if appeal.filed_on else "",
                date=_date(appeal.filed_on) if appeal.filed_on else pgettext("dossier", "not filed yet"),
                kind="appeal",
                kind_label=pgettext("dossier", "Appeal"),
                title=title,
                detail=pgettext("dossier", "Appellant: %(name)s")
                % {"name": _party_name(appeal.appellant, public, language)}
                if appeal.appellant
                else "",
            )
        )
    return entries


def _private_notes(
    case: Case,
    parties: list[Party],
    hearings: list[Hearing],
    rulings: list[Ruling],
    appeals: list[Appeal],
    documents: list[Document],
    language: str,
) -> list[dict[str, str]]:
    notes = []
    party_label, hearing_label, ruling_label = (
        pgettext("dossier", "Party"),
        pgettext("dossier", "Hearing"),
        pgettext("dossier", "Ruling"),
    )
    appeal_label, document_label = pgettext("dossier", "Appeal"), pgettext("dossier", "Document")
    if case.notes:
        notes.append({"about": pgettext("dossier", "Case"), "text": case.notes})
    for party in parties:
        if party.notes:
            notes.append({"about": f"{party_label}: {_plain(party, 'name', language)}", "text": party.notes})
    for hearing in hearings:
        if hearing.notes:
            notes.append({"about": f"{hearing_label}: {_hearing_when(hearing)[0]}", "text": hearing.notes})
    for ruling in rulings:
        if ruling.notes:
            notes.append(
                {
                    "about": f"{ruling_label}: {_court_name(ruling.court, language)}, {_date(ruling.decided_on)}",
                    "text": ruling.notes,
                }
            )
    for appeal in appeals:
        if appeal.notes:
            notes.append({"about": f"{appeal_label}: {_court_name(appeal.court, language)}", "text": appeal.notes})
    for document in documents:
        if document.notes:
            notes.append({"about": f"{document_label}: {document.title}", "text": document.notes})
    return notes
