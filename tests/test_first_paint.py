"""The start page's first chart drawn without plotly.js (radar/first_paint.py): the figure's own
points, ticks and texts, placed as Plotly's automatic axes place them; and the Overview sends it
just before its Plotly chart. (The browser's side, that it is painted before Plotly's code runs
and hidden once the chart is drawn, is in tests/browser/test_browser_first_chart.py.)"""

from __future__ import annotations

import datetime as dt
import json
import re

import plotly.graph_objects as go
import polars as pl
import pytest

from radar import charts, first_paint, rules


def test_nice_step_rounds_up_to_two_five_or_ten_times_a_power_of_ten():
    # the Overview's axis on the HN history: 300 px tall, data range 158.5 to 934.9
    assert first_paint.tick_target(300, 40) == 8.5
    assert first_paint.nice_step(934.85 - 158.48, 8.5) == 100
    assert first_paint.nice_step(10, 8.5) == 2
    assert first_paint.nice_step(0.9, 8.5) == pytest.approx(0.2)
    assert first_paint.nice_step(45_000, 8.5) == 10_000
    assert first_paint.tick_target(2000, 40) == 10 and first_paint.tick_target(50, 40) == 5


def test_padded_range_puts_the_data_pad_pixels_in_from_each_end():
    lo, hi = first_paint.padded_range(200, 900, 300, 18.75)
    per_px = (hi - lo) / 300
    assert (200 - lo) / per_px == pytest.approx(18.75)
    assert (hi - 900) / per_px == pytest.approx(18.75)
    assert first_paint.padded_range(5, 5, 300, 18.75) == (4, 6)


def test_number_ticks_are_inside_the_range_with_plotlys_labels():
    ticks = first_paint.number_ticks(158.48, 934.85, 300)
    assert [v for v, _ in ticks] == [200, 300, 400, 500, 600, 700, 800, 900]
    assert [label for _, label in ticks][:2] == ["200", "300"]
    big = first_paint.number_ticks(0, 95_000, 300)  # a step of 11,176 rounds up to 20,000
    assert [label for _, label in big] == ["0", "20k", "40k", "60k", "80k"]
    assert [label for _, label in first_paint.number_ticks(0, 9_500, 300)][-1] == "8000"  # no k
    assert [label for _, label in first_paint.number_ticks(0.1, 1.05, 300)][:3] == [
        "0.2", "0.4", "0.6"]
    assert [label for _, label in first_paint.number_ticks(4.8, 7.2, 300)] == [
        "5", "5.5", "6", "6.5", "7"]  # no trailing zeros


def _ms(day: dt.date) -> float:
    return (day - dt.date(1970, 1, 1)).days * 86_400_000


def test_date_ticks_every_two_years_on_even_years_or_every_few_months():
    # the HN history's padded range, 847 px wide: Plotly labels 2014, 2016, ... 2026
    lo, hi = _ms(dt.date(2012, 2, 9)), _ms(dt.date(2026, 12, 21))
    assert [label for _, label in first_paint.date_ticks(lo, hi, 847)] == [
        "2014", "2016", "2018", "2020", "2022", "2024", "2026"]
    # 324 days for 10 ticks: 32 days, rounded up to two months, counted from January 2000
    ticks = first_paint.date_ticks(_ms(dt.date(2025, 1, 20)), _ms(dt.date(2025, 12, 10)), 847)
    assert [label for _, label in ticks] == ["Mar 2025", "May 2025", "Jul 2025", "Sep 2025",
                                             "Nov 2025"]
    assert ticks[0][0] == _ms(dt.date(2025, 3, 1))
    short = first_paint.date_ticks(_ms(dt.date(2025, 1, 20)), _ms(dt.date(2025, 4, 10)), 847)
    assert [label for _, label in short] == ["Feb 2025", "Mar 2025", "Apr 2025"]


def _postings(months: int, incomplete: bool = False, unreliable: set[int] = frozenset()):
    first = dt.date(2024, 1, 1)
    days = [dt.date(2024 + (i // 12), i % 12 + 1, 1) for i in range(months)]
    per_month = pl.DataFrame({"month": days, "postings": [100 + 10 * i for i in range(months)],
                              "total": [100 + 10 * i for i in range(months)]})
    frame = rules.monthly_figures(rules.postings_series(per_month), 1, 50,
                                  days[-1] if incomplete else None)
    if unreliable:
        frame = frame.with_columns(reliable=~pl.int_range(pl.len()).is_in(list(unreliable)))
    assert frame["month"][0] == first
    return frame


def _points(drawing: str) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, p.split(","))) for p in points.split()]
            for points in re.findall(r'<polyline points="([^"]+)"', drawing)]


