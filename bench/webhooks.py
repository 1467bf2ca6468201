"""Webhooks benchmark (issue 14). One command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/webhooks.py [--endpoints 100 --changes 10000 --idle-endpoints 10000]

Real parts: one Celery worker with 2 processes and beat (Redis broker, PostgreSQL), and a
receiver process (HTTP on a free loopback port) that verifies every batch's signature with
`standardwebhooks` and notes when it answered 2xx for which record versions.

The endpoints belong to 10 organizations (10 endpoints each, owned by lawyers); each
organization has changes/10 private cases and each change is one `case_update` of a different
case by 4 writer threads through the services, so a change goes to the 10 endpoints of its
organization.

1. Latency: while the writers commit the changes, p95 (and median, max) from each change's
   commit to the receiver's 2xx of a batch holding that record at that version or later, over
   every (change, endpoint) pair; records pushed per second from the first commit to the last 2xx.
2. Throughput: every endpoint replayed from before phase 1 (a backlog of changes/10 records
   each): records pushed per second from the replay to the last 2xx.
3. Idle tick: the claim (`endpoints_claim_due`) with I endpoints all caught up, timed over 100
   runs, with the PostgreSQL plans of its statements.

It works in its own database (`<DATABASE_URL's name>_bench`, created and dropped here) and
appends its figures to bench/RESULTS.md.

`--private-postgres` runs it on a PostgreSQL cluster of its own (initdb in a temporary folder,
a free port, default settings; as root it runs the server as the `postgres` user). Why: the
feed serves a change once no transaction that could precede it is running, and that horizon is
cluster-wide: on a server shared with other work (other databases' test suites) their
transactions delay every change (phase 1 prints how much). A production tracker has its
database server to itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reminders import bench_database_url, group_cpu_seconds, recreate_database  # noqa: E402

ORGANIZATIONS = 10


def receiver_main(port_file: str, secrets_file: str) -> None:
    """The receiver process: POST /e/<n> verifies with endpoint n's secret and notes the items;
    GET /log answers (and clears) what was noted."""
    from standardwebhooks import Webhook

    verifiers = {path: Webhook(secret) for path, secret in json.loads(Path(secrets_file).read_text()).items()}
    log: list[tuple[float, str, list[tuple[int, int]]]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            batch = verifiers[self.path].verify(body, dict(self.headers.items()))
            items = [(item["id"], item["version"] or 0) for item in batch["results"] if item["type"] == "case"]
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.wfile.flush()
            with lock:
                log.append((time.time(), self.path, items))

        def do_GET(self) -> None:  # noqa: N802
            with lock:
                body = json.dumps(log).encode()
                log.clear()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    Path(port_file).write_text(str(server.server_address[1]))
    server.serve_forever()


def private_postgres(folder: Path) -> tuple[str, list[str]]:
    """Start a throwaway cluster; returns its URL and the command that stops it."""
    import shutil

    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    subprocess.run([*as_postgres, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)  # fmt: skip
    port = free_port_here()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    subprocess.run([*as_postgres, str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                    "-w", "start"], check=True, capture_output=True)  # fmt: skip
    stop = [*as_postgres, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
    return f"postgres://postgres@127.0.0.1:{port}/tracker", stop


def free_port_here() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:  # noqa: PLR0915 (a script, read top to bottom)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=100)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--idle-endpoints", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--private-postgres", action="store_true", help="a cluster of its own (see above)")
    parser.add_argument("--receiver", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        receiver_main(*args.receiver)
        return
    source_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    stop_postgres: list[str] = []
    if args.private_postgres:
        source_url, stop_postgres = private_postgres(ROOT / "var" / "bench-postgres")
    if not source_url.startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark runs on the real services.")
    if args.endpoints % ORGANIZATIONS or args.changes % ORGANIZATIONS:
        parser.error(f"--endpoints and --changes must be multiples of {ORGANIZATIONS}")

    database_url, admin_url, db_name = bench_database_url(source_url)
    recreate_database(admin_url, db_name)
    os.environ.update(
        DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="tracker.settings", DEBUG="false", CONN_MAX_AGE="60",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnop"),
        WEBHOOKS_ALLOW_LOOPBACK="true", WEBHOOKS_TICK_SECONDS="1",
    )  # fmt: skip
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    from django.test.utils import CaptureQueriesContext

    from actions import cases as case_actions
    from cases.models import Case, Membership, Organization
    from changes.models import Change
    from changes.selectors import changes_settled_through
    from tests.processes import BIN, clean_env, free_port
    from tracker.celery import app
    from webhooks import delivery, services
    from webhooks.models import Delivery, Endpoint
    from webhooks.selectors import endpoints_behind

    out: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        out.append(line)

    processes: list[subprocess.Popen[bytes]] = []
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    try:
        call_command("migrate", verbosity=0)
        # --- data ------------------------------------------------------------------------------
        per_org_cases = args.changes // ORGANIZATIONS
        orgs = Organization.objects.bulk_create(
            Organization(name=f"Bench org {n}", slug=f"bench-{n}") for n in range(ORGANIZATIONS)
        )
        cases_by_org = {
            org.pk: Case.objects.bulk_create(
                Case(organization=org, title=f"Case {n} of {org.pk}", slug=f"c-{org.pk}-{n}", is_public=False)
                for n in range(per_org_cases)
            )
            for org in orgs
        }
        owners = []
        for n in range(args.endpoints):
            user = User.objects.create(username=f"lawyer{n}")
            org = orgs[n % ORGANIZATIONS]
            Membership.objects.create(organization=org, user=user, role=Membership.Role.LAWYER)
            owners.append((org, user))
        settings.WEBHOOKS_WAKE_ON_COMMIT = False  # registration below: no wake-ups yet
        port_file, secrets_file = var / "bench-webhooks-port", var / "bench-webhooks-secrets.json"
        port_file.unlink(missing_ok=True)
        placeholder = "http://127.0.0.1:9/"
        endpoints, secrets = [], {}
        for org, user in owners:
            endpoint, secret = services.endpoint_create(
                organization=org, owner=user, url=placeholder, since="now", active=False
            )
            endpoints.append(endpoint)
            secrets[f"/e/{endpoint.pk}"] = secret
        secrets_file.write_text(json.dumps(secrets))
        receiver = subprocess.Popen(
            [sys.executable, __file__, "--receiver", str(port_file), str(secrets_file)], cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        processes.append(receiver)
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.1)
        port = int(port_file.read_text())
        for endpoint in endpoints:
            Endpoint.objects.filter(pk=endpoint.pk).update(url=f"http://127.0.0.1:{port}/e/{endpoint.pk}", active=True)
        say(f"data: {ORGANIZATIONS} organizations, {Case.objects.count()} private cases, {args.endpoints} endpoints "
            f"({args.endpoints // ORGANIZATIONS} per organization), receiver on port {port}")  # fmt: skip

        def receiver_log() -> list[tuple[float, str, list[tuple[int, int]]]]:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/log", timeout=60) as response:  # noqa: S310
                return json.loads(response.read())

        # --- worker and beat ----------------------------------------------------------------------
        app.control.purge()
        env = clean_env(
            DATABASE_URL=database_url, REDIS_URL=redis_url, DEBUG="false", SECRET_KEY=os.environ["SECRET_KEY"],
            CONN_MAX_AGE="60", WEBHOOKS_ALLOW_LOOPBACK="true", WEBHOOKS_TICK_SECONDS="1",
        )  # fmt: skip
        name = f"bench-webhooks-{free_port()}@%h"
        worker_cmd = [str(BIN / "celery"), "-A", "tracker", "worker", "--loglevel", "WARNING", "--concurrency",
                      str(args.concurrency), "--without-gossip", "--without-mingle", "-n", name]  # fmt: skip
        beat_cmd = [
            str(BIN / "celery"),
            "-A",
            "tracker",
            "beat",
            "--loglevel",
            "WARNING",
            "-s",
            str(var / "bench-beat"),
        ]
        for cmd, log_name in ((worker_cmd, "bench-worker.log"), (beat_cmd, "bench-beat.log")):
            with (var / log_name).open("wb") as log_file:
                processes.append(
                    subprocess.Popen(
                        cmd, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
                    )  # fmt: skip
                )
        worker = processes[1]
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1) and time.monotonic() < deadline:
            time.sleep(0.5)
        settings.WEBHOOKS_WAKE_ON_COMMIT = True
        start_position = changes_settled_through()

        # --- 1. latency under writes ----------------------------------------------------------
        committed: list[tuple[int, int, int, float]] = []  # (organization, case id, version, commit time)
        lock = threading.Lock()
        all_cases = [case for cases in cases_by_org.values() for case in cases]
        random.Random(14).shuffle(all_cases)  # noqa: S311
        slices = [all_cases[n :: args.writers] for n in range(args.writers)]

        def write(cases: list[Case]) -> None:
            try:
                for case in cases:
                    updated = case_actions.case_update(case=case, summary=f"Updated {time.time()}")
                    at = time.time()
                    with lock:
                        committed.append((case.organization_id, case.pk, updated.version, at))
            finally:
                connections.close_all()

        # When each change became settled (below every running transaction's id, cluster-wide):
        # other sessions' transactions on this shared server can hold that back, and nothing
        # can be sent before it (changes/selectors.py). Sampled every 20 ms.
        settled_samples: list[tuple[float, tuple[int, int]]] = []
        sampling = threading.Event()

        def sample_settled() -> None:
            try:
                while not sampling.is_set():
                    settled_samples.append((time.time(), changes_settled_through()))
                    time.sleep(0.02)
            finally:
                connections.close_all()

        sampler = threading.Thread(target=sample_settled)
        sampler.start()
        worker_cpu0, load0 = group_cpu_seconds(worker.pid), os.getloadavg()
        t0 = time.time()
        threads = [threading.Thread(target=write, args=(s,)) for s in slices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        writes_done = time.time()
        # Done when every endpoint's cursor is past the last change written (not the settled
        # end: the horizon is cluster-wide and other sessions' transactions may hold it back).
        last_position = Change.objects.order_by("-txid", "-id").values_list("txid", "id").first() or (0, 0)
        deadline = time.monotonic() + 600
        while endpoints_behind(position=last_position).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        sampling.set()
        sampler.join()
        log = receiver_log()
        worker_cpu = group_cpu_seconds(worker.pid) - worker_cpu0
        position_of = {
            object_id: (txid, change_id)
            for object_id, txid, change_id in Change.objects.filter(object_type="case").values_list(
                "object_id", "txid", "id"
            )
        }
        settled_at: dict[int, float] = {}
        pending = sorted(position_of.items(), key=lambda item: item[1])
        index = 0
        for at, position in settled_samples:
            while index < len(pending) and pending[index][1] <= position:
                settled_at[pending[index][0]] = at
                index += 1
        endpoint_org = {f"/e/{e.pk}": e.organization_id for e in endpoints}
        # for each endpoint and record: arrival times of the versions, in order
        arrivals: dict[tuple[str, int], list[tuple[int, float]]] = {}
        records = 0
        for at, path, items in log:
            records += len(items)
            for case_id, version in items:
                arrivals.setdefault((path, case_id), []).append((version, at))
        latencies, after_settled, horizon_lag = [], [], []
        missing = 0
        endpoints_of_org: dict[int, list[str]] = {}
        for path, org_id in endpoint_org.items():
            endpoints_of_org.setdefault(org_id, []).append(path)
        for org_id, case_id, version, at in committed:
            for path in endpoints_of_org[org_id]:
                got = [t for v, t in arrivals.get((path, case_id), []) if v >= version]
                if got:
                    latencies.append(min(got) - at)
                    if case_id in settled_at:
                        after_settled.append(min(got) - max(settled_at[case_id], at))
                        horizon_lag.append(max(settled_at[case_id] - at, 0.0))
                else:
                    missing += 1
        latencies.sort()
        last_2xx = max(at for at, _, _ in log)
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        say(f"phase 1: {len(committed)} changes committed by {args.writers} writers in {writes_done - t0:.1f}s "
            f"({len(committed) / (writes_done - t0):.0f}/s); {len(log)} batches, {records} records pushed")  # fmt: skip
        say(f"latency commit -> receiver's 2xx over {len(latencies)} (change, endpoint) pairs: median "
            f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
            f"(target p95 < 2 s); {missing} pairs never delivered")  # fmt: skip
        after_settled.sort()
        horizon_lag.sort()
        if after_settled:
            say(f"  of which waiting for the horizon (commit -> settled, other transactions still running): median "
                f"{statistics.median(horizon_lag) * 1000:.0f} ms, p95 {horizon_lag[int(len(horizon_lag) * 0.95) - 1] * 1000:.0f} ms; "
                f"settled -> 2xx (the webhooks' own part): median {statistics.median(after_settled) * 1000:.0f} ms, "
                f"p95 {after_settled[int(len(after_settled) * 0.95) - 1] * 1000:.0f} ms")  # fmt: skip
        say(f"phase 1 rate: {records / (last_2xx - t0):.0f} records/s from the first commit to the last 2xx "
            f"({last_2xx - t0:.1f}s; bounded by the writers); worker CPU {worker_cpu:.1f}s; load average "
            f"{load0[0]:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip

        # --- 2. throughput over a backlog -----------------------------------------------------
        worker_cpu0, deliveries0 = group_cpu_seconds(worker.pid), Delivery.objects.count()
        replay_from = f"{start_position[0]}-{start_position[1]}-0"
        t0 = time.time()
        with transaction.atomic():
            for endpoint in endpoints:
                services.endpoint_replay(endpoint=endpoint, actor=endpoint.owner, since=replay_from)
        deadline = time.monotonic() + 900
        while endpoints_behind(position=last_position).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        log = receiver_log()
        worker_cpu = group_cpu_seconds(worker.pid) - worker_cpu0
        records = sum(len(items) for _, _, items in log)
        last_2xx = max(at for at, _, _ in log)
        batches = Delivery.objects.count() - deliveries0
        say(f"phase 2 (backlog): {records} records in {len(log)} batches pushed in {last_2xx - t0:.1f}s from the "
            f"replay = {records / (last_2xx - t0):.0f} records/s (target >= 5000/s, 1 worker x {args.concurrency} "
            f"processes x {settings.WEBHOOKS_CONCURRENCY} threads); {batches} attempts logged; worker CPU "
            f"{worker_cpu:.1f}s = {worker_cpu / max(records, 1) * 1e6:.0f} us per record")  # fmt: skip

        for proc in processes[1:]:
            os.killpg(proc.pid, 15)
            proc.wait(30)

        # --- 3. idle tick with I endpoints ----------------------------------------------------
        position = changes_settled_through()
        extra = args.idle_endpoints - Endpoint.objects.count()
        org, owner = owners[0]
        Endpoint.objects.bulk_create(
            Endpoint(organization=org, owner=owner, url=f"https://hooks{n}.example.org/", cursor_txid=position[0],
                     cursor_id=position[1])
            for n in range(extra)
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE webhooks_endpoint")
            cursor.execute("VACUUM ANALYZE changes_change")
        for _ in range(5):
            delivery.endpoints_claim_due(limit=16)
        timings = []
        for _ in range(100):
            t = time.perf_counter()
            assert delivery.endpoints_claim_due(limit=16) == []
            timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        with CaptureQueriesContext(connection) as idle:
            delivery.endpoints_claim_due(limit=16)
        statements = [q["sql"] for q in idle.captured_queries]
        say(f"idle tick: {Endpoint.objects.count()} endpoints, all caught up, {Delivery.objects.count()} attempts "
            f"logged: median {statistics.median(timings):.2f} ms, p95 {timings[94]:.2f} ms, max {timings[-1]:.2f} ms "
            f"over 100 claims (target < 5 ms); statements: {', '.join(s.split()[0] for s in statements)}")  # fmt: skip
        for n, sql in enumerate(statements):
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            say(f"plan (statement {n + 1}):")
            for line in plan:
                say(f"    {line}")
    finally:
        for proc in processes:
            if proc.poll() is None:
                os.killpg(proc.pid, 9)
                proc.wait(30)
        connections.close_all()
        if not args.keep_db:
            recreate_database(admin_url, db_name, drop_only=True)
        if stop_postgres:
            subprocess.run(stop_postgres, check=False, capture_output=True)

    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    command = "DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/webhooks.py " + " ".join(sys.argv[1:])
    cluster = "a private PostgreSQL cluster" if args.private_postgres else "the shared PostgreSQL server"
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write(
            f"\n## Webhooks ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)\n\n"
            f"Command: `{command.strip()}` ({cluster})  \nMachine: {platform.platform()}, nproc {nproc}, Python "
            f"{platform.python_version()}\n\n```\n{free}\n```\n\n```\n" + "\n".join(out) + "\n```\n"
        )


if __name__ == "__main__":
    main()
