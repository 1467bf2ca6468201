"""API benchmark (issue: REST API v1). One command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/api.py [--cases 100000]

Uses its own database (`<DATABASE_URL's name>_bench`, created and seeded once, reused after).
Seeds N cases with 2 parties, 5 hearings, 1 ruling and 1 appeal each (the issue's 100,000 cases
thus bring 500,000 hearings) straight in SQL (the services would take hours for this volume), plus one change-
log row per record as the services would have written. Then measures, through the full Django
stack (middleware, token auth, DRF, serializers): the case list, 50 per page, median and p95;
the same page read with one raw SQL query and serialized with `json` (the floor); queries per
request; and a full initial sync through /api/v1/changes/ (records per second). Appends the
figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _bench_database_url() -> str:
    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker"))
    return urlunparse(url._replace(path=url.path.rstrip("/") + "_bench"))


def _setup() -> None:
    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings_test"  # fast hashing, unthrottled
    import django

    django.setup()


SEED_SQL = """
INSERT INTO cases_organization (name, name_en, original_language, slug, website, require_two_factor, version, created_at, updated_at)
VALUES ('Bench Rights Group', 'Bench Rights Group', 'en', 'bench', '', false, 1, now(), now());
INSERT INTO cases_court (name, name_en, name_ru, address_en, original_language, name_local, jurisdiction, level,
                         city, address, time_zone, website, version, created_at, updated_at)
SELECT 'Bench Court ' || g, 'Bench Court ' || g, 'Тестовый суд ' || g, 'Moscow', 'ru', '', 'ru',
       CASE WHEN g %% 2 = 0 THEN 'appeal' ELSE 'first_instance' END, 'Moscow', '', 'Europe/Moscow', '', 1, now(), now()
FROM generate_series(1, 20) g;
-- Every case in English, every other one in Russian too (the rest fall back to English).
INSERT INTO cases_case (organization_id, title, title_en, title_ru, slug, summary, summary_en, summary_ru, claims,
                        claims_en, legal_basis, legal_basis_en, original_language, proceeding, status, outcome,
                        is_public, filed_on, notes, sources, version, created_at, updated_at)
SELECT (SELECT id FROM cases_organization WHERE slug = 'bench'), 'Plaintiff ' || g || ' v. City of Moscow',
       'Plaintiff ' || g || ' v. City of Moscow', CASE WHEN g %% 2 = 0 THEN 'Истец ' || g || ' против г. Москвы' END,
       'bench-' || g, 'Facial recognition in the metro, claim number ' || g,
       'Facial recognition in the metro, claim number ' || g,
       CASE WHEN g %% 2 = 0 THEN 'Распознавание лиц в метро, иск номер ' || g END, '', '', '152-FZ', '152-FZ', 'en',
       'civil', 'decided', '', g %% 2 = 0, DATE '2019-10-02', 'private notes ' || g, '', 1, now(),
       now() - (g || ' seconds')::interval
FROM generate_series(1, %(cases)s) g;
INSERT INTO cases_party (case_id, role, kind, name, name_en, name_ru, alias, alias_en, description, description_en,
                         original_language, consent_to_publish, contact_email, contact_phone, contact_address, notes,
                         version, created_at, updated_at)
SELECT c.id, r.role, 'person', 'Person ' || c.id || r.role, 'Person ' || c.id || r.role,
       CASE WHEN c.id %% 2 = 0 THEN 'Лицо ' || c.id || r.role END, 'P.' || c.id, 'P.' || c.id, '', '', 'en',
       c.id %% 3 = 0, 'p@example.org', '', '', '', 1, now(), now()
FROM cases_case c CROSS JOIN (VALUES ('plaintiff'), ('defendant')) r(role);
INSERT INTO cases_hearing (case_id, court_id, starts_at, time_to_be_confirmed, duration_minutes, courtroom, judge,
                           kind, status, outcome_notes, outcome_notes_en, original_language, notes, version,
                           created_at, updated_at)
SELECT c.id, (SELECT min(id) FROM cases_court), TIMESTAMPTZ '2019-10-21 07:00+00' + (h || ' days')::interval, false,
       60, '1', '', 'merits', 'held', '', '', 'en', '', 1, now(), now()
FROM cases_case c CROSS JOIN generate_series(1, 5) h;
INSERT INTO cases_ruling (case_id, court_id, decided_on, judge, outcome, summary, summary_en, summary_ru,
                          original_language, citation, in_force, notes, version, created_at, updated_at)
SELECT c.id, (SELECT min(id) FROM cases_court), DATE '2019-11-06', '', 'dismissed', 'Claim dismissed.',
       'Claim dismissed.', 'В иске отказано.', 'en', '', false, '', 1, now(), now()
