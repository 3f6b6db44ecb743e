"""Accessible bar charts drawn on the server as SVG (no script, no third party). Each chart has
a <title> and <desc>, and the page shows the same numbers in a table beside it."""

from django.utils.html import escape

ROW = 24
LABEL_WIDTH = 220
BAR_WIDTH = 300
VALUE_WIDTH = 70


def bar_chart(rows: list[tuple[str, int | None, str]], *, title: str, chart_id: str) -> str:
    """rows: (label, value or None when hidden, text shown as the value)."""
    height = ROW * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    top = max([v for _label, v, _text in rows if v] or [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">'
        + escape("; ".join(f"{label}: {text}" for label, _v, text in rows))
        + "</desc>",
    ]
    for index, (label, value, text) in enumerate(rows):
        y = 4 + index * ROW
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" '
            f'class="chart-label">{escape(short)}</text>'
        )
        if value:
            w = max(2, round(BAR_WIDTH * value / top))
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{w}" height="{ROW - 8}" '
                f'class="chart-bar"/>'
            )
            x_text = LABEL_WIDTH + w + 6
        else:
            x_text = LABEL_WIDTH + 6
        parts.append(f'<text x="{x_text}" y="{y + 16}" class="chart-value">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
