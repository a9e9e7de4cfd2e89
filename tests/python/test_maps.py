"""plan.map(): the folium map holds every centre, ring and village, checked by parsing its HTML."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import villageplan as vp

NUM = r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)"


def _html(m) -> str:
    return m.get_root().render()


def _calls(html: str, fn: str) -> list[tuple[float, float]]:
    """(lat, lon) of every `L.<fn>([lat, lon], ...)` call in the map's script."""
    pattern = rf"L\.{fn}\(\s*\[{NUM},\s*{NUM}\]"
    return [(float(a), float(b)) for a, b in re.findall(pattern, html)]


@pytest.fixture(scope="module")
def plan_html(sample_plan: vp.Plan) -> str:
    return _html(sample_plan.map(tiles=None))


def test_map_has_every_centre_with_a_ring(sample_plan: vp.Plan, plan_html: str):
    centres = sample_plan.centres
    markers = _calls(plan_html, "marker")
    rings = _calls(plan_html, "circle")
    assert len(markers) == sample_plan.n_centres
    assert len(rings) == sample_plan.n_centres
    got = np.array(sorted(markers))
    want = np.array(sorted(zip(centres["lat"], centres["lon"], strict=True)))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    radii = [float(r) for r in re.findall(rf'"radius":\s*{NUM}', plan_html)]
    assert radii.count(sample_plan.radius) == sample_plan.n_centres


def test_map_villages_coloured_by_community_and_uncovered_distinct(sample_plan: vp.Plan, plan_html: str):
    dots = _calls(plan_html, "circleMarker")
    assert len(dots) == sample_plan.county.n_villages
    # Covered villages take their community's colour; uncovered ones are grey with a red outline.
    n_uncovered = int((~sample_plan.assignments["covered"]).sum())
    assert n_uncovered > 0
    assert plan_html.count(f'"fillColor": "{vp.maps.UNCOVERED_COLOR}"') == n_uncovered
    colours = set(re.findall(r'"fillColor": "(#[0-9a-f]{6})"', plan_html)) - {vp.maps.UNCOVERED_COLOR}
    assert len(colours) == min(sample_plan.n_centres, len(vp.maps.PALETTE))
    for layer in ("centres", "radius rings", "villages", "uncovered villages"):
        assert layer in plan_html


def test_map_popups_name_population_and_distance(sample_plan: vp.Plan, plan_html: str):
    a = sample_plan.assignments
    row = a[a["covered"]].iloc[0]
    village = sample_plan.county.villages.set_index("id").loc[row["village"]]
    assert escape_text(str(row["name"])) in plan_html
    assert f"{village['population']:,.0f}" in plan_html
    assert f"{row['distance_m']:,.0f} m" in plan_html
    assert "not covered" in plan_html


def escape_text(text: str) -> str:
    from html import escape

    return escape(text)


def test_planar_county_needs_a_crs_and_takes_an_epsg_code():
    # Three villages in UTM zone 50N (EPSG:32650), near 117°E.
    df = pd.DataFrame({"id": ["a", "b", "c"], "x": [500_000.0, 501_000.0, 504_000.0],
                       "y": [4_000_000.0, 4_000_500.0, 4_000_000.0], "population": [900, 700, 800]})  # fmt: skip
    county = vp.County.from_dataframe(df, town=None, crs="planar")
    plan = vp.plan(county, radius=1500, target=0.6)
    with pytest.raises(vp.InvalidInputError, match="needs longitude and latitude") as e:
        plan.map()
    assert e.value.field == "crs"
    html = _html(plan.map(crs=32650, tiles=None))
    lat, lon = _calls(html, "marker")[0]
    assert 116.9 < lon < 117.1 and 36.0 < lat < 36.2


def test_network_plan_draws_the_roads():
    villages = pd.DataFrame({"id": ["a", "b", "c"], "lon": [119.0, 119.015, 119.03], "lat": [36.0, 36.0, 36.0],
                             "population": [900, 700, 800], "town": "T"})  # fmt: skip
    county = vp.County.from_dataframe(villages)
    nodes = pd.DataFrame({"id": ["n1", "n2"], "x": [119.0, 119.03], "y": [36.0, 36.0]})
    edges = pd.DataFrame({"from": ["n1"], "to": ["n2"]})
    roads = county.with_roads(edges, nodes=nodes)
    plan = vp.plan(roads, metric="network", radius=2000, target=1.0)
    html = _html(plan.map(tiles=None))
    lines = re.findall(rf"L\.polyline\(\s*\[\[{NUM},\s*{NUM}\],\s*\[{NUM},\s*{NUM}\]\]", html)
    assert len(lines) == len(roads.roads) == 1
    assert [float(x) for x in lines[0]] == [36.0, 119.0, 36.0, 119.03]
    assert "roads" in html
    assert "L.polyline(" not in _html(plan.map(tiles=None, roads=False))
