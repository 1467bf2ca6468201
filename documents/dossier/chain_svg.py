"""The chain of instances as a small vertical SVG diagram: one box per ruling (or per court an
appeal is pending before), an arrow per appeal. Every text is XML-escaped here; the template
marks the result safe only because of that."""

from __future__ import annotations

import textwrap
from typing import Any
from xml.sax.saxutils import escape, quoteattr

BOX_W, BOX_H, GAP = 330, 46, 44
LEFT = 10
WIDTH = 600
CHARS_PER_LINE = 52


def _line(text: str, limit: int = CHARS_PER_LINE) -> str:
    return textwrap.shorten(text, width=limit, placeholder="…") if text else ""


def _description(nodes: list[dict[str, Any]], *, title: str) -> str:
    steps = [", ".join(part for part in (node["court"], node["line2"]) if part) for node in nodes]
    return f"{title}: {' → '.join(steps)}"


def chain_svg(chain: dict[str, Any], *, title: str) -> str:
    nodes = chain["nodes"]
    if not nodes:
        return ""
    position = {node["key"]: i for i, node in enumerate(nodes)}
    height = len(nodes) * BOX_H + (len(nodes) - 1) * GAP + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(title)} class="chain"'
        " font-family='PT Sans Dossier, DejaVu Sans, sans-serif'>",
        # The tagged PDF's /Alt for this figure (WeasyPrint reads an SVG's <title>): what the
        # boxes say, in order, so a screen reader hears the chain and not only its name.
        f"<title>{escape(_description(nodes, title=title))}</title>",
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7' "
        "orient='auto-start-reverse'><path d='M 0 0 L 10 5 L 0 10 z' fill='#333'/></marker></defs>",
    ]
    for i, node in enumerate(nodes):
        y = 10 + i * (BOX_H + GAP)
        dash = " stroke-dasharray='5 3'" if node["pending"] else ""
        fill = "#ffffff" if node["pending"] else "#f3f1ea"
        parts.append(
            f"<rect x='{LEFT}' y='{y}' width='{BOX_W}' height='{BOX_H}' rx='4' fill='{fill}' stroke='#333'"
            f" stroke-width='1'{dash}/>"
        )
        parts.append(
            f"<text x='{LEFT + 10}' y='{y + 19}' font-size='11' font-weight='bold'>{escape(_line(node['court']))}</text>"
        )
        parts.append(f"<text x='{LEFT + 10}' y='{y + 36}' font-size='10'>{escape(_line(node['line2']))}</text>")
    for edge in chain["edges"]:
        source, target = position.get(edge["source"]), position.get(edge["target"])
        if source is None or target is None:
            continue
        y1 = 10 + source * (BOX_H + GAP) + BOX_H
        y2 = 10 + target * (BOX_H + GAP)
        label = escape(_line(edge["label"], 42))
        if target == source + 1:
            x = LEFT + 40
            parts.append(
                f"<line x1='{x}' y1='{y1}' x2='{x}' y2='{y2 - 1}' stroke='#333' stroke-width='1.2' marker-end='url(#arrow)'/>"
            )
            parts.append(
                f"<text x='{x + 10}' y='{(y1 + y2) / 2 + 4}' font-size='10' font-style='italic'>{label}</text>"
            )
        else:
            # Not adjacent (several appeals against one ruling): an elbow to the right of the boxes.
            x = LEFT + BOX_W + 20 + 14 * (target - source)
            ys, yt = y1 - BOX_H / 2, y2 + BOX_H / 2
            parts.append(
                f"<polyline points='{LEFT + BOX_W},{ys} {x},{ys} {x},{yt} {LEFT + BOX_W + 1},{yt}' fill='none'"
                f" stroke='#333' stroke-width='1.2' marker-end='url(#arrow)'/>"
            )
            parts.append(f"<text x='{x + 6}' y='{(ys + yt) / 2}' font-size='10' font-style='italic'>{label}</text>")
    parts.append("</svg>")
    return "".join(parts)
