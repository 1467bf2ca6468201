"""Reminder pipeline benchmark (issue 4). One command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/reminders.py [--subscriptions 10000 --hearings 1000 --rows 1000000]

1. Throughput: N subscriptions over H hearings (one reminder each), all due at once; one real
   Celery worker with 2 processes on Redis and PostgreSQL delivers to a local aiosmtpd server.
   Measured: from the tick that finds them due to the last message accepted by the server,
   with the CPU time the worker's processes and the SMTP sink spent on it.
2. Idle tick: the beat's claim (`deliveries_claim_due`) with R reminder rows in the table and
   nothing due, timed over repeated runs, with the statements it runs and the PostgreSQL plans
   of those and of the claim queries (the partial indexes must be used).

The defaults are the issue's figures; smaller ones give a quick run while working, e.g.
`--subscriptions 2000 --hearings 200 --rows 100000`.

It works in its own database (`<DATABASE_URL's name>_bench`, created and dropped here) and
appends its figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bench_database_url(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return urlunsplit(parts._replace(path="/" + name)), admin, name


def recreate_database(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0
        self.last_at = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        with self.lock:
            self.count += 1
            self.last_at = time.monotonic()
        return "250 2.0.0 Accepted"


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time of every live process in a process group (the worker and its
    pool processes), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        # After the command name: state, ppid, pgrp, ... utime and stime are fields 14 and 15 of stat.
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def main() -> None:  # noqa: PLR0915 (a script, read top to bottom)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--hearings", type=int, default=1_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if args.subscriptions % args.hearings:
        parser.error("--subscriptions must be a multiple of --hearings")
    source_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not source_url.startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark runs on the real services.")

    database_url, admin_url, db_name = bench_database_url(source_url)
    recreate_database(admin_url, db_name)
    os.environ.update(
        DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="tracker.settings", DEBUG="false", CONN_MAX_AGE="60",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnop"),
        # Subscribers' addresses are encrypted at rest (issue 20): production needs the keys.
        FIELD_ENCRYPTION_KEYS=os.environ.get("FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OTA="),
        FIELD_HASH_KEY=os.environ.get("FIELD_HASH_KEY", "bench-only-field-hash-key-0123456789abcdef"),
    )  # fmt: skip
    import django

    django.setup()
    import logging

    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.models import Case, Court, Hearing, Organization
    from reminders import services
    from reminders.models import Reminder, Subscription
    from reminders.tasks import reminders_dispatch_due_task
    from tests.processes import BIN, clean_env, free_port
    from tracker.celery import app

    out: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        out.append(line)

    try:
        call_command("migrate", verbosity=0)
        per_hearing = args.subscriptions // args.hearings
        # --- data: H cases with one hearing each, N/H confirmed subscribers each ----------------
        started = time.monotonic()
        org = Organization.objects.create(name="Bench", slug="bench")
        court = Court.objects.create(
            name="Bench court", jurisdiction="ru", level="first_instance", time_zone="Europe/Moscow"
        )
        cases = Case.objects.bulk_create(
            Case(organization=org, title=f"Bench case {n}", slug=f"bench-{n}", is_public=True)
            for n in range(args.hearings)
        )
        confirmed = timezone.now()
        Subscription.objects.bulk_create(
            Subscription(case=case, email=f"s{n}-{case.pk}@example.net", confirmed_at=confirmed, offsets_minutes=[60],
                         language="ru" if n % 2 else "en", time_zone="Asia/Yekaterinburg")
            for case in cases for n in range(per_hearing)
        )  # fmt: skip
        starts_at = timezone.now() + dt.timedelta(hours=3)  # its 1-hour reminder is made due below
        hearings = Hearing.objects.bulk_create(
            Hearing(case=case, court=court, starts_at=starts_at, courtroom="1") for case in cases
        )
        for hearing in hearings:  # what hearing_schedule does after saving the hearing
            with transaction.atomic():
                services.reminders_hearing_changed(hearing=hearing)
        reminders = Reminder.objects.count()
        say(f"data: {args.hearings} hearings, {Subscription.objects.count()} subscriptions, {reminders} reminders "
            f"({time.monotonic() - started:.1f}s to create)")  # fmt: skip

        # --- 1. throughput ---------------------------------------------------------------------
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        handler = CountingHandler()
        smtp_port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        app.control.purge()
        env = clean_env(
            DATABASE_URL=database_url, REDIS_URL=redis_url, DEBUG="false", SECRET_KEY=os.environ["SECRET_KEY"],
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), CONN_MAX_AGE="60",
        )  # fmt: skip
        log = ROOT / "var" / "bench-worker.log"
        log.parent.mkdir(exist_ok=True)
        worker_cmd = [str(BIN / "celery"), "-A", "tracker", "worker", "--loglevel", "WARNING", "--concurrency",
                      str(args.concurrency), "--without-gossip", "--without-mingle", "-n", f"bench-{smtp_port}@%h"]  # fmt: skip
        with log.open("wb") as log_file:
            worker = subprocess.Popen(worker_cmd, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                      start_new_session=True)  # fmt: skip
        try:
            # warm up: the worker answers a ping
            app.control.ping(timeout=30)
            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=1) and time.monotonic() < deadline:
                time.sleep(0.5)
            Reminder.objects.update(due_at=timezone.now())
            worker_cpu0, own_cpu0, load0 = group_cpu_seconds(worker.pid), time.process_time(), os.getloadavg()
            t0 = time.monotonic()
            reminders_dispatch_due_task.delay()  # the beat's tick, through the broker as beat sends it
            deadline = t0 + 1800
            while handler.count < reminders and time.monotonic() < deadline:
                time.sleep(0.2)
            elapsed = handler.last_at - t0
            worker_cpu = group_cpu_seconds(worker.pid) - worker_cpu0
            own_cpu, load1 = time.process_time() - own_cpu0, os.getloadavg()
            sent = Reminder.objects.filter(state="sent").count()
        finally:
            os.killpg(worker.pid, 15)
            worker.wait(30)
            controller.stop()
        rate = handler.count / elapsed if elapsed > 0 else 0
        say(f"throughput: {handler.count} of {reminders} messages accepted by aiosmtpd in {elapsed:.1f}s "
            f"from the tick = {rate:.0f} reminders/s (target >= 200/s, 1 worker x {args.concurrency} processes); "
            f"{sent} rows marked sent")  # fmt: skip
        if handler.count:
            per_message = worker_cpu / handler.count * 1000
            say(f"throughput CPU: worker (main + {args.concurrency} pool processes) {worker_cpu:.1f}s = "
                f"{per_message:.2f} ms per message, i.e. {1000 * args.concurrency / per_message:.0f} reminders/s if each "
                f"pool process had a core; this process (aiosmtpd sink) {own_cpu / handler.count * 1000:.2f} ms per "
                f"message; PostgreSQL and Redis not counted")  # fmt: skip
        say(
            f"load average (1 min) {load0[0]:.1f} at the tick, {load1[0]:.1f} at the last message, on {os.cpu_count()} CPUs"
        )

        # --- 2. idle tick with R rows ----------------------------------------------------------
        started = time.monotonic()
        extra = max(args.rows - Reminder.objects.count(), 0)
        offsets_per_subscription = -(-extra // Subscription.objects.count())
        with connection.cursor() as cursor:
            # Past reminders already sent, and future ones pending: nothing due now.
            cursor.execute(
                """
                INSERT INTO reminders_reminder (state, due_at, claimed_at, attempts, last_error, sent_at, created_at,
                    updated_at, subscription_id, hearing_id, offset_minutes, hearing_starts_at, generation)
                SELECT CASE WHEN o %% 10 = 0 THEN 'pending' ELSE 'sent' END,
                       CASE WHEN o %% 10 = 0 THEN now() + interval '30 days' ELSE now() - interval '30 days' END,
                       NULL, 1, '', NULL, now(), now(), s.id, h.id, 1000 + o, h.starts_at, 1
                FROM reminders_subscription s JOIN cases_hearing h ON h.case_id = s.case_id
                CROSS JOIN generate_series(1, %s) AS o
                LIMIT %s
                """,
                [offsets_per_subscription, extra],
            )
            cursor.execute("VACUUM ANALYZE reminders_reminder")
        total_rows = Reminder.objects.count()
        say(f"idle tick: {total_rows} reminder rows ({time.monotonic() - started:.1f}s to insert)")
        timings, cpu_timings = [], []
        for _ in range(5):
            services.deliveries_claim_due()  # warm the connection and the cache
        for _ in range(100):
            t, cpu = time.perf_counter(), time.process_time()
            claimed = services.deliveries_claim_due()
            timings.append((time.perf_counter() - t) * 1000)
            cpu_timings.append((time.process_time() - cpu) * 1000)
            assert len(claimed) == 0
        timings.sort()
        cpu_timings.sort()
        with CaptureQueriesContext(connection) as idle_tick:
            services.deliveries_claim_due()
        statements = [query["sql"] for query in idle_tick.captured_queries]
        say(f"idle tick: median {statistics.median(timings):.2f} ms, p95 {timings[94]:.2f} ms, "
            f"max {timings[-1]:.2f} ms over 100 ticks (target < 20 ms; hearing reminders, notices and deadline reminders); {len(statements)} statement(s) "
            f"per idle tick: {', '.join(sql.split()[0] for sql in statements)}")  # fmt: skip
        say(f"idle tick CPU (this process): median {statistics.median(cpu_timings):.2f} ms, "
            f"p95 {cpu_timings[94]:.2f} ms; load average (1 min) {os.getloadavg()[0]:.1f}")  # fmt: skip
        lease_over = timezone.now() - dt.timedelta(seconds=600)
        rows = Reminder.objects.select_for_update(skip_locked=True)
        queries = {
            "due": rows.filter(state="pending", due_at__lte=timezone.now()).order_by("due_at").values_list("pk", flat=True)[:1000],
            "expired lease": rows.filter(state="sending", claimed_at__lt=lease_over).order_by("claimed_at").values_list("pk", flat=True)[:1000],
        }  # fmt: skip
        plans: dict[str, tuple[str, Any]] = {
            f"idle tick's statement {n + 1}": (sql, ()) for n, sql in enumerate(statements)
        }
        with transaction.atomic():  # select_for_update compiles only inside one
            plans |= {f"claim, {label}": queryset.query.sql_with_params() for label, queryset in queries.items()}
        for label, (sql, params) in plans.items():
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = [row[0] for row in cursor.fetchall()]
            say(f"plan ({label}):")
            for line in plan:
                say(f"    {line}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            recreate_database(admin_url, db_name, drop_only=True)

    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    command = "DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/reminders.py " + " ".join(sys.argv[1:])
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write(
            f"\n## Reminders ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)\n\n"
            f"Command: `{command.strip()}`  \nMachine: {platform.platform()}, nproc {nproc}, Python {platform.python_version()}\n\n"
            f"```\n{free}\n```\n\n```\n" + "\n".join(out) + "\n```\n"
        )


if __name__ == "__main__":
    main()
