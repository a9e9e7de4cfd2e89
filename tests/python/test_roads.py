"""Road networks from Python: building, distances against networkx, planning along roads, routes."""

from __future__ import annotations

import itertools
import json
import pickle

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

import villageplan as vp
from villageplan import _core
from villageplan.cli import main
from villageplan.roads import roads_geodataframe


def random_roads(seed: int, n: int = 40, size: float = 5000.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random planar edge list: each node joined to 1-3 near ones, some roads winding."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, size, (n, 2))
    nodes = pd.DataFrame({"id": [f"n{i}" for i in range(n)], "x": pts[:, 0], "y": pts[:, 1]})
    rows = []
    seen: set[tuple[int, int]] = set()
    for i in range(n):
        d = np.hypot(*(pts - pts[i]).T)
        for j in np.argsort(d)[1 : 1 + rng.integers(1, 4)]:
            # One road per pair: parallel copies of one segment with other lengths would make the
            # nearest road ambiguous.
            if (min(i, j), max(i, j)) in seen:
                continue
            seen.add((min(i, j), max(i, j)))
            winding = rng.uniform(1.0, 1.5) if rng.random() < 0.5 else 1.0
            cls = rng.choice(["county", "township", "village"])
            rows.append({"from": f"n{i}", "to": f"n{j}", "length": d[j] * winding, "class": cls})
    return pd.DataFrame(rows), nodes


def random_villages(seed: int, n: int = 30, size: float = 5000.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1000)
    pts = rng.uniform(0, size, (n, 2))
    return pd.DataFrame(
        {"id": [f"v{i}" for i in range(n)], "x": pts[:, 0], "y": pts[:, 1], "population": 100.0, "town": "T"}
    )


def reference_distances(villages: pd.DataFrame, edges: pd.DataFrame, nodes: pd.DataFrame) -> np.ndarray:
    """Village x village road metres computed independently: shapely snaps each village to its
    nearest road segment, networkx runs Dijkstra on the roads split at the snap points. A centre
    serves its own village at distance 0."""
    pos = {r.id: (r.x, r.y) for r in nodes.itertuples()}
    segs = [shapely.LineString([pos[e["from"]], pos[e["to"]]]) for _, e in edges.iterrows()]
    g = nx.Graph()
    stops: dict[int, list[tuple[float, str]]] = {k: [] for k in range(len(segs))}
    for v in villages.itertuples():
        p = shapely.Point(v.x, v.y)
        k = int(np.argmin([s.distance(p) for s in segs]))
        t = segs[k].project(p, normalized=True)
        g.add_edge(v.id, f"snap-{v.id}", weight=segs[k].distance(p))
        stops[k].append((t, f"snap-{v.id}"))
    for k, e in edges.iterrows():
        chain = [(0.0, e["from"]), *sorted(stops[k]), (1.0, e["to"])]
        for (t0, a), (t1, b) in itertools.pairwise(chain):
            w = (t1 - t0) * e["length"]
            if not g.has_edge(a, b) or g[a][b]["weight"] > w:
                g.add_edge(a, b, weight=w)
    n = len(villages)
    out = np.full((n, n), np.inf)
    ids = list(villages["id"])
    for i, vid in enumerate(ids):
        dist = nx.single_source_dijkstra_path_length(g, vid, weight="weight")
        for j, wid in enumerate(ids):
            out[i, j] = dist.get(wid, np.inf)
        out[i, i] = 0.0
    return out


@pytest.mark.parametrize("seed", range(5))
def test_network_distances_agree_with_networkx(seed: int) -> None:
    edges, nodes = random_roads(seed)
    villages = random_villages(seed)
    county = vp.County.from_dataframe(villages, crs="planar").with_roads(edges, nodes=nodes)
    limit = 3000.0
    cov = _core.network_coverage_columns(county._core, radius=limit, within_town=False)
    ref = reference_distances(villages, edges, nodes)
    got = np.full_like(ref, np.inf)
    for s in range(len(villages)):
        lo, hi = cov["indptr"][s], cov["indptr"][s + 1]
        got[s, cov["villages"][lo:hi]] = cov["distances"][lo:hi]
    within = ref <= limit * (1 - 1e-9)
    np.testing.assert_allclose(got[within], ref[within], rtol=1e-9, atol=1e-6)
    assert np.isinf(got[ref > limit * (1 + 1e-9)]).all()


def test_coverage_along_roads_never_exceeds_straight_line() -> None:
    for seed in range(4):
        edges, nodes = random_roads(seed, n=30)
        county = vp.County.from_dataframe(random_villages(seed), crs="planar").with_roads(edges, nodes=nodes)
        for radius in (500.0, 1500.0, 3000.0):
            road = vp.max_coverage(county, radius=radius, p=4, metric="network")
            line = vp.max_coverage(county, radius=radius, p=4)
            assert road.objective <= line.objective + 1  # both near-optimal; roads never reach more
            a = road.assignments
            assert (a.loc[a["covered"], "distance_m"] <= radius + 1e-6).all()


def test_sample_county_has_roads_and_network_plans(county: vp.County, sample_plan: vp.Plan) -> None:
    s = county.road_summary
    assert county.has_roads and s["components"] == 1
    assert 960 <= s["km"] <= 1800  # 80-150 km per 100 km² on 1,200 km²
    road = vp.plan(county, metric="network", radius=2000)
    assert road.metric == "network" and road.coverage >= 0.6
    assert road.n_centres > sample_plan.n_centres  # roads detour, so more centres are needed
    a = road.assignments
    straight = sample_plan.assignments
    assert (a.loc[a["covered"], "distance_m"] <= 2000 + 1e-6).all()
    assert "minutes" not in a.columns and road.network["cost"] == "metres"
    mins = vp.plan(county, metric="network", minutes=12)
    m = mins.assignments
    assert mins.minutes == 12 and (m.loc[m["covered"], "minutes"] <= 12 + 1e-9).all()
    assert m.loc[m["covered"], "distance_m"].notna().all()
    # Every covered village is farther (or as far) along the roads than in a straight line.
    both = straight["distance_m"].notna() & a["distance_m"].notna() & (straight["centre"] == a["centre"])
    assert (a.loc[both, "distance_m"] >= straight.loc[both, "distance_m"] - 1e-6).all()


def test_minutes_need_roads_and_network_needs_roads(villages_df: pd.DataFrame) -> None:
    county = vp.County.from_dataframe(villages_df)
    with pytest.raises(vp.InvalidInputError, match="with_roads") as e:
        vp.plan(county, metric="network")
    assert e.value.field == "metric"
    with pytest.raises(vp.InvalidInputError, match="minutes"):
        vp.plan(county, minutes=30)
    with pytest.raises(vp.InvalidInputError, match="metric"):
        vp.plan(county, metric="crow-flies")  # type: ignore[arg-type]


def test_geodataframe_lines_with_crs_transform(villages_df: pd.DataFrame) -> None:
    gpd = pytest.importorskip("geopandas")
    county = vp.County.from_dataframe(villages_df)
    lines = gpd.GeoDataFrame(
        {"class": ["county", None], "speed": [np.nan, 15.0]},
        geometry=[
            shapely.LineString([(119.0, 36.0), (119.01, 36.0), (119.02, 36.005)]),
            shapely.MultiLineString([[(119.1, 36.05), (119.11, 36.05)]]),
        ],
        crs="EPSG:4326",
    )
    projected = lines.to_crs(32650)
    before = projected.copy()
    a = county.with_roads(lines)
    b = county.with_roads(projected)
    pd.testing.assert_frame_equal(projected, before)
    assert a.road_summary["roads"] == b.road_summary["roads"] == 3
    assert a.road_summary["km"] == pytest.approx(b.road_summary["km"], rel=1e-6)
    frame = a.roads
    assert list(frame["class"]) == ["county", "county", "village"]
    assert list(frame["speed_kmh"]) == [40.0, 40.0, 15.0]
    gdf = roads_geodataframe(a._core)
    assert len(gdf) == 3 and gdf.crs.to_epsg() == 4326
    p = vp.plan(a, metric="network", radius=2000, target=0.6)
    assert p.coverage >= 0.6
    with pytest.raises(vp.InvalidInputError, match="LineString"):
        county.with_roads(gpd.GeoDataFrame(geometry=[shapely.Point(119.0, 36.0)], crs="EPSG:4326"))


def test_road_files(tmp_path, villages_df: pd.DataFrame) -> None:
    county = vp.County.from_dataframe(villages_df)
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[119.0, 36.0], [119.02, 36.005]]},
                "properties": {"kind": "township"},
            }
        ],
    }
    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps(fc))
    c = county.with_roads(path, class_col="kind")
    assert c.road_summary["km_township"] > 1.5
    (tmp_path / "nodes.csv").write_text("id,x,y\nA,119.0,36.0\nB,119.02,36.005\n")
    (tmp_path / "edges.csv").write_text("from,to,length\nA,B,2500\n")
    c = county.with_roads(tmp_path / "edges.csv", nodes=tmp_path / "nodes.csv")
    assert c.road_summary["km"] == pytest.approx(2.5)
    (tmp_path / "bad.csv").write_text("from,to\nA,Z\n")
    with pytest.raises(vp.InvalidInputError, match="'Z'"):
        county.with_roads(tmp_path / "bad.csv", nodes=tmp_path / "nodes.csv")


