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

The drawing carries no <style>, no style attribute and no script, so the page's
Content-Security-Policy needs no 'unsafe-inline' (README, "Security"). pygal's own
stylesheet, which it writes into every chart scoped by a random id, is written once
into static/css/charts.css scoped by the class every chart has (`python -m
stats.charts` writes it again; tests/stats/test_charts.py checks it is current).
Without the random id the same figures give the same bytes.
"""

import hashlib

import pygal
from django.core.cache import cache
from pygal.style import Style

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
    key = f"stats:chart:v3:{indicator.pk}:{kind}:{len(values)}:{stamp}:{label}"
    svg = cache.get(key)
    if svg is None:
        svg = "".join(_draw(indicator, values, kind_label, *size) for size in (WIDE, NARROW))
        cache.set(key, svg, 60 * 60 * 24)
    return svg


def _draw(indicator, values, kind_label, css_class, width, height):
    crowded = css_class == NARROW[0] and len(values) > NARROW_MAX_LABELLED
    chart = _chart(
        classes=[CHART_CLASS, css_class],
        width=width,
        height=height,
        print_values=not crowded,
        x_label_rotation=-45 if crowded else 0,
        value_formatter=lambda number: _plain(number),
        title=f"{indicator.name}（{kind_label}，单位：{indicator.unit}）",
    )
    chart.add_xml_filter(_static_parts_only)
    chart.x_labels = [f"{value.year}年" for value in values]
    chart.add(indicator.name, [float(value.value) for value in values])
    return chart.render(is_unicode=True)


def _chart(**config):
    return pygal.Bar(
        style=STYLE,
        js=[],  # no script: the chart is complete as static SVG
        show_legend=False,
        print_values_position="top",
        margin_top=24,
        explicit_size=False,
        disable_xml_declaration=True,
        **config,
    )


# The class every chart's root has: the stylesheet's scope instead of pygal's random id.
CHART_CLASS = "pygal-chart"


def _static_parts_only(root):
    """pygal's drawing without what would need 'unsafe-inline' or JavaScript: its
    <style> (static/css/charts.css), its configuration script, the tooltip layer
    (hidden by a style attribute, shown only by that script), the random id and the
    comments (one of them dated)."""
    root.attrib.pop("id", None)
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else None  # comments have none
            if tag in {None, "style", "script"} or "tooltip-overlay" in child.get("class", ""):
                parent.remove(child)
    return root


def stylesheet():
    """pygal's stylesheet for our charts (static/css/charts.css), as pygal writes it into
    a chart, with the chart's random id replaced by the class all our charts share."""
    chart = _chart(classes=[CHART_CLASS], pretty_print=True)
    chart.add("", [1])
    css = chart.render_tree().find("defs/style").text
    return (
        "/* pygal's chart stylesheet for stats/charts.py, written by `python -m stats.charts`:\n"
        "   do not edit (tests/stats/test_charts.py checks it is current). */\n"
        + css.replace(f"#chart-{chart.uuid} ", f".{CHART_CLASS} ").strip()
        + "\n"
    )


def _plain(number):
    if number >= 10_000:
        return f"{number / 10_000:.4g}万"
    return f"{number:.6g}"


if __name__ == "__main__":
    print(stylesheet(), end="")
