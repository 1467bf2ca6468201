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


class _Spelling:
    """The fingerprint's SQL pieces in PostgreSQL's words. One statement on every database: the
    subclass below spells the same pieces for SQLite (`make run`), the only other one the
    tracker runs on (settings.py)."""

    def text(self, expr: str) -> str:
        return f"({expr})::text"

    def joined(self, separator: str, *exprs: str) -> str:
        return f"concat_ws('{separator}', {', '.join(exprs)})"

    def timestamp_sum(self, column: str) -> str:
        # extract() gives a numeric with the microseconds: exact, whatever the number of rows.
        return f"sum(extract(epoch FROM {column}))"

    def digest(self, row: str, *, order: str, source: str) -> str:
        """md5 of `row` over the rows of `source` (FROM ... WHERE ...), in `order`."""
        return f"(SELECT md5(string_agg({row}, ',' ORDER BY {order})) FROM {source})"  # noqa: S608 (our own text)


class _SqliteSpelling(_Spelling):
    # SQLite 3.40 (Debian 12) has neither concat_ws() nor an ORDER BY inside an aggregate (both
    # 3.44), nor `::`. md5() is Django's: its SQLite backend registers MD5 on every connection.

    def text(self, expr: str) -> str:
        return f"CAST(({expr}) AS TEXT)"

    def joined(self, separator: str, *exprs: str) -> str:
        return f" || '{separator}' || ".join(f"coalesce(CAST({expr} AS TEXT), '')" for expr in exprs)

    def timestamp_sum(self, column: str) -> str:
        # Django stores a datetime as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: whole seconds and
        # microseconds summed apart are exact integers (julianday() keeps milliseconds only).
        return self.joined(
            ".",
            f"sum(CAST(strftime('%%s', {column}) AS INTEGER))",
            f"sum(CAST(substr({column}, 21) AS INTEGER))",
        )

    def digest(self, row: str, *, order: str, source: str) -> str:
        # group_concat() follows the order of the rows it reads: an ordered subquery.
        return f"(SELECT md5(group_concat(line, ',')) FROM (SELECT {row} AS line FROM {source} ORDER BY {order}))"  # noqa: S608


@functools.cache
def _query(vendor: str) -> str:
    sql = _Spelling() if vendor == "postgresql" else _SqliteSpelling()

    def table(model: type[Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def versioned(model: type[Model], where: str) -> str:
        counts = sql.joined(",", "count(*)", "sum(version)", sql.timestamp_sum("updated_at"))
        return f"(SELECT {counts} FROM {table(model)} WHERE {where})"  # noqa: S608 (table names from _meta)

    from deadlines.models import Deadline

    tags = Case.tags.through

    case_row = sql.joined(",", "c.version", "c.updated_at", "o.version", "o.updated_at")
    parts = [
        f"(SELECT {case_row} FROM {table(Case)} c "  # noqa: S608
        f"JOIN {table(Organization)} o ON o.id = c.organization_id WHERE c.id = %(case)s)",
        versioned(Party, "case_id = %(case)s"),
        versioned(Hearing, "case_id = %(case)s"),
        versioned(Ruling, "case_id = %(case)s"),
        versioned(Appeal, "case_id = %(case)s"),
        versioned(CaseEvent, "case_id = %(case)s"),
        versioned(Document, "case_id = %(case)s AND kind <> 'dossier'"),
        versioned(Deadline, "case_id = %(case)s"),
        versioned(Court, "TRUE"),
        sql.digest(
            sql.joined(":", "r.id", "r.previous_starts_at", "r.new_starts_at", "r.reason", "r.reason_is_public"),
            order="r.id",
            source=f"{table(HearingReschedule)} r JOIN {table(Hearing)} h ON h.id = r.hearing_id "
            "WHERE h.case_id = %(case)s",
        ),
        sql.digest(
            sql.joined(":", "id", "court_id", "number"), order="id", source=f"{table(Docket)} WHERE case_id = %(case)s"
        ),
        sql.digest(
            sql.joined(":", "t.id", "t.name"),
            order="t.id",
            source=f"{table(tags)} ct JOIN {table(Tag)} t ON t.id = ct.tag_id WHERE ct.case_id = %(case)s",
        ),
    ]
    return "SELECT " + sql.joined("|", *(f"coalesce({sql.text(p)}, '-')" for p in parts))


def dossier_fingerprint(*, case: Case, edition: str, language: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_query(connection.vendor), {"case": case.pk})
        (state,) = cursor.fetchone()
    presentation = f"{DOSSIER_FORMAT_VERSION}|{layout.layout_digest()}"
    return hashlib.sha256(f"{presentation}|{edition}|{language}|{state}".encode()).hexdigest()