def test_bad_roads_give_typed_errors_and_leave_input_alone(villages_df: pd.DataFrame) -> None:
    county = vp.County.from_dataframe(villages_df)
    nodes = pd.DataFrame({"id": ["A", "B"], "x": [119.0, 119.02], "y": [36.0, 36.0]})
    edges = pd.DataFrame({"from": ["A", "A"], "to": ["B", "C"], "length": [100.0, 5.0]})
    before = (nodes.copy(), edges.copy())
    with pytest.raises(vp.InvalidInputError, match="'C'") as e:
        county.with_roads(edges, nodes=nodes)
    assert e.value.field == "to" and e.value.row == 1
    pd.testing.assert_frame_equal(nodes, before[0])
    pd.testing.assert_frame_equal(edges, before[1])
    with pytest.raises(vp.InvalidInputError, match="length"):
        county.with_roads(edges.assign(to=["B", "B"], length=[100.0, -3.0]), nodes=nodes)
    with pytest.raises(vp.InvalidInputError, match="no edges"):
        county.with_roads(edges.iloc[:0], nodes=nodes)
    with pytest.raises(vp.InvalidInputError, match="road class"):
        county.with_roads(edges.iloc[:1].assign(**{"class": "motorway"}), nodes=nodes)
    with pytest.raises(vp.InvalidInputError, match="speeds"):
        county.with_roads(edges.iloc[:1], nodes=nodes, speeds={"tractor": 10})
    with pytest.raises(vp.InvalidInputError, match="from"):
        county.with_roads(edges.rename(columns={"from": "src"}), nodes=nodes)
    with pytest.raises(TypeError, match="nodes"):
        county.with_roads(edges)
    # A zero-length loop (both ends joined) is dropped, not an error.
    loops = pd.DataFrame({"from": ["A", "A"], "to": ["B", "A"]})
    assert county.with_roads(loops, nodes=nodes).road_summary["roads"] == 1


