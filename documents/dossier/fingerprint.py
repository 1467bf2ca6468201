"""A cheap fingerprint of everything a case's dossier is made from: one query, no content.

Asking again for an unchanged case must answer in milliseconds, but the content hash needs the
whole content built (about ten queries and the formatting of every row). The fingerprint
changes whenever any row the content reads is inserted, changed or deleted:

- versioned rows (case, organization, parties, hearings, rulings, appeals, facts, documents,
  deadlines, courts): their count, the sum of their versions and the sum of their `updated_at`
  (every save sets it, so a change to any row moves the sum, whichever row it is, even one
  committed late with an older timestamp);
- the rows without a version (docket numbers, tags, hearing moves): their values, hashed.

It does not depend on the edition: a change to a private note changes the fingerprint of the
public edition too. That costs one content build, not a render: `dossier_request` then finds
the dossier by its content hash and records the new fingerprint on it.

Generated dossiers (documents of kind "dossier") are left out: storing a PDF must not make its
own case look changed. Courts are counted as a whole table (a court's name is in every dossier
that mentions it; courts change rarely).
"""

from __future__ import annotations

import functools
import hashlib

from django.db import connection
from django.db.models import Model

from cases.models import (
    Appeal,
    Case,
    CaseEvent,
    Court,
    Docket,
    Hearing,
    HearingReschedule,
    Organization,
    Party,
    Ruling,
    Tag,
)
from documents.dossier import layout
from documents.dossier.content import DOSSIER_FORMAT_VERSION
from documents.models import Document


def _versioned(table: str, where: str) -> str:
    return (
        f"(SELECT concat_ws(',', count(*), sum(version), sum(extract(epoch FROM updated_at))) "  # noqa: S608 (table names from _meta)
        f"FROM {table} WHERE {where})"
    )


@functools.cache
def _query() -> str:
    def table(model: type[Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    from deadlines.models import Deadline

    tags = Case.tags.through

    parts = [
        f"(SELECT concat_ws(',', c.version, c.updated_at, o.version, o.updated_at) FROM {table(Case)} c "  # noqa: S608
        f"JOIN {table(Organization)} o ON o.id = c.organization_id WHERE c.id = %(case)s)",
        _versioned(table(Party), "case_id = %(case)s"),
        _versioned(table(Hearing), "case_id = %(case)s"),
        _versioned(table(Ruling), "case_id = %(case)s"),
        _versioned(table(Appeal), "case_id = %(case)s"),
        _versioned(table(CaseEvent), "case_id = %(case)s"),
        _versioned(table(Document), "case_id = %(case)s AND kind <> 'dossier'"),
        _versioned(table(Deadline), "case_id = %(case)s"),
        _versioned(table(Court), "TRUE"),
        f"(SELECT md5(string_agg(concat_ws(':', r.id, r.previous_starts_at, r.new_starts_at, r.reason, r.reason_is_public), ',' "  # noqa: S608
        f"ORDER BY r.id)) FROM {table(HearingReschedule)} r JOIN {table(Hearing)} h ON h.id = r.hearing_id "
        "WHERE h.case_id = %(case)s)",
        f"(SELECT md5(string_agg(concat_ws(':', id, court_id, number), ',' ORDER BY id)) FROM {table(Docket)} "  # noqa: S608
        "WHERE case_id = %(case)s)",
        f"(SELECT md5(string_agg(concat_ws(':', t.id, t.name), ',' ORDER BY t.id)) FROM {table(tags)} ct "  # noqa: S608
        f"JOIN {table(Tag)} t ON t.id = ct.tag_id WHERE ct.case_id = %(case)s)",
    ]
    return "SELECT concat_ws('|', " + ", ".join(f"coalesce({p}::text, '-')" for p in parts) + ")"


def dossier_fingerprint(*, case: Case, edition: str, language: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_query(), {"case": case.pk})
        (state,) = cursor.fetchone()
    presentation = f"{DOSSIER_FORMAT_VERSION}|{layout.layout_digest()}"
    return hashlib.sha256(f"{presentation}|{edition}|{language}|{state}".encode()).hexdigest()