def test_the_drawing_holds_the_figures_own_points():
    frame = _postings(13)
    fig = charts.postings_lines(frame, "n = 1,234 postings<br>Filters: all", 1, 50)
    drawing = first_paint.lines_html(fig)
    assert drawing.startswith(f"<style>{first_paint.STYLE}</style>")
    assert f'class="{first_paint.CLASS}"' in drawing
    assert f"height:{fig.layout.height}px" in drawing
    [line] = _points(drawing)
    assert len(line) == 13
    # back from the drawing's coordinates to the data: x in a 0-1000 box over the padded
    # range, y in pixels from the top of the plot
    plot_h = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    ys = [p for p in frame["per_month"].to_list()]
    y_lo, y_hi = first_paint.padded_range(min(ys), max(ys), plot_h, 0.05 * plot_h + 3.75)
    back = [y_hi - y / plot_h * (y_hi - y_lo) for _, y in line]
    assert back == pytest.approx(ys, abs=0.02 * (y_hi - y_lo) / plot_h * 10)
    xs = [x for x, _ in line]
    assert xs == sorted(xs) and 0 < xs[0] < 60 and 940 < xs[-1] < 1000
    # one marker per month, the title, axis titles and footer as the figure has them
    assert drawing.count("<circle ") == 13
    assert ">Postings per month</div>" in drawing
    assert ">Month</text>" in drawing and ">Postings (count)</text>" in drawing
    assert "n = 1,234 postings<br>Filters: all" in drawing
    assert ">2024</text>" in drawing or ">Jan 2024</text>" in drawing


def test_hollow_grey_markers_and_a_dotted_incomplete_month_as_in_the_figure():
    frame = _postings(6, incomplete=True, unreliable={1})
    fig = charts.postings_lines(frame, "", 1, 50)
    drawing = first_paint.lines_html(fig)
    solid, dotted = _points(drawing)
    assert len(solid) == 5 and len(dotted) == 2 and dotted[0] == solid[-1]
    assert drawing.count('stroke-dasharray="2 3"') == 1
    hollow = f'fill="white" stroke="{charts.LOW_N_COLOR}"'
    # the unreliable month, and the incomplete month's diamond (drawn twice in the figure: the
    # last complete point starts the dotted segment)
    assert drawing.count(hollow) == 3
    assert drawing.count("<path d=") == 2


def test_a_figure_without_margins_gets_plotlys_defaults():
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 4, 5], mode="lines"))
    drawing = first_paint.lines_html(fig)
    # 450 px tall, 100 above the plot and 80 below it: a plot 270 px tall, from 80 px in
    assert "height:450px" in drawing
    assert 'style="position:absolute;left:80px;top:100px;width:calc(100% - 160px);height:270px' \
        in drawing


def test_text_is_escaped_and_plotlys_tags_dropped():
    fig = charts.postings_lines(_postings(3), "Filters: <script>alert(1)</script> & more", 1, 0)
    fig.update_layout(title={"text": "<b>Posts</b> & <i>more</i>"})
    drawing = first_paint.lines_html(fig)
    assert "<script>" not in drawing and "alert(1)" in drawing
    assert "&amp; more" in drawing
    assert ">Posts &amp; more</div>" in drawing


def test_figures_it_cannot_draw_get_none():
    assert first_paint.lines_html(go.Figure(go.Bar(x=[1, 2], y=[3, 4]))) is None
    assert first_paint.lines_html(go.Figure()) is None
    two = go.Figure([go.Scatter(x=[1, 2], y=[3, 4], name="a"),
                     go.Scatter(x=[1, 2], y=[4, 5], name="b")])
    two.update_layout(showlegend=True)
    assert first_paint.lines_html(two) is None  # its legend is not drawn
    assert first_paint.lines_html(go.Figure(go.Scatter(x=[1, 2], y=[None, None]))) is None
    assert first_paint.lines_html(go.Figure(go.Scatter(x=["Go", "Rust"], y=[1, 2]))) is None


def test_the_overview_sends_the_drawing_just_before_its_first_chart(app_test):
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    drawings = [m for m in at.markdown if first_paint.CLASS in m.value]
    assert len(drawings) == 1 and drawings[0].proto.allow_html
    main = list(at.main.children.values())
    at_drawing = next(i for i, node in enumerate(main) if node is drawings[0])
    chart = main[at_drawing + 1]
    assert chart.type == "plotly_chart"
    spec = json.loads(chart.proto.spec)
    drawn = _points(drawings[0].value)
    # one line per line trace, each with that trace's points
    assert [len(line) for line in drawn] == [
        sum(y is not None for y in t["y"]) for t in spec["data"] if "lines" in t["mode"]]
    title = spec["layout"]["title"]["text"]
    assert f">{title}</div>" in drawings[0].value
    # the other pages send none
    at.switch_page("pages/salary.py").run()
    assert not at.exception, at.exception
    assert not [m for m in at.markdown if first_paint.CLASS in m.value]
