"""Case search benchmark (issue 13: search in Russian and English). One command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/search.py [--cases 100000]

Uses its own database (`<DATABASE_URL's name>_search_bench`, created and seeded once, reused
after). Seeds N cases with an English and a Russian title and summary and two parties each
(names in both languages), one case in 1,000 about "Popova" / "Попова", straight in SQL. Then
measures `GET /api/v1/cases/?q=...` through the full Django stack (token auth, DRF), median and
p95, for a rare Russian word form ("Попову": 0.1% of cases), a rare English one, and a word
every case matches through its stem ("recognised" -> "recognition"); checks that the plan reads
the GIN indexes; appends the figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED_SQL = """
INSERT INTO cases_organization (name, name_en, slug, website, original_language, require_two_factor, version, created_at, updated_at)
VALUES ('Bench Rights Group', 'Bench Rights Group', 'bench', '', 'en', false, 1, now(), now());
INSERT INTO cases_case (organization_id, title, title_en, title_ru, slug, summary, summary_en, summary_ru, claims,
                        legal_basis, legal_basis_en, legal_basis_ru, proceeding, status, outcome, is_public, filed_on,
                        notes, sources, original_language, version, created_at, updated_at)
SELECT (SELECT id FROM cases_organization WHERE slug = 'bench'),
       t.en, t.en, t.ru, 'bench-' || g,
       'Facial recognition in the metro, claim number ' || g,
       'Facial recognition in the metro, claim number ' || g,
       'Распознавание лиц в метро, иск номер ' || g,
       '', '152-FZ', '152-FZ', '152-ФЗ', 'civil', 'decided', '', true, DATE '2019-10-02', '', '', 'en', 1, now(),
       now() - (g || ' seconds')::interval
FROM generate_series(1, %(cases)s) g,
     LATERAL (SELECT CASE WHEN g %% 1000 = 0 THEN 'Popova v. Moscow, claim ' || g
                          ELSE 'Plaintiff ' || g || ' v. City of Moscow' END AS en,
                     CASE WHEN g %% 1000 = 0 THEN 'Попова против Москвы, иск ' || g
                          ELSE 'Истец ' || g || ' против города Москвы' END AS ru) t;
INSERT INTO cases_party (case_id, role, kind, name, name_en, name_ru, alias, alias_en, consent_to_publish, description,
                         contact_email, contact_phone, contact_address, notes, original_language, version,
                         created_at, updated_at)
SELECT c.id, r.role, 'person', 'Person ' || c.id || r.role, 'Person ' || c.id || r.role,
       'Лицо ' || c.id || r.role, 'P.' || c.id, 'P.' || c.id, true, '', '', '', '', '', 'en', 1, now(), now()
FROM cases_case c CROSS JOIN (VALUES ('plaintiff'), ('defendant')) r(role);
"""

QUERIES = {
    "Попову": "a rare Russian word form (0.1% of cases)",
    "Popova": "a rare English word (0.1% of cases)",
    "recognised": "an English form every case matches by its root",
}


def _database_url() -> str:
    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker"))
    return urlunparse(url._replace(path=url.path.rstrip("/") + "_search_bench"))


def _setup() -> None:
    os.environ["DATABASE_URL"] = _database_url()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings_test"
    import django

    django.setup()


def seed(cases: int) -> None:
    from django.db import connection, transaction

    from cases.models import Case

    existing = Case.objects.count()
    if existing == cases:
        print(f"search bench database already seeded with {existing} cases")
        return
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        if existing:
            cursor.execute(
                "TRUNCATE cases_organization, cases_case, changes_change, apitokens_apitoken, auth_user "
                "RESTART IDENTITY CASCADE"
            )
        cursor.execute(SEED_SQL, {"cases": cases})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {cases} cases in {time.monotonic() - started:.0f} s")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(requests: int) -> dict[str, dict[str, float | str]]:
    from django.contrib.auth.models import User
    from django.test import Client

    from apitokens.services import api_token_create
    from cases.models import Case, Membership, Organization
    from cases.selectors import cases_matching

    user, _ = User.objects.get_or_create(username="bench-lawyer")
    Membership.objects.get_or_create(organization=Organization.objects.get(slug="bench"), user=user, role="lawyer")
    _, token = api_token_create(user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    figures: dict[str, dict[str, float | str]] = {}
    for word in QUERIES:
        url = f"/api/v1/cases/?page_size=50&q={word}"
        for _ in range(3):
            response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        found = len(response.json()["results"])
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        plan = cases_matching(Case.objects.all(), word, public_names_only=True).explain()
        indexes = sorted({name for name in ("case_search_en", "case_search_ru") if name in plan})
        matches = cases_matching(Case.objects.all(), word, public_names_only=True).count()
        figures[word] = {
            "median": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "first_page": found,
            "matches": matches,
            "indexes": ", ".join(indexes) or "none",
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    name = urlparse(_database_url()).path.lstrip("/")
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)  # noqa: S603,S607
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.cases)
    figures = measure(args.requests)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"\n## Search benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, load average {load}, {platform.python_implementation()} "
        f"{platform.python_version()}; command: `python bench/search.py --cases {args.cases} "
        f"--requests {args.requests}`",
        f"- data: {args.cases} cases with English and Russian titles and summaries, two parties each",
    ]
    for word, figure in figures.items():
        lines.append(
            f"- `GET /api/v1/cases/?q={word}` ({QUERIES[word]}): {figure['matches']} matches, median "
            f"{figure['median']:.1f} ms, p95 {figure['p95']:.1f} ms (first page of 50, full Django stack); "
            f"plan reads {figure['indexes']}"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    with (ROOT / "bench" / "RESULTS.md").open("a") as out:
        out.write(text)


if __name__ == "__main__":
    main()
