"""Map outlines shipped with the project, so a map draws with no request leaving the app's host.

radar/data/geo/ holds Natural Earth outlines as TopoJSON from the npm packages world-atlas 2.0.2
(countries at 1:110m, keyed by ISO 3166-1 numeric code) and us-atlas 3.0.1 (US states at 1:10m,
keyed by FIPS code), both ISC licensed, the data public domain; plus the ISO 3166 code table of
i18n-iso-countries 7.14.0 (MIT) and the US state postal and FIPS codes. TopoJSON is decoded to
(longitude, latitude) rings here, at load: the coordinates GeoJSON would
hold, drawn by radar.maps as filled areas.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GEO_DIR = Path(__file__).parent / "data" / "geo"
WORLD_FILE = GEO_DIR / "world-countries-110m.topo.json"
US_FILE = GEO_DIR / "us-states-10m.topo.json"
SKIPPED_COUNTRIES = {"010"}  # Antarctica: no postings, and it would squash the map


@dataclass(frozen=True)
class Shape:
    """One area's outline: its key (ISO alpha-2 or US postal code), name and rings of
    (longitude, latitude) points."""

    key: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute (longitude, latitude) points (quantised arcs are
    delta-encoded and scaled by the topology's transform)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list:
    """One ring from its arc indexes (a negative index ~i is arc i reversed); the first point
    of each following arc repeats the last of the one before, so it is dropped."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def geometry_rings(geometry: dict, arcs: list) -> list:
    """Every ring of a Polygon or MultiPolygon geometry (outer rings and holes alike)."""
    if geometry.get("type") == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [ring_points(ring, arcs) for polygon in polygons for ring in polygon]


def _rounded(rings: list, step: int = 1) -> tuple:
    """Rings with coordinates rounded to 0.001 degree (a ring crossing the antimeridian, such as
    Chukotka's or Fiji's, carried on east of 180 degrees); with ``step`` > 1, long rings keep every
    step-th point (and their last), enough for a state-sized map and a third of the bytes."""
    out = []
    for ring in rings:
        if ring and max(x for x, _ in ring) - min(x for x, _ in ring) > 180:
            ring = [(x + 360 if x < 0 else x, y) for x, y in ring]  # across the antimeridian
        if step > 1 and len(ring) > 10 * step:
            ring = ring[::step] + [ring[-1]]
        if ring:
            out.append(tuple((round(x, 3), round(y, 3)) for x, y in ring))
    return tuple(out)


@cache
def numeric_to_alpha2() -> dict[str, str]:
    """ISO 3166-1 numeric code -> alpha-2 code."""
    with (GEO_DIR / "iso3166_codes.csv").open(newline="") as fh:
        return {row["numeric"]: row["alpha2"] for row in csv.DictReader(fh)}


@cache
def us_states() -> dict[str, tuple[str, str]]:
    """US state postal code -> (FIPS code, name)."""
    with (GEO_DIR / "us_states.csv").open(newline="") as fh:
        return {row["code"]: (row["fips"], row["name"]) for row in csv.DictReader(fh)}


@cache
def world_shapes() -> tuple[Shape, ...]:
    """Country outlines keyed by ISO alpha-2 code (areas without an ISO code left out)."""
    topology = json.loads(WORLD_FILE.read_text())
    arcs = decoded_arcs(topology)
    codes = numeric_to_alpha2()
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        if numeric in SKIPPED_COUNTRIES or numeric not in codes:
            continue
        shapes.append(Shape(codes[numeric], geometry["properties"]["name"],
                            _rounded(geometry_rings(geometry, arcs))))
    return tuple(shapes)


@cache
def us_state_shapes() -> tuple[Shape, ...]:
    """US state outlines keyed by postal code (the 50 states, DC and Puerto Rico); the
    Aleutian islands west of 180 degrees are left out so Alaska draws in one piece."""
    topology = json.loads(US_FILE.read_text())
    arcs = decoded_arcs(topology)
    by_fips = {fips: code for code, (fips, _) in us_states().items()}
    shapes = []
    for geometry in topology["objects"]["states"]["geometries"]:
        code = by_fips.get(geometry.get("id"))
        if code is None:
            continue
        rings = [r for r in geometry_rings(geometry, arcs) if max(x for x, _ in r) < 0]
        shapes.append(Shape(code, geometry["properties"]["name"], _rounded(rings, step=3)))
    return tuple(shapes)
