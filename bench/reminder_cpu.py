"""CPU per reminder message, in one process (issue 20's "within 10%", issue 25's 2.5 ms). One command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/reminder_cpu.py [--subscriptions 200 --hearings 10] [--profile out.prof]

`bench/reminders.py` measures the whole pipeline (a real worker, Redis, an SMTP server); on a
machine shared with other work its figures move by tens of percent from run to run. This one
runs only what a send task runs for its rows (`reminders_deliver` in batches of 50: the batch's
reads, each row's lock and record, the message built and written to bytes as SMTP would send it)
in this process, on the test database, and reports this process's CPU time per message, which a
busy machine moves much less. Two versions of the code compare by running this file in each
(it imports only what both have had since issue 4); `--profile` writes a cProfile of CPU time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# pytest imports this file again as a test module: the options reach it through the environment.
OPTIONS = os.environ


def _revision() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)  # noqa: S603,S607
    return head.stdout.strip() or "(not a git checkout)"


@pytest.mark.django_db(transaction=True)
def test_reminder_cpu(settings) -> None:  # noqa: ANN001 (pytest-django's fixture)
    from django.core.mail.backends.base import BaseEmailBackend

    from reminders.services import reminders_deliver
    from tests.factories import CaseFactory, SubscriptionFactory
    from tests.reminders.pipeline import SITE
    from tests.reminders.test_batch import claim, hearing_in

    class BytesBackend(BaseEmailBackend):
        """Writes each message to bytes as the SMTP backend does, and sends it nowhere."""

        sent = 0

        def send_messages(self, email_messages):  # noqa: ANN001, ANN202
            for message in email_messages:
                message.message().as_bytes(linesep="\r\n")
            BytesBackend.sent += len(email_messages)
            return len(email_messages)

    settings.SITE_BASE_URL = SITE
    subscriptions, hearings = int(OPTIONS["BENCH_SUBSCRIPTIONS"]), int(OPTIONS["BENCH_HEARINGS"])
    case = CaseFactory(is_public=True)
    for n in range(subscriptions):  # half in Russian, half in English
        SubscriptionFactory(case=case, language="ru" if n % 2 else "en", email=f"s{n}@example.net")
    ids = claim(*[hearing_in(case, hours=72 + n) for n in range(hearings)])
    backend = BytesBackend()
    warm, measured = ids[:100], ids[100:]
    for start in range(0, len(warm), 50):  # templates compiled, translations loaded
        reminders_deliver(reminder_ids=warm[start : start + 50], connection=backend)
    BytesBackend.sent = 0
    profiler = None
    if OPTIONS.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    started = time.process_time()
    for start in range(0, len(measured), 50):
        reminders_deliver(reminder_ids=measured[start : start + 50], connection=backend)
    cpu_ms = (time.process_time() - started) * 1000 / BytesBackend.sent
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(OPTIONS["BENCH_PROFILE"])
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    text = (
        f"\n## Reminder messages, CPU in one process ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)\n"
        f"- machine: {os.cpu_count()} cores, load average {load}, {platform.python_implementation()} "
        f"{platform.python_version()}; command: `python bench/reminder_cpu.py --subscriptions {subscriptions} "
        f"--hearings {hearings}`; git {_revision()}\n"
        f"- {BytesBackend.sent} messages in batches of 50 (en and ru, text + HTML + .ics): "
        f"**{cpu_ms:.2f} ms CPU per message**{' (under cProfile)' if profiler else ''}\n"
    )
    print(text)
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=200)
    parser.add_argument("--hearings", type=int, default=10)
    parser.add_argument("--profile", default="", help="write a cProfile (CPU time) of the measured part here")
    args = parser.parse_args()
    os.environ.update(
        BENCH_SUBSCRIPTIONS=str(args.subscriptions), BENCH_HEARINGS=str(args.hearings), BENCH_PROFILE=args.profile
    )
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider", "--rootdir", str(ROOT)]))


if __name__ == "__main__":
    main()