def test_unreachable_villages_are_reported(villages_df: pd.DataFrame) -> None:
    # Roads only in town T1; T2's villages are far from any road and cannot host a centre
    # themselves (a village with its own centre is always reached).
    county = vp.County.from_dataframe(
        villages_df.assign(state=["none", "none", "none", "no_space", "no_space"]), status="state"
    )
    nodes = pd.DataFrame({"id": ["A", "B"], "x": [119.0, 119.02], "y": [36.0, 36.005]})
    edges = pd.DataFrame({"from": ["A"], "to": ["B"]})
    roads = county.with_roads(edges, nodes=nodes)
    p = vp.plan(roads, metric="network", radius=2000, target=0.6)
    u = p.unreachable
    assert set(u["village"]) == {"d", "e"} and set(u["reason"]) == {"far_from_road"}
    assert sorted(p.network["off_road"]) == ["d", "e"]
    with pytest.raises(vp.InfeasibleError, match="cannot be reached"):
        vp.plan(roads, metric="network", radius=2000, target=0.9)


def test_routes_in_geojson_and_pickle(county: vp.County) -> None:
    p = vp.plan(county, metric="network", radius=2000)
    doc = json.loads(p.to_geojson(routes=True))
    routes = [f for f in doc["features"] if f["properties"]["kind"] == "route"]
    assert len(routes) == p.n_covered
    a = p.assignments.set_index("village")
    for f in routes[:50]:
        props = f["properties"]
        assert props["metres"] == pytest.approx(a.at[props["village"], "distance_m"], rel=1e-9)
        assert f["geometry"]["type"] == "LineString"
    assert doc["villageplan"]["distance"] == "network"
    with pytest.raises(vp.InvalidInputError, match="routes"):
        vp.plan(county).to_geojson(routes=True)
    back = pickle.loads(pickle.dumps(county))
    assert back == county and back.has_roads
    assert vp.Plan.from_json(p.to_json()) == p


def test_cli_roads_and_minutes(tmp_path, capsys, villages_df: pd.DataFrame) -> None:
    villages_df.to_csv(tmp_path / "v.csv", index=False)
    (tmp_path / "nodes.csv").write_text("id,x,y\nA,119.0,36.0\nB,119.02,36.005\nC,119.1,36.05\nD,119.11,36.05\n")
    (tmp_path / "edges.csv").write_text("from,to,class\nA,B,village\nC,D,county\n")
    out = tmp_path / "plan.geojson"
    code = main(
        [
            "plan",
            str(tmp_path / "v.csv"),
            "--roads",
            str(tmp_path / "edges.csv"),
            "--road-nodes",
            str(tmp_path / "nodes.csv"),
            "--minutes",
            "30",
            "--target",
            "1.0",
            "--out",
            str(out),
            "--routes",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0, text
    assert "30 minutes along roads" in text
    doc = json.loads(out.read_text())
    assert sum(f["properties"]["kind"] == "route" for f in doc["features"]) == 5
    assert main(["plan", str(tmp_path / "v.csv"), "--routes", "--out", str(out)]) == 2
    assert "metric='network'" in capsys.readouterr().err


def test_demo_compares_straight_line_and_roads(capsys) -> None:
    assert main(["demo"]) == 0
    text = capsys.readouterr().out
    assert "Straight line vs along roads" in text
    assert "coverage of the straight-line centres" in text


def test_plan_summary_says_how_distance_was_measured(county: vp.County) -> None:
    html = vp.plan(county, metric="network", minutes=10, progress=False)._repr_html_()
    assert "10 min along roads" in html
    html = vp.plan(county, metric="network", radius=2000, progress=False)._repr_html_()
    assert "2,000 m along roads" in html
    p = vp.plan(county, radius=2000, progress=False)
    n = len(p.unreachable)
    assert n > 0 and f"{n} village{'' if n == 1 else 's'} (" in p._repr_html_()
