"""Inline SVG charts for the HTML report, drawn in Python so the page needs no script library.

Every chart is an ``<svg class="chart">`` with a <title> for screen readers; marks carry a
<title> tooltip and, where a fact has a source, a link to its anchor in the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

FONT = "11px"
CHAR_WIDTH = 6.4  # average advance of an 11 px sans-serif glyph, for laying out labels
PALETTE = ("#1f4e79", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8e7dbe", "#6c757d")
MONTHS = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12")


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _link(mark: str, href: str | None) -> str:
    return f'<a href="{_attr(href)}">{mark}</a>' if href else mark


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


def _svg(width: float, height: float, title: str, body: list[str], name: str) -> str:
    return (
        f'<svg class="chart" data-chart="{_attr(name)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" font-family="Liberation Sans, DejaVu Sans, Noto Sans, Arial, sans-serif" '
        f'font-size="{FONT}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _label_width(labels: Sequence[str], limit: int) -> float:
    longest = max((len(_shorten(label, limit)) for label in labels), default=4)
    return 12 + longest * CHAR_WIDTH


def _shade(value: float, top: float) -> str:
    """A blue from near white (0) to navy (top), for heatmap cells."""
    if value <= 0 or top <= 0:
        return "#f3f5f8"
    share = min(value / top, 1.0)
    low, high = (222, 235, 247), (31, 78, 121)
    red, green, blue = (
        round(a + (b - a) * (0.15 + 0.85 * share)) for a, b in zip(low, high, strict=True)
    )
    return f"rgb({red},{green},{blue})"


def _column_heads(
    columns: Sequence[str], left: float, cell_w: float, y: float, chars: int
) -> list[str]:
    """One bold centred name over each column, shortened to ``chars``."""
    return [
        f'<text x="{left + c * cell_w + cell_w / 2:.1f}" y="{y:.1f}" text-anchor="middle" '
        f'fill="#333" font-weight="600">{escape(_shorten(name, chars))}</text>'
        for c, name in enumerate(columns)
    ]


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    *,
    title: str,
    links: Sequence[str | None] = (),
) -> str:
    """A rows × columns grid of counts, darker for more; row labels link to ``links``."""
    cell_w, cell_h, head = 74.0, 26.0, 46.0
    left = _label_width(rows, 56)
    width, height = left + cell_w * len(columns) + 8, head + cell_h * len(rows) + 8
    top = max((v for row in values for v in row), default=0)
    body = _column_heads(columns, left, cell_w, head - 10, 12)
    for r, name in enumerate(rows):
        y = head + r * cell_h
        href = links[r] if r < len(links) else None
        label = (
            f'<text x="{left - 8:.1f}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="end" '
            f'fill="#1f4e79">{escape(_shorten(name, 56))}</text>'
        )
        body.append(_link(label, href))
        for c, value in enumerate(values[r]):
            x = left + c * cell_w
            fill = _shade(value, top)
            ink = "#fff" if top and value / top > 0.55 else "#1b2430"
            body.append(
                f'<rect x="{x + 1:.1f}" y="{y + 1:.1f}" width="{cell_w - 2:.1f}" '
                f'height="{cell_h - 2:.1f}" rx="3" fill="{fill}"><title>'
                f"{escape(name)} · {escape(columns[c])}: {value:g}</title></rect>"
                f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 4:.1f}" '
                f'text-anchor="middle" fill="{ink}">{value:g}</text>'
            )
    return _svg(width, height, title, body, "heatmap")


def stacked_bars(
    labels: Sequence[str],
    stacks: Sequence[Sequence[float]],
    series: Sequence[str],
    *,
    title: str,
    links: Sequence[str | None] = (),
    colors: Sequence[str] = PALETTE,
) -> str:
    """Horizontal bars, one per label, split into ``series``, with a legend on top."""
    bar_h, gap, head, plot_w = 18.0, 8.0, 34.0, 420.0
    left = _label_width(labels, 48)
    totals = [sum(stack) for stack in stacks]
    top = max(totals, default=0) or 1
    width = left + plot_w + 48
    height = head + (bar_h + gap) * len(labels) + 4
    body: list[str] = []
    x = left
    for index, name in enumerate(series):
        body.append(
            f'<rect x="{x:.1f}" y="8" width="12" height="12" rx="2" '
            f'fill="{colors[index % len(colors)]}"/><text x="{x + 17:.1f}" y="18" '
            f'fill="#333">{escape(name)}</text>'
        )
        x += 30 + len(name) * CHAR_WIDTH
    for row, label in enumerate(labels):
        y = head + row * (bar_h + gap)
        href = links[row] if row < len(links) else None
        body.append(
            _link(
                f'<text x="{left - 8:.1f}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end" '
                f'fill="#1f4e79">{escape(_shorten(label, 48))}</text>',
                href,
            )
        )
        x = left
        for index, value in enumerate(stacks[row]):
            if value <= 0:
                continue
            w = plot_w * value / top
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h:.1f}" '
                f'fill="{colors[index % len(colors)]}"><title>{escape(label)} · '
                f"{escape(series[index])}: {value:g}</title></rect>"
            )
            x += w
        body.append(
            f'<text x="{x + 6:.1f}" y="{y + bar_h / 2 + 4:.1f}" fill="#333">{totals[row]:g}</text>'
        )
    return _svg(width, height, title, body, "bars")


def dot_matrix(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    *,
    title: str,
    notes: Sequence[Sequence[str]] = (),
) -> str:
    """Circles sized by count at rows × columns (e.g. award forms × provinces)."""
    cell_w, cell_h, head = 92.0, 30.0, 52.0
    left = _label_width(rows, 30)
    width, height = left + cell_w * len(columns) + 8, head + cell_h * len(rows) + 6
    top = max((v for row in values for v in row), default=0) or 1
    body = _column_heads(columns, left, cell_w, head - 14, 14)
    for r, name in enumerate(rows):
        y = head + r * cell_h + cell_h / 2
        fill = "#f7f9fb" if r % 2 == 0 else "#ffffff"
        body.append(
            f'<rect x="0" y="{y - cell_h / 2:.1f}" width="{width:.1f}" height="{cell_h:.1f}" '
            f'fill="{fill}"/><text x="{left - 8:.1f}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="#1b2430">{escape(_shorten(name, 30))}</text>'
        )
        for c, value in enumerate(values[r]):
            if value <= 0:
                continue
            x = left + c * cell_w + cell_w / 2
            radius = 4 + 8 * (value / top) ** 0.5
            note = notes[r][c] if r < len(notes) and c < len(notes[r]) else ""
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{PALETTE[1]}" '
                f'fill-opacity="0.85"><title>{escape(name)} · {escape(columns[c])}: {value:g}'
                f"{escape(note)}</title></circle>"
                f'<text x="{x + radius + 4:.1f}" y="{y + 4:.1f}" fill="#333">{value:g}</text>'
            )
    return _svg(width, height, title, body, "dots")


@dataclass(frozen=True)
class Event:
    """One deadline on the timeline: its lane (a plan), day, kind and where it comes from."""

    lane: int
    day: date
    label: str
    yearly: bool = False
    href: str | None = None


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def timeline(lanes: Sequence[str], events: Sequence[Event], *, title: str) -> str:
    """Deadlines on a month axis, one lane per plan; yearly ones drawn as diamonds."""
    if not events:
        return _svg(360, 40, title, ['<text x="8" y="24" fill="#666">—</text>'], "timeline")
    first = min(_month_index(e.day) for e in events)
    last = max(_month_index(e.day) for e in events)
    if last - first < 11:  # show at least a year so recurring deadlines read as a calendar
        last = first + 11
    lane_h, head, plot_w = 30.0, 40.0, 660.0
    left = _label_width(lanes, 56)
    months = last - first + 1
    step = plot_w / months
    width, height = left + plot_w + 16, head + lane_h * len(lanes) + 10
    body: list[str] = []
    for offset in range(months):
        index = first + offset
        year, month = divmod(index, 12)
        x = left + offset * step
        strong = month == 0 or offset == 0
        body.append(
            f'<line x1="{x:.1f}" y1="{head - 6:.1f}" x2="{x:.1f}" y2="{height - 8:.1f}" '
            f'stroke="{"#b8c2cc" if strong else "#e4e8ec"}"/>'
        )
        # Label every month within a year, quarters within two, only the years beyond.
        every = 1 if months <= 12 else 3 if months <= 24 else 12
        if month % every == 0 or offset == 0:
            text = f"{MONTHS[month]}/{year}" if strong else MONTHS[month]
            text = str(year) if every == 12 else text
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{head - 12:.1f}" text-anchor="middle" '
                f'fill="#555" font-size="10px">{text}</text>'
            )
    for lane, name in enumerate(lanes):
        y = head + lane * lane_h + lane_h / 2
        body.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
            f'stroke="#d7dde3" stroke-dasharray="2 3"/><text x="{left - 8:.1f}" y="{y + 4:.1f}" '
            f'text-anchor="end" fill="#1b2430">{escape(_shorten(name, 56))}</text>'
        )
    for event in sorted(events, key=lambda e: (e.lane, e.day)):
        offset = _month_index(event.day) - first
        days = 31.0
        x = left + (offset + (event.day.day - 0.5) / days) * step
        y = head + event.lane * lane_h + lane_h / 2
        tip = f"<title>{escape(event.day.isoformat())} · {escape(event.label)}</title>"
        if event.yearly:
            mark = (
                f'<path d="M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} '
                f'L{x - 7:.1f},{y:.1f} Z" fill="{PALETTE[3]}" stroke="#fff">{tip}</path>'
            )
        else:
            mark = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{PALETTE[0]}" '
                f'stroke="#fff">{tip}</circle>'
            )
        body.append(_link(mark, event.href))
    return _svg(width, height, title, body, "timeline")
