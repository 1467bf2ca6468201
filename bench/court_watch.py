"""Court watch benchmark (issue 23). One command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker .venv/bin/python bench/court_watch.py \
        [--part parse|tick|all] [--events 200] [--runs 200] [--watches 10000 --due 100 --tick-runs 50]

Parts (each a function taking the parsed arguments and returning its lines for bench/RESULTS.md;
a new part is one more function in PARTS and its options in `arguments_add`):

- parse: `courtwatch.readers.card_read` on a card of N events (default 200) in each published
  layout (sudrf.ru classic in windows-1251 declared only in its <meta>, as the courts serve it;
  sudrf.ru newer and mos-gorsud.ru in UTF-8), from the bytes as fetched to the CardReading:
  decoding, parsing, layout and reading. Median and p95 wall time and CPU time per card, over
  `--runs` reads after 5 warm-up reads. Target: median < 20 ms for a 200-event card.
- tick: one beat tick's database work over 10,000 watches of which 100 are due
  (bench/court_watch_tick.py, in its own process and a database of its own beside DATABASE_URL's).
  Target: < 50 ms, no query per watch.

Appends the figures to bench/RESULTS.md with the date, machine and command.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARSE_TARGET_MS = 20.0

# --- parse: a card of N events in each layout ---------------------------------------------------

# A case's life as the cards print it, repeated until the card has N events: paperwork, a
# preparation meeting, hearings postponed with a reason, an adjournment, a decision.
_EVENTS = (
    ("Регистрация иска (заявления, жалобы) в суде", "11:20", "", "", ""),
    ("Передача материалов судье", "09:00", "", "", ""),
    ("Подготовка дела (собеседование)", "14:30", "Зал № 305", "Проведена беседа", ""),
    ("Судебное заседание", "10:00", "Зал № 305", "Отложено", "ИСТРЕБОВАНИЕ ДОКАЗАТЕЛЬСТВ"),
    ("Судебное заседание", "15:40", "Зал № 305", "Перерыв в судебном заседании", ""),
    ("Судебное заседание", "11:00", "Зал № 306", "Вынесено решение по делу", "ИСК УДОВЛЕТВОРЕН ЧАСТИЧНО"),
    ("Изготовлено мотивированное решение в окончательной форме", "", "", "", ""),
)


def _events(count: int) -> list[tuple[str, str, str, str, str, str]]:
    """(name, date, time, room, result, reason) for `count` events a day apart."""
    start = dt.date(2026, 1, 12)
    return [
        (name, f"{start + dt.timedelta(days=index):%d.%m.%Y}", time_, room, result, reason)
        for index, (name, time_, room, result, reason) in ((i, _EVENTS[i % len(_EVENTS)]) for i in range(count))
    ]


def card_sudrf_classic(count: int) -> tuple[bytes, str]:
    rows = "\n".join(
        f"<tr><td>{name}</td><td>{date}</td><td>{time_ or '&nbsp;'}</td><td>{room or '&nbsp;'}</td>"
        f"<td>{result or '&nbsp;'}</td><td>{reason or '&nbsp;'}</td><td>&nbsp;</td><td>{date}</td></tr>"
        for name, date, time_, room, result, reason in _events(count)
    )
    labels = "".join(
        f'<td align="center"><b>{label}</b></td>'
        for label in (
            "Наименование события",
            "Дата",
            "Время",
            "Место проведения",
            "Результат события",
            "Основания для выбранного результата события",
            "Примечание",
            "Дата размещения",
        )
    )
    page = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Ленинский районный суд г. Екатеринбурга</title></head>
<body>
<div class="title">Ленинский районный суд г. Екатеринбурга</div>
<div class="casenumber">ДЕЛО № 2а-4471/2026</div>
<div id="cont1"><table id="tablcont" width="100%">
<tr><th colspan="2">ДЕЛО</th></tr>
<tr><td width="40%"><b>Уникальный идентификатор дела</b></td><td>66RS0004-01-2026-004471-18</td></tr>
<tr><td><b>Судья</b></td><td>Кузнецова Ольга Петровна</td></tr>
</table></div>
<div id="cont2"><table id="tablcont" width="100%">
<tr><th colspan="8">ДВИЖЕНИЕ ДЕЛА</th></tr>
<tr>{labels}</tr>
{rows}
</table></div>
</body></html>
"""
    # The HTTP header without a charset: the reader finds windows-1251 in the <meta>.
    return page.encode("cp1251"), "text/html"


def card_sudrf_newer(count: int) -> tuple[bytes, str]:
    rows = "\n".join(
        f"<tr><td>{name}</td><td>{date}</td><td>{time_}</td><td>{room}</td><td>{result}</td>"
        f"<td>{reason}</td><td></td><td>{date}</td></tr>"
        for name, date, time_, room, result, reason in _events(count)
    )
    page = f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Бежецкий межрайонный суд Тверской области</title></head>
