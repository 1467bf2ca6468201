"""Downloads streamed through the app from the S3 bucket (issue 15). One command:

    .venv/bin/python bench/downloads.py [--mb 50] [--runs 5]

Why: documents are streamed through a web process after the permission check instead of
being handed out as presigned bucket URLs (documents/downloads.py). This measures what that
hop costs, against moto's S3 server on loopback (the stand-in available here; a real MinIO or
AWS is faster, so the app's share is what to read):
- a public document of --mb MB, downloaded through gunicorn (1 worker, production settings)
  and, for comparison, straight from the bucket with boto3: median seconds and MB/s;
- the gunicorn worker's peak resident memory (VmHWM) when started, after a first download (the
  first S3 call loads botocore's models) and after the measured ones: the body is streamed in
  1 MB chunks, so it must grow by far less than the file's size.
Self-contained: its own SQLite file, moto server and gunicorn on free ports, in a temporary
folder. Appends the figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.processes import BIN, clean_env, free_port, manage, running, wait_for_http  # noqa: E402

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_S3_REGION_NAME": "us-east-1"}
ADD_DOCUMENT = """
import io, os
from cases.models import Case
from documents import services
case = Case.objects.get(slug="popova-v-moscow")
Case.objects.filter(pk=case.pk).update(is_public=True)
case.refresh_from_db()
data = os.urandom({size})
document = services.document_add(case=case, title="Bench", file=io.BytesIO(data), filename="bench.bin", is_public=True)
print(document.pk, document.file.name)
"""


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def gunicorn_worker(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def timed(fetch) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    size = fetch()
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    size = args.mb * 1024 * 1024
    import boto3

    with tempfile.TemporaryDirectory(prefix="bench-downloads-") as tmp_name:
        tmp = Path(tmp_name)
        s3_port, web_port = free_port(), free_port()
        endpoint = f"http://127.0.0.1:{s3_port}"
        env = clean_env(
            DEBUG="false",
            SECRET_KEY="bench-downloads-secret-key-not-for-deployment-0123456789",  # noqa: S106 (a throwaway run)
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
            TRACKER_VAR_DIR=str(tmp / "var"),
            STATIC_ROOT=str(tmp / "static"),
            AWS_STORAGE_BUCKET_NAME="bench",
            AWS_S3_ENDPOINT_URL=endpoint,
            **CREDENTIALS,
        )
        moto = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)]
        with running(moto, env=clean_env(), log=tmp / "moto.log"):
            wait_for_http(f"{endpoint}/moto-api/")
            client = boto3.client(
                "s3",
                endpoint_url=endpoint,
                aws_access_key_id="bench",
                aws_secret_access_key="bench",  # noqa: S106 (moto accepts any)
                region_name="us-east-1",
            )
            client.create_bucket(Bucket="bench")
            for step in (["migrate", "--noinput"], ["seed_demo", "--no-accounts"], ["collectstatic", "--noinput"]):
                done = manage(*step, env=env, timeout=300)
                assert done.returncode == 0, done.stderr
            added = manage("shell", "-c", ADD_DOCUMENT.format(size=size), env=env, timeout=300)
            assert added.returncode == 0, added.stderr
            pk, key = added.stdout.strip().splitlines()[-1].split()
            gunicorn = [str(BIN / "gunicorn"), "tracker.wsgi", "--bind", f"127.0.0.1:{web_port}", "--workers", "1"]
            https = {"X-Forwarded-Proto": "https"}
            with running(gunicorn, env=env, log=tmp / "gunicorn.log") as master:
                wait_for_http(f"http://127.0.0.1:{web_port}/healthz", headers=https)
                worker = gunicorn_worker(master.pid)
                rss_before = peak_rss_mb(worker)

                def through_app() -> int:
                    request = urllib.request.Request(  # noqa: S310 (loopback)
                        f"http://127.0.0.1:{web_port}/api/v1/documents/{pk}/file/", headers=https
                    )
                    received = 0
                    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                        while chunk := response.read(1024 * 1024):
                            received += len(chunk)
                    return received

                def from_bucket() -> int:
                    body = client.get_object(Bucket="bench", Key=key)["Body"]
                    return sum(len(chunk) for chunk in body.iter_chunks(1024 * 1024))

                # One download first: the worker's first S3 call loads botocore's service models
                # (tens of MB, once per process); what follows is what streaming costs.
                rss_cold = rss_before
                through_app()
                rss_before = peak_rss_mb(worker)
                app = [timed(through_app) for _ in range(args.runs)]
                direct = [timed(from_bucket) for _ in range(args.runs)]
                rss_after = peak_rss_mb(worker)
    assert all(received == size for _, received in app + direct)
    report(args, app, direct, rss_cold, rss_before, rss_after)


def report(args, app, direct, rss_cold: float, rss_before: float, rss_after: float) -> None:  # type: ignore[no-untyped-def]
    app_s = statistics.median(t for t, _ in app)
    direct_s = statistics.median(t for t, _ in direct)
    load = os.getloadavg()
    lines = [
        f"\n## Downloads through the app from S3, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.machine()}, `nproc` = {os.cpu_count()}, Python {platform.python_version()}; "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end. S3 is moto's server on loopback.",
        f"Command: `python bench/downloads.py --mb {args.mb} --runs {args.runs}`; one public {args.mb} MB document, "
        "gunicorn with 1 sync worker, production settings (DEBUG off).",
        "",
        "| scenario | median | throughput |",
        "|---|---|---|",
        f"| through the app (gunicorn -> S3 stream) | {app_s:.2f} s | {args.mb / app_s:.0f} MB/s |",
        f"| straight from the bucket (boto3) | {direct_s:.2f} s | {args.mb / direct_s:.0f} MB/s |",
        f"| the app's hop | {app_s - direct_s:+.2f} s ({(app_s / direct_s - 1) * 100:+.0f} %) | |",
        f"| gunicorn worker peak RSS: started, after a first download, after {args.runs} more "
        f"| {rss_cold:.0f}, {rss_before:.0f}, {rss_after:.0f} MB (+{rss_after - rss_before:.0f} MB for a {args.mb} MB file) | |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    with (ROOT / "bench" / "RESULTS.md").open("a") as out:
        out.write(text)


if __name__ == "__main__":
    main()
