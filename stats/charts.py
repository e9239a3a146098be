"""Charts of an indicator's series, drawn on the server as SVG with pygal.

pygal is maintained, pure Python and writes plain SVG: the chart shows without
JavaScript, prints, and scales on a phone. Its interactive script is switched off
(it would be a request to a third-party host). Each chart has a <title> and <desc>
and the page shows the same numbers as a table beside it. The SVG is cached,
keyed by the values' last change, so a page view does not redraw it.
"""

import hashlib
import re

import pygal
from django.core.cache import cache
from pygal.style import Style

# pygal's configuration script and its advertising comment are not part of the chart.
_SCRIPT = re.compile(r"<script\b.*?</script>|<!--.*?-->", re.DOTALL)

FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#222",
    foreground_strong="#222",
    foreground_subtle="#767676",
    colors=("#b0182b", "#1a5fb4"),
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    value_label_font_size=13,
    title_font_size=15,
    legend_font_size=13,
)


def series_svg(indicator, values, kind_label):
    """An SVG bar chart of one series (a list of YearlyValue of one kind)."""
    values = sorted(values, key=lambda value: value.year)
    stamp = max((value.updated_at.timestamp() for value in values), default=0)
    # Everything drawn is in the key: the values' last change, and the indicator's
    # name and unit (the title), hashed so the key stays short and space-free.
    label = hashlib.sha1(f"{indicator.name}|{indicator.unit}|{kind_label}".encode()).hexdigest()
    kind = values[0].kind if values else ""
    key = f"stats:chart:{indicator.pk}:{kind}:{len(values)}:{stamp}:{label}"
    svg = cache.get(key)
    if svg is None:
        svg = _draw(indicator, values, kind_label)
        cache.set(key, svg, 60 * 60 * 24)
    return svg


def _draw(indicator, values, kind_label):
    chart = pygal.Bar(
        style=STYLE,
        js=[],  # no script: the chart is complete as static SVG
        width=720,
        height=360,
        show_legend=False,
        print_values=True,
        print_values_position="top",
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
