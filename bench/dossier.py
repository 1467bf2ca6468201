"""Dossier rendering benchmark (issue 5). One command:

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/dossier.py

Scenarios, each in its own process so that peak memory (ru_maxrss) is the scenario's own:
- popova: the demo's Popova dossier, rendered repeatedly in one warm process (fonts and
  WeasyPrint's caches reused, as in a worker child); median of the warm runs;
- large: a synthetic case with 500 timeline events, 200 hearings and 100 exhibits, rendered at
  least 3 times in one process: the median of all the runs, and the first (the process's first
  render: fonts loaded, caches empty) on its own;
- cached: asking again for an unchanged case that already has its PDF (dossier_request).
Targets: Popova < 1.5 s warm; large < 10 s and < 400 MB; cached < 50 ms.
Figures are appended to bench/RESULTS.md with the date, machine and command.

To see where a large render spends its time (pyinstrument, from requirements-dev.txt):

    .venv/bin/python bench/dossier.py --profile var/dossier-profile.html

Against Chromium (issue 25: a dossier should not take longer than a browser would):

    .venv/bin/python bench/dossier.py --vs-chromium

renders the large case's HTML (internal edition, Russian) with the project's warm WeasyPrint
(html_to_pdf, in this process, as a worker child does) and with `/usr/bin/chromium --headless
--print-to-pdf` as a whole process, alternating, BENCH_RUNS times each; prints both medians and
the ratio (target <= 1.0) and the WeasyPrint process's peak memory (target < 150 MB). Chromium
reads the same fonts through the same relative URLs.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings_test")

LARGE_SLUG = "bench-large-synthetic-case"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def _setup() -> None:
    import django

    django.setup()


def _large_case():  # type: ignore[no-untyped-def]
    """Built with bulk inserts (bench data, not user writes): 500 events, 200 hearings, 100 exhibits."""
    from cases import services as case_services
    from cases.models import Case, CaseEvent, Court, Hearing, Organization
    from documents import services

    Case.objects.filter(slug=LARGE_SLUG).delete()
    organization = Organization.objects.get(slug="demo-desk")
    court = Court.objects.get(name="Savyolovsky District Court of Moscow")
    case = case_services.case_create(
        organization=organization,
        title="Synthetic v. Benchmark (500 events, 200 hearings, 100 exhibits)",
        slug=LARGE_SLUG,
        status=Case.Status.FILED,
        filed_on=dt.date(2015, 1, 10),
        is_public=True,
        summary="A synthetic case for the benchmark. " * 20,
        claims="Claims. " * 30,
        legal_basis="Federal Law 152-FZ; ECHR art. 8.",
    )
    start = dt.date(2015, 1, 1)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            occurred_on=start + dt.timedelta(days=3 * i),
            title=f"Event {i}: a procedural step with a title of ordinary length",
            description="What happened, in two sentences. The source is a court website." if i % 3 == 0 else "",
            source=f"Source {i % 17}",
        )
        for i in range(500)
    )
    moscow = ZoneInfo("Europe/Moscow")
    Hearing.objects.bulk_create(
        Hearing(
            case=case,
            court=court,
            starts_at=dt.datetime(2015, 2, 1, 10, 0, tzinfo=moscow) + dt.timedelta(days=7 * i),
            courtroom=f"{100 + i % 30}",
            judge="Judge Ivanova",
            status=Hearing.Status.HELD,
            outcome_notes="Adjourned for the parties' submissions." if i % 2 else "",
        )
        for i in range(200)
    )
    for i in range(100):
        services.document_add(
            case=case,
            title=f"Exhibit {i}: letter of the Department",
            file=io.BytesIO(os.urandom(2048)),
            filename=f"exhibit-{i}.pdf",
            date=start + dt.timedelta(days=11 * i),
            is_public=True,
        )
    return case


def _render_times(case, runs: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Wall-clock and CPU seconds of each render. CPU time is reported too because the
    machine is shared: wall time there measures the neighbours as much as the code."""
    from documents.dossier.content import dossier_content
    from documents.dossier.render import dossier_pdf

    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = dossier_pdf(dossier_content(case=case, edition="internal", language="ru"))
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"  pdf size {len(pdf)} bytes", file=sys.stderr)
    return wall, cpu


