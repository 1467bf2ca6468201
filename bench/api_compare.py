"""Two trees' API requests compared batch by batch, for issue 20's "within 10% of the figures
before": on a shared machine a whole run of bench/api.py moves by 30% from one minute to the next,
so two runs minutes apart cannot settle 10%. Here one server process per tree (each with its own
code and database) is kept warm, and the driver asks them in turn for a batch of the same kind of
request, many times; each batch's CPU (the process's user + system time and its PostgreSQL
backend's, from /proc/<pid>/schedstat) is compared with its neighbour's, so both meet the same
machine. One command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_h_api REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/api_compare.py --base /work/wt/base \\
            --base-database postgres://postgres@127.0.0.1:5432/tracker_h_api_base

Each tree's database is bench/api.py's (`<name>_bench`, seeded by running that tree's
bench/api.py once). Prints, for the case list, the private case detail and the party detail, the
median CPU per request of each tree and the median of the per-round ratios; appends them to
bench/RESULTS.md. `--serve` is the per-tree process (not for direct use).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("list", "detail", "party")


def serve() -> None:
    """One tree's requests, as bench/api.py makes them: reads `KIND N` lines, answers with the CPU
    milliseconds per request of this process and of its PostgreSQL backend."""
    sys.path.insert(0, os.getcwd())
    from bench import api as bench_api

    bench_api._setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from apitokens.services import api_token_create
    from cases.models import Case, Membership, Organization, Party

    user, _ = User.objects.get_or_create(username="bench-lawyer")
    Membership.objects.get_or_create(organization=Organization.objects.get(slug="bench"), user=user, role="lawyer")
    _, token = api_token_create(user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    first_page = "/api/v1/cases/?page_size=50"
    cases = list(Case.objects.filter(is_public=False).order_by("-id").values_list("id", flat=True)[:5000])
    parties = list(Party.objects.filter(case_id__in=cases).order_by("-id").values_list("id", flat=True)[:5000])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        schedstat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
    page = [first_page]
    position = {"case": 0, "party": 0}

    def request(kind: str) -> None:
        if kind == "list":
            page[0] = client.get(page[0]).json()["next"] or first_page
            return
        ids, key = (cases, "case") if kind == "detail" else (parties, "party")
        position[key] = (position[key] + 1) % len(ids)
        path = "cases" if kind == "detail" else "parties"
        response = client.get(f"/api/v1/{path}/{ids[position[key]]}/")
        assert response.status_code == 200, response.status_code  # noqa: S101

    for kind in KINDS:  # warm up every path
        for _ in range(5):
            request(kind)
    print("ready", flush=True)
    for line in sys.stdin:
        kind, count = line.split()
        started, backend = resource.getrusage(resource.RUSAGE_SELF), int(schedstat.read_text().split()[0])
        for _ in range(int(count)):
            request(kind)
        ended, backend_end = resource.getrusage(resource.RUSAGE_SELF), int(schedstat.read_text().split()[0])
        process_ms = (ended.ru_utime - started.ru_utime + ended.ru_stime - started.ru_stime) * 1000
        print(json.dumps({"process": process_ms / int(count), "backend": (backend_end - backend) / 1e6 / int(count)}))
        sys.stdout.flush()


def start(tree: Path, database_url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    process = subprocess.Popen(  # noqa: S603 (our own script, in a tree the caller names)
        [str(tree / ".venv" / "bin" / "python"), str(ROOT / "bench" / "api_compare.py"), "--serve"],
        cwd=tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None  # noqa: S101
    if process.stdout.readline().strip() != "ready":
        sys.exit(f"The server process of {tree} did not start (its bench database seeded? run its bench/api.py once).")
    return process


def ask(process: subprocess.Popen[str], kind: str, count: int) -> dict[str, float]:
    assert process.stdin is not None and process.stdout is not None  # noqa: S101
    process.stdin.write(f"{kind} {count}\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", type=Path, help="The other tree (a git worktree with .venv).")
    parser.add_argument("--base-database", help="The other tree's DATABASE_URL (its bench/api.py's, without _bench).")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--batch", type=int, default=25, help="Requests per batch.")
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    if not args.base or not args.base_database:
        sys.exit("Give --base (the tree to compare with) and --base-database (its DATABASE_URL).")
    if not (args.base / ".venv" / "bin" / "python").exists():
        sys.exit(
            f"{args.base} has no .venv/bin/python: give a checkout of the project with its virtualenv (make install)."
        )
    here = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
    trees = {"this tree": start(ROOT, here), "base": start(args.base.resolve(), args.base_database)}
    figures: dict[str, dict[str, list[dict[str, float]]]] = {kind: {name: [] for name in trees} for kind in KINDS}
    for round_ in range(args.rounds):
        for kind in KINDS:
            # Alternate which goes first, so neither always follows the other's batch.
            for name in sorted(trees, reverse=bool(round_ % 2)):
                figures[kind][name].append(ask(trees[name], kind, args.batch))
    for process in trees.values():
        assert process.stdin is not None  # noqa: S101
        process.stdin.close()
        process.wait()
    sys.path.insert(0, str(ROOT))
    from bench.api import _revision
    from bench.results import record

    base_revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=args.base, capture_output=True, text=True
    )  # noqa: S603,S607
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"\n## API, this tree against another, batch by batch ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)",
        f"- machine: {os.cpu_count()} cores, load average {load}, {platform.python_implementation()} "
        f"{platform.python_version()}; this tree {_revision()}, base {base_revision.stdout.strip()}; "
        f"command: `python bench/api_compare.py --base {args.base} --rounds {args.rounds} --batch {args.batch}`",
        "- CPU per request (process + its PostgreSQL backend), median of the batches; and the median of each "
        "round's ratio (this tree / base):",
    ]
    for kind in KINDS:
        mine = [batch["process"] + batch["backend"] for batch in figures[kind]["this tree"]]
        base = [batch["process"] + batch["backend"] for batch in figures[kind]["base"]]
        ratio = statistics.median(m / b for m, b in zip(mine, base, strict=True))
        parts = {
            name: (
                statistics.median(batch["process"] for batch in figures[kind][name]),
                statistics.median(batch["backend"] for batch in figures[kind][name]),
            )
            for name in trees
        }
        label = {"list": "case list, 50 a page", "detail": "private case detail", "party": "party detail"}[kind]
        lines.append(
            f"  - {label}: this tree {statistics.median(mine):.2f} ms, base {statistics.median(base):.2f} ms; "
            f"ratio {ratio:.3f} ({(ratio - 1) * 100:+.1f}%); of which process / backend: this tree "
            f"{parts['this tree'][0]:.2f} / {parts['this tree'][1]:.2f} ms, base {parts['base'][0]:.2f} / "
            f"{parts['base'][1]:.2f} ms"
        )
    record("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