<body>
<div class="case-num">дело № 2-812/2026</div>
<div id="tab_content_Case" class="tab-content"><table>
<tr><td>Уникальный идентификатор дела</td><td>69RS0004-01-2026-000812-40</td></tr>
<tr><td>Судья</td><td>Орлов Денис Игоревич</td></tr>
</table></div>
<div id="tab_content_EventList" class="tab-content"><table>
<tr><td>Наименование события</td><td>Дата</td><td>Время</td><td>Место проведения</td><td>Результат события</td><td>Основания для выбранного результата события</td><td>Примечание</td><td>Дата размещения</td></tr>
{rows}
</table></div>
</body></html>
"""
    return page.encode("utf-8"), "text/html; charset=utf-8"


def card_mos_gorsud(count: int) -> tuple[bytes, str]:
    rows = "\n".join(
        f"<tr><td>{name}</td><td>{date} {time_ or '10:00'}</td><td>{room}</td><td>{result}</td><td>{reason}</td></tr>"
        for name, date, time_, room, result, reason in _events(count)
    )
    page = f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="UTF-8"/><title>Официальный портал судов общей юрисдикции города Москвы</title></head>
<body>
<div class="cardsud_wrapper">
<div class="row_card"><div class="left">Уникальный идентификатор дела</div><div class="right">77RS0023-02-2026-011204-55</div></div>
<div class="row_card"><div class="left">Номер дела ~ материала</div><div class="right">02а-0911/2026 ~ М-7730/2026</div></div>
<div class="row_card"><div class="left">Судья</div><div class="right">Лебедев К. А.</div></div>
</div>
<div id="sessions" class="tab-pane"><table class="custom_table mainTable">
<thead><tr><th>Стадия</th><th>Дата и время</th><th>Зал</th><th>Результат</th><th>Основание</th></tr></thead>
<tbody>
{rows}
</tbody></table></div>
</body></html>
"""
    return page.encode("utf-8"), "text/html; charset=utf-8"


CARDS: dict[str, Callable[[int], tuple[bytes, str]]] = {
    "sudrf-classic": card_sudrf_classic,
    "sudrf-newer": card_sudrf_newer,
    "mos-gorsud": card_mos_gorsud,
}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def parse_part(args: argparse.Namespace) -> list[str]:
    from courtwatch.readers import card_read

    lines = [
        f"parse: `card_read` from the bytes as fetched to the CardReading, {args.events} events per card, "
        f"{args.runs} reads per layout after 5 warm-up reads (target: median < {PARSE_TARGET_MS:.0f} ms)",
        "",
        "| layout | card size | events read | wall median | wall p95 | CPU median | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for layout, build in CARDS.items():
        body, content_type = build(args.events)
        reading = card_read(body, content_type=content_type)
        if reading.layout != layout or len(reading.events) != args.events:
            raise SystemExit(f"{layout}: read as {reading.layout} with {len(reading.events)} events")
        for _ in range(5):
            card_read(body, content_type=content_type)
        wall, cpu = [], []
        for _ in range(args.runs):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            card_read(body, content_type=content_type)
            wall.append((time.perf_counter() - wall0) * 1000)
            cpu.append((time.process_time() - cpu0) * 1000)
        median = statistics.median(wall)
        verdict = "meets target" if median < PARSE_TARGET_MS else "MISSES target"
        lines.append(
            f"| {layout} | {len(body) / 1024:.0f} KiB | {len(reading.events)} | {median:.2f} ms | "
            f"{_percentile(wall, 0.95):.2f} ms | {statistics.median(cpu):.2f} ms | {verdict} |"
        )
    return lines


def tick_part(args: argparse.Namespace) -> list[str]:
    """One beat tick over `--watches` watches of which `--due` are due (bench/court_watch_tick.py,
    in its own process and database: it needs DATABASE_URL, PostgreSQL)."""
    command = [sys.executable, str(ROOT / "bench" / "court_watch_tick.py"), "--print-only"]
    command += ["--watches", str(args.watches), "--due", str(args.due), "--runs", str(args.tick_runs)]
    run = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    if run.returncode:
        raise SystemExit(run.stderr[-3000:] or run.stdout[-3000:])
    return [
        "### One tick (target < 50 ms of database work, no query per watch)",
        "",
        "```",
        *run.stdout.splitlines(),
        "```",
    ]


# Each part: its lines for RESULTS.md. "all" runs them in this order.
PARTS: dict[str, Callable[[argparse.Namespace], list[str]]] = {
    "parse": parse_part,
    "tick": tick_part,
}


def arguments_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--events", type=int, default=200, help="parse: events per card")
    parser.add_argument("--runs", type=int, default=200, help="parse: reads per layout")
    parser.add_argument("--watches", type=int, default=10_000, help="tick: watches in all")
    parser.add_argument("--due", type=int, default=100, help="tick: of which due")
    parser.add_argument("--tick-runs", type=int, default=50, help="tick: ticks timed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments_add(parser)
    args = parser.parse_args()
    parts = list(PARTS) if args.part == "all" else [args.part]
    lines: list[str] = []
    for part in parts:
        lines.extend(PARTS[part](args))
        lines.append("")
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    command = ".venv/bin/python bench/court_watch.py " + " ".join(sys.argv[1:])
    text = (
        f"\n## Court watch ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)\n\n"
        f"Command: `{command.strip()}`  \nMachine: {platform.machine()}, nproc {os.cpu_count()}, "
        f"Python {platform.python_version()}; load average {load} at the end\n\n" + "\n".join(lines)
    )
    print(text)
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write(text)


if __name__ == "__main__":
    main()