def scenario(name: str) -> dict:
    _setup()
    from django.core.management import call_command

    from cases.models import Case
    from documents import services

    call_command("seed_demo", "--no-accounts", verbosity=0)
    popova = Case.objects.get(slug="popova-v-moscow")
    if name == "popova":
        cold, cold_cpu = _render_times(popova, 1)
        warm, warm_cpu = _render_times(popova, RUNS)
        return {
            "cold_s": cold[0],
            "cold_cpu_s": cold_cpu[0],
            "warm_median_s": statistics.median(warm),
            "warm_median_cpu_s": statistics.median(warm_cpu),
            "warm_runs_s": warm,
        }
    if name == "large":
        case = _large_case()
        try:
            # At least 3, so that the median is not the mean of the cold run and one warm one.
            times, cpu = _render_times(case, max(3, RUNS // 2))
        finally:
            Case.objects.filter(slug=LARGE_SLUG).delete()
        return {
            "cold_s": times[0],
            "cold_cpu_s": cpu[0],
            "median_s": statistics.median(times),
            "median_cpu_s": statistics.median(cpu),
            "runs_s": times,
        }
    if name == "cached":
        dossier, _ = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
        if dossier.state != "ready":
            services.dossier_render(dossier_id=dossier.pk)
        times, cpu = [], []
        for _ in range(20):
            started, started_cpu = time.perf_counter(), time.process_time()
            again, created = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            assert not created and again.state == "ready"
        return {
            "median_ms": statistics.median(times) * 1000,
            "median_cpu_ms": statistics.median(cpu) * 1000,
            "max_ms": max(times) * 1000,
        }
    raise SystemExit(f"unknown scenario {name}")


def profile(out: str) -> None:
    """One render of the large case under pyinstrument, written as an HTML report."""
    _setup()
    from django.core.management import call_command
    from pyinstrument import Profiler

    from cases.models import Case
    from documents.dossier.content import dossier_content
    from documents.dossier.render import dossier_pdf

    call_command("seed_demo", "--no-accounts", verbosity=0)
    case = _large_case()
    try:
        _render_times(case, 1)  # warm: fonts and caches, as in a worker
        profiler = Profiler(interval=0.002)
        with profiler:
            dossier_pdf(dossier_content(case=case, edition="internal", language="ru"))
    finally:
        Case.objects.filter(slug=LARGE_SLUG).delete()
    Path(out).write_text(profiler.output_html())
    print(profiler.output_text(unicode=False, color=False)[:4000])
    print(f"full report: {out}", file=sys.stderr)


CHROMIUM = "/usr/bin/chromium"


def _chromium_pdf(html_file: Path, out: Path, profile_dir: Path) -> float:
    """Seconds for one whole Chromium process printing `html_file` to `out`."""
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (Debian's Chromium, our own file)
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile_dir}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            html_file.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elapsed = time.perf_counter() - started
    assert out.stat().st_size > 10_000, "Chromium wrote no PDF"  # noqa: S101
    return elapsed


def vs_chromium() -> dict:
    import tempfile

    _setup()
    from django.core.management import call_command

    from cases.models import Case
    from documents.dossier.content import dossier_content
    from documents.dossier.render import dossier_html, html_to_pdf

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium (.ci/system-packages --install).")
    call_command("seed_demo", "--no-accounts", verbosity=0)
    case = _large_case()
    try:
        html = dossier_html(dossier_content(case=case, edition="internal", language="ru"))
    finally:
        Case.objects.filter(slug=LARGE_SLUG).delete()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        # The stylesheet's font URLs are relative (documents/fonts/...): the same files for both.
        (work / "documents").symlink_to(ROOT / "documents" / "static" / "documents")
        html_file = work / "dossier.html"
        html_file.write_text(html)
        html_to_pdf(html)  # warm, as a worker child is after its first dossier
        _chromium_pdf(html_file, work / "warm.pdf", work / "profile")
        weasy, chromium = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            pdf = html_to_pdf(html)
            weasy.append(time.perf_counter() - started)
            chromium.append(_chromium_pdf(html_file, work / "out.pdf", work / "profile"))
        chromium_pages = (work / "out.pdf").read_bytes().count(b"/Type /Page\n") or None
    import pypdf

    return {
        "weasyprint_s": weasy,
        "chromium_s": chromium,
        "weasyprint_pages": len(pypdf.PdfReader(io.BytesIO(pdf)).pages),
        "chromium_pages": chromium_pages,
        "html_bytes": len(html.encode()),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _report_vs_chromium(result: dict) -> None:
    weasy, chromium = statistics.median(result["weasyprint_s"]), statistics.median(result["chromium_s"])
    load = os.getloadavg()
    ratio = weasy / chromium
    lines = [
        f"\n## Dossier vs Chromium, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {platform.machine()}, `nproc` = {os.cpu_count()}, load average {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} at the end; command: `python bench/dossier.py --vs-chromium` (BENCH_RUNS={RUNS}); git "
        + subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),  # noqa: S603,S607
        f"- the large synthetic case, internal edition in Russian: {result['html_bytes']:,} bytes of HTML, "
        f"{result['weasyprint_pages']} pages (WeasyPrint)",
        f"- WeasyPrint, warm, in process: median {weasy:.2f} s ({', '.join(f'{t:.2f}' for t in result['weasyprint_s'])})",
        f"- Chromium `--headless --print-to-pdf`, whole process: median {chromium:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in result['chromium_s'])})",
        f"- **ratio {ratio:.2f}x** (target <= 1.0x: {'met' if ratio <= 1.0 else 'NOT met'}); WeasyPrint process peak "
        f"RSS {result['peak_rss_mb']:.0f} MB (target < 150 MB: {'met' if result['peak_rss_mb'] < 150 else 'NOT met'})",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    with (ROOT / "bench" / "RESULTS.md").open("a") as out:
        out.write(text)


def main() -> None:
    if len(sys.argv) == 2 and sys.argv[1] == "--vs-chromium":
        out = subprocess.run(
            [sys.executable, __file__, "--scenario", "vs-chromium"],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        _report_vs_chromium(json.loads(out.stdout.strip().splitlines()[-1]))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--profile":
        profile(sys.argv[2])
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--scenario":
        result = vs_chromium() if sys.argv[2] == "vs-chromium" else scenario(sys.argv[2])
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    results = {}
    for name in ("popova", "large", "cached"):
        print(f"running {name} ...", file=sys.stderr)
        out = subprocess.run(
            [sys.executable, __file__, "--scenario", name], capture_output=True, text=True, check=True, cwd=ROOT
        )
        sys.stderr.write(out.stderr[-500:])
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {results[name]}", file=sys.stderr)
    _report(results)


def _report(results: dict) -> None:
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    popova, large, cached = results["popova"], results["large"], results["cached"]

    def verdict(ok: bool) -> str:
        return "meets target" if ok else "MISSES target"

    lines = [
        f"\n## Dossier rendering, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.machine()}, `nproc` = {os.cpu_count()}, Python {platform.python_version()}; "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end (above 2, the neighbours inflate "
        "wall time; CPU time of this process is then the steadier figure).",
        "```",
        free,
        "```",
        f"Command: `{' '.join(['python', 'bench/dossier.py'])}` (BENCH_RUNS={RUNS}); internal edition in Russian, "
        "content + HTML + PDF/A-3b with tags, in one process per scenario.",
        "",
        "| scenario | wall (median) | CPU (median) | target | wall vs target |",
        "|---|---|---|---|---|",
        f"| Popova, warm ({RUNS} runs) | {popova['warm_median_s']:.2f} s | {popova['warm_median_cpu_s']:.2f} s "
        f"| < 1.5 s | {verdict(popova['warm_median_s'] < 1.5)} |",
        f"| Popova, cold first render | {popova['cold_s']:.2f} s | {popova['cold_cpu_s']:.2f} s | | |",
        f"| Popova, peak RSS | {popova['peak_rss_mb']:.0f} MB | | | |",
        f"| 500 events, 200 hearings, 100 exhibits ({len(large['runs_s'])} runs) | {large['median_s']:.2f} s "
        f"| {large['median_cpu_s']:.2f} s | < 10 s | {verdict(large['median_s'] < 10)} |",
        f"| same, cold first render of the process | {large['cold_s']:.2f} s | {large['cold_cpu_s']:.2f} s "
        f"| < 10 s | {verdict(large['cold_s'] < 10)} |",
        f"| same, peak RSS of the process | {large['peak_rss_mb']:.0f} MB | | < 400 MB | {verdict(large['peak_rss_mb'] < 400)} |",
        f"| unchanged case served from cache (20 runs) | {cached['median_ms']:.1f} ms (max {cached['max_ms']:.1f}) "
        f"| {cached['median_cpu_ms']:.1f} ms | < 50 ms | {verdict(cached['median_ms'] < 50)} |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    results_file = ROOT / "bench" / "RESULTS.md"
    if not results_file.exists():
        results_file.write_text("# Benchmark results\n\nAppended by the commands in bench/; newest last.\n")
    with results_file.open("a") as out:
        out.write(text)


if __name__ == "__main__":
    main()
