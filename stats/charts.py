"""Charts of an indicator's series, drawn on the server as SVG with pygal.

pygal is maintained, pure Python and writes plain SVG: the chart shows without
JavaScript, prints, and scales on a phone. Its interactive script is switched off
(it would be a request to a third-party host). Each chart has a <title> and <desc>
and the page shows the same numbers as a table beside it. The SVG is cached,
keyed by the values' last change, so a page view does not redraw it.

A chart is drawn twice, wide for desktops and narrow for phones, and the stylesheet
shows the one that fits (static/css/site.css, .chart-wide / .chart-narrow): one
720-pixel drawing squeezed onto a 360-pixel phone printed its labels at 6 pixels
(issue 9). Each drawing is shown no smaller than its text stays at least 12 pixels.
Its colours are the page's (currentColor and CSS variables), so the chart follows
高对比度 like the text around it.
"""

import hashlib
import re

import pygal
from django.core.cache import cache
from pygal.style import Style

# pygal's configuration script and its advertising comment are not part of the chart.
_SCRIPT = re.compile(r"<script\b.*?</script>|<!--.*?-->", re.DOTALL)

FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
FONT_SIZE = 14

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    # The page's text colour and the chart colours the stylesheet sets per reader mode.
    foreground="currentColor",
    foreground_strong="currentColor",
    foreground_subtle="var(--chart-guide, #767676)",
    guide_stroke_color="var(--chart-guide, #767676)",
    major_guide_stroke_color="var(--chart-guide, #767676)",
    colors=("var(--chart-bar, #b0182b)",),
    value_colors=("currentColor",),
    opacity="1",
    opacity_hover="1",
    font_family=FONT,
    label_font_size=FONT_SIZE,
    major_label_font_size=FONT_SIZE,
    value_font_size=FONT_SIZE,
    value_label_font_size=FONT_SIZE,
    title_font_size=FONT_SIZE + 1,
    legend_font_size=FONT_SIZE,
)

# (class, width, height): the stylesheet shows .chart-wide from 720 CSS pixels of
# content width up, .chart-narrow below, where a 340-unit drawing on a 328-pixel
# phone column keeps 14-unit text at 13.5 pixels.
WIDE = ("chart-wide", 720, 360)
NARROW = ("chart-narrow", 340, 300)
# On a narrow drawing more bars than this leave no room for a label above each bar
# or for level year labels: the table below has every number.
NARROW_MAX_LABELLED = 5


def series_svg(indicator, values, kind_label):
    """The chart of one series (a list of YearlyValue of one kind): the wide and the
    narrow SVG, one after the other, for the stylesheet to choose from."""
    values = sorted(values, key=lambda value: value.year)
    stamp = max((value.updated_at.timestamp() for value in values), default=0)
    # Everything drawn is in the key: the values' last change, and the indicator's
    # name and unit (the title), hashed so the key stays short and space-free.
    label = hashlib.sha1(f"{indicator.name}|{indicator.unit}|{kind_label}".encode()).hexdigest()
    kind = values[0].kind if values else ""
    key = f"stats:chart:v2:{indicator.pk}:{kind}:{len(values)}:{stamp}:{label}"
    svg = cache.get(key)
    if svg is None:
        svg = "".join(_draw(indicator, values, kind_label, *size) for size in (WIDE, NARROW))
        cache.set(key, svg, 60 * 60 * 24)
    return svg


def _draw(indicator, values, kind_label, css_class, width, height):
    crowded = css_class == NARROW[0] and len(values) > NARROW_MAX_LABELLED
    chart = pygal.Bar(
        style=STYLE,
        js=[],  # no script: the chart is complete as static SVG
        classes=["pygal-chart", css_class],
        width=width,
        height=height,
        show_legend=False,
        print_values=not crowded,
        print_values_position="top",
        x_label_rotation=-45 if crowded else 0,
        margin_top=24,
        explicit_size=False,
        disable_xml_declaration=True,
        value_formatter=lambda number: _plain(number),
        title=f"{indicator.name}（{kind_label}，单位：{indicator.unit}）",
    )
    chart.x_labels = [f"{value.year}年" for value in values]
    chart.add(indicator.name, [float(value.value) for value in values])
    # pygal always embeds a small configuration script for its tooltips; the chart
    # does not need it, and a page without inline script keeps a strict CSP possible.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def _plain(number):
    if number >= 10_000:
        return f"{number / 10_000:.4g}万"
    return f"{number:.6g}"
