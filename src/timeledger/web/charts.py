"""Server-side SVG charts (pygal): they print, need no JavaScript and no other host."""

from __future__ import annotations

from xml.etree import ElementTree

import pygal
from markupsafe import Markup
from pygal.style import Style

from timeledger.web.durations import format_exact

# What both charts share: transparent, dark text, billable blue under non-billable.
_LOOK: dict[str, object] = {
    "background": "transparent",
    "plot_background": "transparent",
    "foreground": "#222",
    "foreground_strong": "#111",
    "foreground_subtle": "#555",
    "colors": ("#1f5fa8", "#9bb8d8"),
    "font_family": "system-ui, sans-serif",
}
_STYLE = Style(**_LOOK)


# The phone variant (shown under 600 px, app.css): drawn about as wide as a 360 px
# phone shows it, with text large enough to stay at least 12 px once scaled to fit.
PHONE_WIDTH = 320
PHONE_FONT = 15
_PHONE_STYLE = Style(
    **_LOOK,
    label_font_size=PHONE_FONT,
    major_label_font_size=PHONE_FONT,
    value_font_size=PHONE_FONT,
    value_label_font_size=PHONE_FONT,
    tooltip_font_size=PHONE_FONT,
    legend_font_size=PHONE_FONT,
    title_font_size=PHONE_FONT + 1,
    no_data_font_size=PHONE_FONT,
)


def _layout(labels: list[str], *, phone: bool) -> dict[str, object]:
    """Size, text and x labels: the desktop chart at 800 px, the phone one narrow with
    fewer, larger labels (about four along the axis)."""
    if phone:
        return {
            "style": _PHONE_STYLE,
            "width": PHONE_WIDTH,
            "height": 360,
            "legend_box_size": PHONE_FONT,
            "x_label_rotation": -60 if len(labels) > 4 else 0,
            "show_minor_x_labels": len(labels) <= 4,
            "x_labels_major_every": max(1, -(-len(labels) // 4)),
            "truncate_label": -1,
            "truncate_legend": -1,
            "legend_at_bottom_columns": 1,
            "max_scale": 6,
        }
    return {
        "style": _STYLE,
        "width": 800,
        "height": 320,
        "x_label_rotation": -45 if len(labels) > 8 else 0,
        "show_minor_x_labels": len(labels) <= 16,
        "x_labels_major_every": max(1, len(labels) // 8),
    }


def hours_bar_chart(
    title: str,
    labels: list[str],
    series: dict[str, list[int]],
    *,
    stacked: bool = False,
    phone: bool = False,
) -> Markup:
    """An inline ``<svg>`` bar chart of hours: one bar per label for each series (values in
    seconds; drawn in hours, each bar's value written ``h:mm``, or ``h:mm:ss`` when not
    whole minutes, so it reads back exactly). ``stacked`` piles the series of a label into
    one bar (billable under non-billable). ``title`` becomes the chart's accessible name.
    ``phone``: the narrow variant with larger text (``_layout``).
    pygal's scripts (its tooltips come from another host) are left out."""
    kind = pygal.StackedBar if stacked else pygal.Bar
    chart = kind(
        title=title,
        js=[],
        disable_xml_declaration=True,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        **_layout(labels, phone=phone),
        value_formatter=lambda hours: format_exact(round((hours or 0) * 3600)),
        y_title="Hours",
        print_values=False,
        include_x_axis=True,
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, [seconds / 3600 for seconds in values])
    svg = chart.render_tree()
    # pygal always writes an inline script (its tooltip configuration); the chart needs no
    # script, so none is sent.
    for parent in list(svg.iter()):
        for child in list(parent):
            if child.tag == "script":
                parent.remove(child)
    # The figure around it carries the caption; the svg itself is one image to screen readers.
    svg.set("role", "img")
    svg.set("aria-label", title)
    # ElementTree escapes every label, value and attribute it writes.
    return Markup(ElementTree.tostring(svg, encoding="unicode"))
