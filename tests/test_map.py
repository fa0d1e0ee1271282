"""The map: shipped outlines decoded from TopoJSON, the country and US state queries on the pay
fixture warehouse (numbers by hand), and the choropleth figure that needs no network."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from radar import geo, maps, queries
from radar.filters import Filters

ALL = Filters(dt.date(2019, 1, 1), dt.date(2024, 12, 1))


def test_topojson_arcs_are_delta_decoded():
    topology = {"transform": {"scale": [0.5, 2.0], "translate": [10, -5]},
                "arcs": [[[0, 0], [2, 0], [0, 3]], [[2, 3], [-2, -3]]]}
    arcs = geo.decoded_arcs(topology)
    # Positions are running sums: (0,0), (2,0), (2,3); then x * 0.5 + 10, y * 2 - 5.
    assert arcs[0] == [(10, -5), (11, -5), (11, 1)]
    assert arcs[1] == [(11, 1), (10, -5)]
    # A ring of arc 0 then arc 1; a negative index ~1 = arc 1 reversed.
    assert geo.ring_points([0, 1], arcs) == [(10, -5), (11, -5), (11, 1), (10, -5)]
    assert geo.ring_points([~1], arcs) == [(10, -5), (11, 1)]


def test_shipped_outlines():
    world = {s.key: s for s in geo.world_shapes()}
    assert len(world) > 160 and {"US", "DE", "GB", "IN", "BR", "FJ"} <= set(world)
    assert world["DE"].name == "Germany"
    lon = [x for ring in world["DE"].rings for x, _ in ring]
    lat = [y for ring in world["DE"].rings for _, y in ring]
    assert 5.5 < min(lon) < 6.5 and 14.5 < max(lon) < 15.5
    assert 47 < min(lat) < 48 and 54.5 < max(lat) < 55.5
    # Fiji crosses 180 degrees: carried on east of it, never drawn across the whole map.
    assert all(max(x for x, _ in r) - min(x for x, _ in r) < 180 for r in world["FJ"].rings)
    states = {s.key: s for s in geo.us_state_shapes()}
    assert len(states) == 52 and states["TX"].name == "Texas"
    atlas = json.loads(geo.US_FILE.read_text())["objects"]["states"]["geometries"]
    names = {g["id"]: g["properties"]["name"] for g in atlas}
    for code, (fips, name) in geo.us_states().items():
        assert names[fips] == name, code


def test_country_figures(pay_warehouse):
    frame = queries.run("map_countries", ALL, warehouse=pay_warehouse, map_technology="python")
    rows = {r["country"]: r for r in frame.iter_rows(named=True)}
    # US: 2024 6 paid + 1 platform, 2023 4, 2019 2 = 13; Python in 3 (2024) + 2 (2023) = 5.
    # DE: 6, 3 of them Python; GB: 1, Python.
    assert (rows["US"]["postings"], rows["US"]["naming"]) == (13, 5)
    assert (rows["DE"]["postings"], rows["DE"]["naming"]) == (6, 3)
    assert rows["GB"]["share"] == 1.0
    assert rows["DE"]["share"] == pytest.approx(0.5)


def test_state_figures(pay_warehouse):
    frame = queries.run("map_us_states", ALL, warehouse=pay_warehouse, map_technology="python",
                        states=list(geo.us_states()))
    # Every US fixture posting is in "Austin, TX".
    assert frame.rows() == [("TX", 13, 5, pytest.approx(5 / 13))]
    other = queries.run("map_us_states", ALL, warehouse=pay_warehouse, map_technology="python",
                        states=["CA"])
    assert other["state"].to_list() == [None] and other["postings"][0] == 13


def test_choropleth_figure():
    rows = pl.DataFrame({"key": ["US", "DE"], "postings": [10, 4], "naming": [5, 1],
                         "share": [0.5, 0.25]})
    fig = maps.choropleth(rows, geo.world_shapes(), "share", "t", "footer", "Share (%)",
                          percent=True).to_plotly_json()
    coloured = {t["meta"]["key"]: t for t in fig["data"] if t.get("meta")}
    assert set(coloured) == {"US", "DE"}
    assert coloured["US"]["fillcolor"] == maps.fill_colour(1.0, 1.0)  # the top of the scale
    assert coloured["DE"]["fillcolor"] == maps.fill_colour(0.5, 1.0)
    assert coloured["US"]["name"] == "United States of America: 50.0% (5 of 10 postings)"
    assert fig["data"][0]["fillcolor"] == maps.NO_DATA  # the other countries, underneath
    scale = fig["data"][-1]["marker"]
    assert scale["cmax"] == 50 and scale["showscale"]
    # Plain filled areas: no geo, map or mapbox subplot, so nothing asks for outlines or tiles.
    assert {t["type"] for t in fig["data"]} == {"scatter"}
    assert not {"geo", "map", "mapbox"} & set(fig["layout"])


def test_choropleth_leaves_a_share_on_too_few_postings_unshaded():
    rows = pl.DataFrame({"key": ["US", "DE", "VN"], "postings": [10, 4, 1], "naming": [5, 1, 1],
                         "share": [0.5, 0.25, 1.0]})
    fig = maps.choropleth(rows, geo.world_shapes(), "share", "t", "footer", "Share (%)",
                          percent=True, min_postings=4).to_plotly_json()
    areas = {t["meta"]["key"]: t for t in fig["data"] if t.get("meta")}
    assert areas["VN"]["fillcolor"] == maps.TOO_FEW and not areas["VN"]["meta"]["shaded"]
    assert areas["VN"]["name"].endswith("(1 of 1 postings): fewer than 4 postings, not shaded")
    # US's 50% tops the scale, not Viet Nam's 100% on one posting
    assert areas["US"]["fillcolor"] == maps.fill_colour(1.0, 1.0)
    assert areas["DE"]["fillcolor"] == maps.fill_colour(0.5, 1.0) and areas["DE"]["meta"]["shaded"]
    assert fig["data"][-1]["marker"]["cmax"] == 50
    # counts are shaded whatever the minimum
    counts = maps.choropleth(rows, geo.world_shapes(), "postings", "t", "footer", "Postings",
                             min_postings=4).to_plotly_json()
    assert all(t["meta"]["shaded"] for t in counts["data"] if t.get("meta"))
