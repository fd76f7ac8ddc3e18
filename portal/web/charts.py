"""Charts drawn on the server as SVG: no JavaScript, readable by screen readers.

Each chart has role="img", a <title> and a <desc> naming every number, and colours come from CSS
classes (static/css/dashboard.css), so the page's style rules apply. The page shows the same
numbers as a table beside each chart.
"""
from __future__ import annotations

import itertools

from markupsafe import Markup, escape

from portal.i18n import colon, format_number
from portal.i18n import gettext as _

_ids = itertools.count(1)

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 150
WIDTH = 380
COLUMNS_WIDTH = 640


def _frame(*, title: str, desc: str, width: int, height: int, body: list[str], css: str) -> Markup:
    n = next(_ids)
    title_id, desc_id = f"chart-{n}-title", f"chart-{n}-desc"
    return Markup(
        f'<svg class="chart {css}" role="img" aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
        + "".join(body) + "</svg>"
    )


def bar_chart(*, title: str, rows: list[tuple[str, float]], unit: str = "", css: str = "") -> Markup:
    """Horizontal bars, one per (label, value); the description lists every value."""
    rows = list(rows)
    biggest = max((value for _label, value in rows if value), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 64
    body = []
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = 0 if not value else max(2.0, plot * float(value) / biggest)
        shown = _number(value)
        body.append(
            f'<text class="chart__label" x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end">'
            f"{escape(_clip(label))}</text>"
            f'<rect class="chart__bar chart__bar--{index % 6}" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
            f'height="{BAR_HEIGHT}" rx="3"></rect>'
            f'<text class="chart__value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}">'
            f"{escape(shown)}{escape(unit)}</text>"
        )
    height = GAP + max(len(rows), 1) * (BAR_HEIGHT + GAP)
    desc = "; ".join(f"{label}{colon()}{_number(value)}{unit}" for label, value in rows) or _("No data.")
    return _frame(title=title, desc=desc, width=WIDTH, height=height, body=body, css=css)


def stacked_columns(*, title: str, categories: list[str], series: list[tuple[str, list[int]]], css: str = "") -> Markup:
    """One column per category (e.g. month), stacked by series (e.g. outcome), with a legend."""
    totals = [sum(values[i] for _name, values in series) for i in range(len(categories))]
    biggest = max(totals, default=0) or 1
    top, plot_height, left = 34, 180, 36
    column = max(18, min(48, (COLUMNS_WIDTH - left - 10) // max(len(categories), 1) - 10))
    step = column + 10
    body = []
    for index, (name, _values) in enumerate(series):
        x = left + index * 170
        body.append(f'<rect class="chart__bar chart__bar--{index}" x="{x}" y="6" width="14" height="14" rx="2"></rect>'
                    f'<text class="chart__label" x="{x + 20}" y="18">{escape(name)}</text>')
    body.append(f'<line class="chart__axis" x1="{left}" y1="{top + plot_height}" x2="{COLUMNS_WIDTH - 4}" '
                f'y2="{top + plot_height}"></line>')
    body.append(f'<text class="chart__value" x="{left - 6}" y="{top + 10}" text-anchor="end">{biggest}</text>')
    for i, category in enumerate(categories):
        x = left + 8 + i * step
        y = top + plot_height
        for index, (_name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            height = plot_height * value / biggest
            y -= height
            body.append(f'<rect class="chart__bar chart__bar--{index}" x="{x}" y="{y:.1f}" width="{column}" '
                        f'height="{height:.1f}"></rect>')
        body.append(f'<text class="chart__tick" x="{x + column / 2:.1f}" y="{top + plot_height + 16}" '
                    f'text-anchor="middle">{escape(category[2:] if len(category) == 7 else category)}</text>')
    width = max(COLUMNS_WIDTH, left + 8 + len(categories) * step)
    parts = []
    for i, category in enumerate(categories):
        counts = ", ".join(f"{name} {values[i]}" for name, values in series)
        parts.append(f"{category}{colon()}{counts}")
    desc = "; ".join(parts) or _("No data.")
    return _frame(title=title, desc=desc, width=width, height=top + plot_height + 24, body=body, css=css)


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return format_number(round(value, 1))  # "13.8" in English, "13,8" in French
    return format_number(int(value))


def _clip(text: str, length: int = 16) -> str:
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"
