"""Court watch: one tick's database work (issue 23, "Performance": a tick over 10,000 watches of
which 100 are due, target < 50 ms of database work and no query per watch).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/court_watch_tick.py [--watches 10000 --due 100 --runs 50]

It works in its own database (`<DATABASE_URL's name>_bench`, created and dropped here), seeds the
watches (10,000 dockets of 100 cases at 100 courts; the cards on 300 court hosts, as sudrf.ru
has one per court; 100 due, the rest due over the next 6 hours), and times the claim the tick
makes (`courtwatch.schedule.watches_claim_due`): every statement it sends, through
`connection.execute_wrapper`, over `--runs` ticks (the claimed watches made due again between
runs, outside the timing), and an idle tick. The tick's other work is one broker message per
claimed watch (no database). `tick_bench()` is the part bench/court_watch.py calls
(`--part tick`); run alone, this script appends its figures to bench/RESULTS.md.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOSTS = 300
COURTS = 100


def _seed(*, watches: int, due: int) -> None:
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.utils import timezone

    from cases.models import Case, Court, Docket, Organization
    from courtwatch.models import CourtHost, CourtWatch

    org = Organization.objects.create(name="Bench rights group", slug="bench-rights-group")
    courts = [
        Court.objects.create(name=f"Bench district court {n}", jurisdiction="ru", level="first_instance",
                             time_zone=ZoneInfo("Europe/Moscow"))
        for n in range(COURTS)
    ]  # fmt: skip
    cases = [
        Case.objects.create(organization=org, title=f"Bench case {n}", slug=f"bench-case-{n}", status="filed",
                            filed_on=dt.date(2026, 1, 1), is_public=False)
        for n in range((watches + COURTS - 1) // COURTS)
    ]  # fmt: skip
    dockets = Docket.objects.bulk_create(
        Docket(case=cases[n // COURTS], court=courts[n % COURTS], number=f"2а-{n}/2026") for n in range(watches)
    )
    now = timezone.now()
    spread = dt.timedelta(hours=6)
    CourtWatch.objects.bulk_create(
        CourtWatch(
            docket=docket,
            url=f"https://court{n % HOSTS}.sudrf.ru/modules.php?name=sud_delo&srv_num=1&name_op=case&case_id={n}",
            # the due ones over many hosts (one turn each within the tick); the rest later today
            next_check_at=now - dt.timedelta(seconds=n + 1) if n < due else now + spread * (n / watches),
            last_checked_at=now - dt.timedelta(hours=6),
            last_success_at=now - dt.timedelta(hours=6),
        )
        for n, docket in enumerate(dockets)
    )
    CourtHost.objects.bulk_create(
        CourtHost(host=f"court{n}.sudrf.ru", next_request_at=now - dt.timedelta(minutes=5)) for n in range(HOSTS)
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE courtwatch_courtwatch")
        cursor.execute("VACUUM ANALYZE courtwatch_courthost")


class _Timer:
    """connection.execute_wrapper: each statement's time and its first word."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, float]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql.split()[0], (time.perf_counter() - started) * 1000))


def tick_bench(*, watches: int = 10_000, due: int = 100, runs: int = 50) -> list[str]:
    """Seed (in the current database, which must be empty of watches) and time the claim. Lines
    for RESULTS.md."""
    from django.db import connection
    from django.utils import timezone

    from courtwatch import schedule
    from courtwatch.models import CourtWatch

    out: list[str] = []
    started = time.perf_counter()
    _seed(watches=watches, due=due)
    out.append(f"seeded {watches} watches ({due} due) on {HOSTS} hosts in {time.perf_counter() - started:.1f} s")
    due_ids = list(CourtWatch.objects.order_by("next_check_at").values_list("pk", flat=True)[:due])
    db_ms: list[float] = []
    wall_ms: list[float] = []
    counts: set[tuple[str, ...]] = set()
    claimed: set[int] = set()
    for _ in range(runs):
        now = timezone.now()
        CourtWatch.objects.filter(pk__in=due_ids).update(claimed_at=None, next_check_at=now - dt.timedelta(seconds=1))
        timer = _Timer()
        began = time.perf_counter()
        with connection.execute_wrapper(timer):
            plan = schedule.watches_claim_due(now=now)
        wall_ms.append((time.perf_counter() - began) * 1000)
        db_ms.append(sum(ms for _word, ms in timer.statements))
        counts.add(tuple(word for word, _ms in timer.statements))
        claimed.add(len(plan.claimed))
    db_ms.sort()
    out.append(
        f"tick over {watches} watches, {due} due: claimed {sorted(claimed)} per tick; statements per tick: "
        f"{sorted(counts)}; database time median {statistics.median(db_ms):.2f} ms, p95 "
        f"{db_ms[int(len(db_ms) * 0.95) - 1]:.2f} ms, max {db_ms[-1]:.2f} ms over {runs} ticks "
        f"(target < 50 ms); the call's wall time median {statistics.median(wall_ms):.2f} ms"
    )
    idle: list[float] = []
    idle_counts: set[int] = set()
    for _ in range(runs):
        timer = _Timer()
        with connection.execute_wrapper(timer):
            schedule.watches_claim_due()
        idle.append(sum(ms for _word, ms in timer.statements))
        idle_counts.add(len(timer.statements))
    idle.sort()
    out.append(
        f"idle tick (nothing due): {sorted(idle_counts)} statement(s), database time median "
        f"{statistics.median(idle):.2f} ms, max {idle[-1]:.2f} ms"
    )
    now = timezone.now()
    CourtWatch.objects.filter(pk__in=due_ids).update(claimed_at=None, next_check_at=now - dt.timedelta(seconds=1))
    params: dict[str, Any] = {
        "now": now,
        "lease_over": now - dt.timedelta(minutes=10),
        "limit": 500,
        "interval": 10.0,
        "horizon": now + dt.timedelta(seconds=60),
    }
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + schedule._CLAIM_SQL, params)
        plan_lines = [row[0] for row in cursor.fetchall()]
    out.append("plan (the claim):")
    out.extend(f"    {line}" for line in plan_lines)
    return out


def main() -> None:
    from bench.reminders import bench_database_url, recreate_database

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--watches", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--print-only", action="store_true", help="print the figures only (bench/court_watch.py records them)"
    )
    args = parser.parse_args()
    source_url = os.environ.get("DATABASE_URL", "")
    if not source_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL (PostgreSQL): the benchmark runs on the real database.")
    database_url, admin_url, db_name = bench_database_url(source_url)
    recreate_database(admin_url, db_name)
    os.environ.update(
        DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="tracker.settings", DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnop"),
        FIELD_ENCRYPTION_KEYS=os.environ.get("FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OTA="),
        FIELD_HASH_KEY=os.environ.get("FIELD_HASH_KEY", "bench-only-field-hash-key-0123456789abcdef"),
    )  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        out = tick_bench(watches=args.watches, due=args.due, runs=args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            recreate_database(admin_url, db_name, drop_only=True)
    for line in out:
        print(line)
    if args.print_only:
        return
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    load = os.getloadavg()[0]
    command = "DATABASE_URL=... .venv/bin/python bench/court_watch_tick.py " + " ".join(sys.argv[1:])
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write(
            f"\n## Court watch: the tick ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)\n\n"
            f"Command: `{command.strip()}`  \nMachine: {platform.platform()}, nproc {nproc}, "
            f"Python {platform.python_version()}, load average (1 min) {load:.1f}\n\n"
            "```\n" + "\n".join(out) + "\n```\n"
        )


if __name__ == "__main__":
    main()