FROM cases_case c;
INSERT INTO cases_appeal (case_id, ruling_id, court_id, kind, status, filed_on, reference, grounds, grounds_en,
                          original_language, notes, version, created_at, updated_at)
SELECT r.case_id, r.id, (SELECT max(id) FROM cases_court), 'appeal', 'filed', DATE '2019-12-01', '', '', '', 'en', '',
       1, now(), now()
FROM cases_ruling r;
"""

CHANGE_SQL = """
INSERT INTO changes_change (txid, object_type, object_id, op, organization_id, audience_public, recorded_at)
SELECT pg_current_xact_id()::text::bigint, %(type)s, t.id, 'upsert', {org}, {public}, now()
FROM {table} t {join} ORDER BY t.id;
"""


def seed(cases: int) -> None:
    from django.db import connection, transaction

    from cases.models import Case

    existing = Case.objects.count()
    if existing == cases:
        print(f"bench database already seeded with {existing} cases")
        return
    started = time.monotonic()
    if existing:
        print(f"bench database has {existing} cases, not {cases}: seeding it again")
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE cases_organization, cases_court, cases_case, cases_tag, changes_change, "
                "apitokens_apitoken, auth_user RESTART IDENTITY CASCADE"
            )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SEED_SQL, {"cases": cases})
        for type_name, table in (
            ("court", "cases_court"),
            ("case", "cases_case"),
            ("party", "cases_party"),
            ("hearing", "cases_hearing"),
            ("ruling", "cases_ruling"),
            ("appeal", "cases_appeal"),
        ):
            if type_name == "court":
                sql = CHANGE_SQL.format(org="NULL", public="true", table=table, join="")
            elif type_name == "case":
                sql = CHANGE_SQL.format(org="t.organization_id", public="t.is_public", table=table, join="")
            else:
                sql = CHANGE_SQL.format(
                    org="c.organization_id",
                    public="c.is_public",
                    table=table,
                    join="JOIN cases_case c ON c.id = t.case_id",
                )
            cursor.execute(sql, {"type": type_name})
    # The private columns as the services store them: encrypted (tracker/fields.py; code before
    # issue 20, measured for comparison, has no tracker.sealing and plain columns).
    try:
        from tracker.sealing import encrypted_tables, rewrite_table, seal_values
    except ImportError:
        encrypted_tables = list  # type: ignore[assignment]
    for _model, table, key, columns in encrypted_tables():
        if table in ("cases_case", "cases_party", "cases_hearing", "cases_ruling", "cases_appeal"):
            rewrite_table(connection, table, key, columns, seal_values, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {cases} cases in {time.monotonic() - started:.0f} s")


def _revision() -> str:
    """The commit measured, and whether the tree had changes on top of it."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)  # noqa: S603,S607
    # (bench/RESULTS.md itself, where the figures go, does not count as a change)
    dirty = subprocess.run(  # noqa: S603,S607
        ["git", "status", "--porcelain", "--", ".", ":!bench/RESULTS.md"], cwd=ROOT, capture_output=True, text=True
    )
    if head.returncode != 0:
        return "(not a git checkout)"
    return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def cpu_clock(connection: Any) -> Callable[[], float]:
    """Milliseconds of CPU spent so far by this process (client + Django) and by the PostgreSQL
    backend serving its connection (`/proc/<pid>/schedstat`, in nanoseconds, when the server runs
    on this machine). Unlike wall time, a request's CPU hardly moves with the load around it, so
    two versions measured at different moments compare."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        schedstat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def now() -> float:
        try:
            backend_ns = int(schedstat.read_text().split()[0])
        except OSError:  # PostgreSQL on another machine: this process only
            backend_ns = 0
        return time.process_time() * 1000 + backend_ns / 1e6

    return now


def measure(requests: int, *, sync: bool = True) -> dict[str, float]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apitokens.services import api_token_create
    from cases.models import Case, Membership, Organization, Party

    user, _ = User.objects.get_or_create(username="bench-lawyer")
    Membership.objects.get_or_create(organization=Organization.objects.get(slug="bench"), user=user, role="lawyer")
    _, token = api_token_create(user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    # Case list through the full stack, walking pages with the cursor.
    url = "/api/v1/cases/?page_size=50"
    for _ in range(5):  # warm up
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and len(response.json()["results"]) == 50
    list_queries = len(queries.captured_queries)
    # The list through the full stack, walking pages with the cursor, and the floor: the same
    # page (the same 50 cases) read with one raw query and serialized with json. The two
    # alternate, request by request, so that both meet the same load on the machine.
    # (Since issue 13 the response carries each translated field in the reader's language and all
    # of them in `translations`: the floor reads and ships the same columns.)
    sql = """
        SELECT c.id, o.slug, COALESCE(NULLIF(c.title_en, ''), c.title_ru), c.slug,
               COALESCE(NULLIF(c.summary_en, ''), c.summary_ru), COALESCE(NULLIF(c.claims_en, ''), c.claims_ru),
               COALESCE(NULLIF(c.legal_basis_en, ''), c.legal_basis_ru), c.proceeding, c.status, c.outcome,
               c.is_public, c.filed_on::text, c.notes, c.sources, c.original_language,
               c.title_en, c.title_ru, c.summary_en, c.summary_ru, c.claims_en, c.claims_ru,
               c.legal_basis_en, c.legal_basis_ru, c.version, c.created_at::text, c.updated_at::text,
               COALESCE((SELECT array_agg(t.name) FROM cases_case_tags ct JOIN cases_tag t ON t.id = ct.tag_id
                         WHERE ct.case_id = c.id), '{}')
        FROM cases_case c JOIN cases_organization o ON o.id = c.organization_id
        WHERE c.id <= %s ORDER BY c.id DESC LIMIT 50
    """
    names = "id organization title slug summary claims legal_basis proceeding status outcome is_public filed_on notes sources original_language".split()
    translated = ("title", "summary", "claims", "legal_basis")

    def floor_record(row: tuple) -> dict:
        record = dict(zip(names, row[:15], strict=True))
        texts = row[15:23]
        record["translations"] = {
            field: {"en": texts[2 * n] or None, "ru": texts[2 * n + 1] or None} for n, field in enumerate(translated)
        }
        record.update(version=row[23], created_at=row[24], updated_at=row[25], tags=row[26])
        return record

    cpu_now = cpu_clock(connection)
    timings, cpu, both_cpu, floor, floor_cpu, next_url = [], [], [], [], [], url
    with connection.cursor() as cursor:
        for _ in range(requests):
            started, started_cpu, started_both = time.perf_counter(), time.process_time(), cpu_now()
            response = client.get(next_url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            both_cpu.append(cpu_now() - started_both)
            body = response.json()
            next_url = body["next"] or url
            started, started_cpu = time.perf_counter(), time.process_time()
            cursor.execute(sql, [body["results"][0]["id"]])
            payload = json.dumps({"results": [floor_record(row) for row in cursor.fetchall()]})
            floor.append((time.perf_counter() - started) * 1000)
            floor_cpu.append((time.process_time() - started_cpu) * 1000)
            assert json.loads(payload)["results"][0]["id"] == body["results"][0]["id"]
    assert len(payload) > 1000

    # Case detail through the full stack: a private case (its private notes) and a party with
    # contact details, as the member who may read them (issue 20: sealed at rest, reads on record).
    private_ids = list(Case.objects.filter(is_public=False).order_by("-id").values_list("id", flat=True)[:requests])
    party_ids = list(
        Party.objects.filter(case_id__in=private_ids).order_by("-id").values_list("id", flat=True)[:requests]
    )
    for case_id, party_id in zip(private_ids[:5], party_ids[:5], strict=False):  # warm up both
        client.get(f"/api/v1/cases/{case_id}/")
        client.get(f"/api/v1/parties/{party_id}/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/cases/{private_ids[0]}/")
    assert response.status_code == 200, response.content
    detail_queries = len(queries.captured_queries)
    detail, party_detail, detail_cpu, party_cpu = [], [], [], []
    for case_id, party_id in zip(private_ids, party_ids, strict=False):
        started, started_cpu = time.perf_counter(), cpu_now()
        response = client.get(f"/api/v1/cases/{case_id}/")
        detail.append((time.perf_counter() - started) * 1000)
        detail_cpu.append(cpu_now() - started_cpu)
        assert response.status_code == 200
        started, started_cpu = time.perf_counter(), cpu_now()
        response = client.get(f"/api/v1/parties/{party_id}/")
        party_detail.append((time.perf_counter() - started) * 1000)
        party_cpu.append(cpu_now() - started_cpu)
        assert response.status_code == 200 and response.json()["contact_email"]

    # A full initial sync through the feed, as the member (sees every record).
    synced, cursor_param, started, started_cpu = 0, "", time.perf_counter(), time.process_time()
    feed_queries = 0
    while sync:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/v1/changes/?limit=1000{cursor_param}").json()
        feed_queries = max(feed_queries, len(queries.captured_queries))
        synced += len(body["results"])
        cursor_param = f"&since={body['next']}"
        if not body["has_more"]:
            break
    sync_seconds = time.perf_counter() - started
    sync_cpu_seconds = time.process_time() - started_cpu
    return {
        "list_median_ms": statistics.median(timings),
        "list_p95_ms": percentile(timings, 0.95),
        "floor_median_ms": statistics.median(floor),
        "floor_p95_ms": percentile(floor, 0.95),
        "list_cpu_median_ms": statistics.median(cpu),
        "list_both_cpu_mean_ms": statistics.fmean(both_cpu),
        "detail_cpu_mean_ms": statistics.fmean(detail_cpu),
        "party_cpu_mean_ms": statistics.fmean(party_cpu),
        "list_both_cpu_median_ms": statistics.median(both_cpu),
        "detail_cpu_median_ms": statistics.median(detail_cpu),
        "party_cpu_median_ms": statistics.median(party_cpu),
        "floor_cpu_median_ms": statistics.median(floor_cpu),
        # each list request over the floor read of the same page right after it
        "paired_ratio_median": statistics.median(t / f for t, f in zip(timings, floor, strict=True)),
        "list_queries": list_queries,
        "detail_median_ms": statistics.median(detail),
        "detail_p95_ms": percentile(detail, 0.95),
        "detail_queries": detail_queries,
        "party_median_ms": statistics.median(party_detail),
        "party_p95_ms": percentile(party_detail, 0.95),
        "sync_records": synced,
        "sync_seconds": sync_seconds,
        "sync_records_per_s": synced / sync_seconds if synced else 0,
        "sync_cpu_seconds": sync_cpu_seconds,
        "feed_max_queries": feed_queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--no-sync", action="store_true", help="Skip the initial sync (list and details only).")
    args = parser.parse_args()
    bench_url = _bench_database_url()
    name = urlparse(bench_url).path.lstrip("/")
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)  # noqa: S603,S607
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.cases)
    from cases.models import Appeal, Case, Hearing, Party, Ruling

    counts = {m.__name__: m.objects.count() for m in (Case, Party, Hearing, Ruling, Appeal)}
    figures = measure(args.requests, sync=not args.no_sync)
    ratio = figures["list_median_ms"] / figures["floor_median_ms"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    machine = (
        f"{os.cpu_count()} cores, "
        + subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
        + " RAM"
    )  # noqa: S603,S607
    lines = [
        f"\n## API benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine}, load average {load}, {platform.python_implementation()} {platform.python_version()}; "
        f"command: `python bench/api.py --cases {args.cases} --requests {args.requests}"
        f"{' --no-sync' if args.no_sync else ''}`; git {_revision()}",
        f"- data: {', '.join(f'{v} {k.lower()}s' for k, v in counts.items())}",
        f"- case list, 50 per page, token auth, full Django stack: median {figures['list_median_ms']:.1f} ms, "
        f"p95 {figures['list_p95_ms']:.1f} ms, {figures['list_queries']} queries per request "
        f"(target: p95 < 100 ms, <= 8 queries); CPU of this process (client + Django) median "
        f"{figures['list_cpu_median_ms']:.1f} ms",
        f"- floor (one raw SQL query + json.dumps, same 50 rows): median {figures['floor_median_ms']:.2f} ms, "
        f"p95 {figures['floor_p95_ms']:.2f} ms (CPU {figures['floor_cpu_median_ms']:.2f} ms); "
        f"list / floor = {ratio:.2f}x (target <= 3x; the median of each request's own ratio to the floor read "
        f"after it: {figures['paired_ratio_median']:.2f}x)",
        f"- private case detail, token auth, full Django stack: median {figures['detail_median_ms']:.1f} ms, "
        f"p95 {figures['detail_p95_ms']:.1f} ms, {figures['detail_queries']} queries per request; "
        f"party detail with contact details: median {figures['party_median_ms']:.1f} ms, "
        f"p95 {figures['party_p95_ms']:.1f} ms",
        f"- CPU per request, this process and its PostgreSQL backend together (mean; steadier than wall "
        f"time on a busy machine): case list {figures['list_both_cpu_mean_ms']:.2f} ms, private case detail "
        f"{figures['detail_cpu_mean_ms']:.2f} ms, party detail {figures['party_cpu_mean_ms']:.2f} ms; "
        f"medians {figures['list_both_cpu_median_ms']:.2f}, {figures['detail_cpu_median_ms']:.2f} and "
        f"{figures['party_cpu_median_ms']:.2f} ms",
    ]
    if not args.no_sync:
        lines.append(
            f"- initial sync through /api/v1/changes/ (limit 1000): {figures['sync_records']} records in "
            f"{figures['sync_seconds']:.1f} s = {figures['sync_records_per_s']:.0f} records/s "
            f"({figures['sync_records'] / figures['sync_cpu_seconds']:.0f} records per CPU second of this process), "
            f"at most {figures['feed_max_queries']} queries per page (target >= 5000 records/s)"
        )
    from bench.results import record

    record("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
