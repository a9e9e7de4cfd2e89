"""Planning: real answers on the sample county, checked independently with numpy."""

from __future__ import annotations

import json
import pickle
import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import villageplan as vp
from villageplan import _core

RADIUS = 2000.0

#: Earth radius of the haversine metric, metres (GRS80 mean radius, as the core uses).
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres, vectorised, computed independently of the library."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


# ---------------------------------------------------------------------------------------------
# The sample county


def test_sample_county_matches_the_founding_document(county):
    assert county.n_villages == 300
    assert len(county.towns) == 12
    assert county.n_sites == 300
    assert county.crs == "geographic"
    counts = county.site_status_counts
    assert counts == {"none": 272, "existing": 0, "rebuild": 13, "new": 12, "no_space": 3}
    sites = county.sites
    pilots = sites[sites["status"] != "none"]
    assert len(pilots) == 28
    assert pilots["status"].value_counts().to_dict() == {"rebuild": 13, "new": 12, "no_space": 3}
    v = county.villages
    assert v["id"].is_unique
    assert v["lon"].between(-180, 180).all() and v["lat"].between(-90, 90).all()
    assert (v["population"] > 0).all()
    assert county.total_population == pytest.approx(v["population"].sum())


def test_sample_county_is_deterministic(county):
    assert vp.sample_county(2008) == county
    assert vp.sample_county(2008).to_json() == county.to_json()
    assert vp.sample_county(7) != county


# ---------------------------------------------------------------------------------------------
# An independent check of a plan


def check_plan(p: vp.Plan, county: vp.County) -> None:
    """Recompute distances, towns, nearest-centre choice and coverage with numpy only."""
    geographic = county.crs == "geographic"
    xn, yn = ("lon", "lat") if geographic else ("x", "y")
    v = county.villages
    a = p.assignments
    c = p.centres
    radius = p.radius
    assert a["village"].tolist() == v["id"].tolist()
    assert len(c) == p.n_centres == len(p.communities)
    assert c["site"].is_unique

    def dist(x1, y1, x2, y2):
        if geographic:
            return haversine_m(x1, y1, x2, y2)
        return np.hypot(np.asarray(x2) - np.asarray(x1), np.asarray(y2) - np.asarray(y1))

    # Distances from every village to every open centre.
    d = dist(v[xn].to_numpy()[:, None], v[yn].to_numpy()[:, None], c[xn].to_numpy()[None, :], c[yn].to_numpy()[None, :])
    same_town = v["town"].to_numpy()[:, None] == c["town"].to_numpy()[None, :]
    allowed = d <= radius + 1e-6
    if p.within_town:
        allowed &= same_town
    reachable = allowed.any(axis=1)
    covered = a["covered"].to_numpy()
    np.testing.assert_array_equal(covered, reachable)

    centre_pos = {s: k for k, s in enumerate(c["site"])}
    for i in np.flatnonzero(covered):
        k = centre_pos[a.at[i, "centre"]]
        assert a.at[i, "community"] == c.at[k, "community"]
        assert d[i, k] <= radius + 1e-6, (i, d[i, k])
        assert a.at[i, "distance_m"] == pytest.approx(d[i, k], abs=1e-6)
        if p.within_town:
            assert v.at[i, "town"] == c.at[k, "town"]
        # Nearest open centre it may join.
        assert d[i, k] <= d[i][allowed[i]].min() + 1e-6
    assert a.loc[~a["covered"], "community"].isna().all()
    assert a.loc[~a["covered"], "distance_m"].isna().all()

    # Coverage figures.
    assert p.coverage == pytest.approx(covered.mean(), abs=1e-12)
    pop = v["population"].to_numpy()
    assert p.population_coverage == pytest.approx(pop[covered].sum() / pop.sum(), abs=1e-12)
    assert p.n_covered == covered.sum()

    # Communities agree with the assignments.
    comm = p.communities
    assert comm["n_villages"].sum() == covered.sum()
    for _, row in comm.iterrows():
        members = a.loc[a["community"] == row["community"], "village"].tolist()
        assert row["villages"] == members
        assert row["n_villages"] == len(members)
        assert row["population"] == pytest.approx(v.loc[v["id"].isin(members), "population"].sum())
        assert row["max_distance_m"] == pytest.approx(a.loc[a["community"] == row["community"], "distance_m"].max())

    # Town summary agrees too.
    ts = p.town_summary.set_index("town")
    by_town = a.groupby("town", sort=False)["covered"].agg(["size", "sum"])
    assert ts.loc[by_town.index, "villages"].tolist() == by_town["size"].tolist()
    assert ts.loc[by_town.index, "covered"].tolist() == by_town["sum"].tolist()
    assert ts["centres"].sum() == p.n_centres

    # Solver certificate.
    assert p.bound <= p.objective + 1e-9 * max(1.0, abs(p.objective))
    assert p.gap >= 0.0
    if p.objective > 0:
        assert p.gap == pytest.approx((p.objective - p.bound) / p.objective, abs=1e-12)
    assert p.status in {"optimal", "feasible", "time_limit"}
    assert (p.status == "optimal") == (p.gap <= 1e-9)


def test_default_plan_reaches_the_target(county, sample_plan):
    p = sample_plan
    assert p.coverage >= 0.6
    assert p.radius == RADIUS and p.target == 0.6 and p.by == "villages" and p.within_town
    assert p.objective_kind == "cost"  # every openable site of the sample county has a cost
    check_plan(p, county)


def test_cost_is_the_sum_of_the_centres(sample_plan):
    c = sample_plan.centres
    assert c["cost"].notna().all()
    assert sample_plan.cost == pytest.approx(c["cost"].sum())
    assert sample_plan.objective == pytest.approx(sample_plan.cost)  # no existing centres


def test_no_space_sites_never_open(county, sample_plan):
    no_space = set(county.sites.query("status == 'no_space'")["id"])
    assert len(no_space) == 3
    for target in (0.6, 0.9):
        p = vp.plan(county, target=target)
        assert no_space.isdisjoint(p.centres["site"])


def _county_with_status(county: vp.County, changes: dict[str, str]) -> vp.County:
    v = county.villages
    s = county.sites
    assert s["id"].tolist() == v["id"].tolist()  # one site per village, same order
    df = v.assign(status=s["status"], floor_area=s["floor_area"], cost=s["cost"])
    for vid, status in changes.items():
        df.loc[df["id"] == vid, "status"] = status
    return vp.County.from_dataframe(
        df, name="name", households="households", status="status", floor_area="floor_area", cost="cost"
    )


def test_existing_centres_stay_open_and_cost_nothing(county, sample_plan):
    # Two villages far from any centre of the default plan become existing centres.
    uncovered = sample_plan.assignments.query("not covered")["village"].tolist()
    existing = [uncovered[0], uncovered[-1]]
    c = _county_with_status(county, dict.fromkeys(existing, "existing"))
    assert c.site_status_counts["existing"] == 2
    p = vp.plan(c)
    centres = p.centres.set_index("site")
    assert set(existing) <= set(centres.index)
    assert (centres.loc[existing, "status"] == "existing").all()
    assert (centres.loc[existing, "cost"] == 0).all()
    assert p.cost == pytest.approx(centres["cost"].sum())
    assert p.objective == pytest.approx(p.cost)  # existing centres are sunk cost
    check_plan(p, c)


def test_fixed_and_forbidden_sites(county, sample_plan):
    first = sample_plan.centres["site"].tolist()
    p = vp.plan(county, forbidden=first[:3])
    assert set(first[:3]).isdisjoint(p.centres["site"])
    assert p.coverage >= 0.6
    extra = sample_plan.assignments.query("not covered")["village"].iloc[0]
    p = vp.plan(county, fixed=[extra])
    assert extra in set(p.centres["site"])
    check_plan(p, county)


def test_population_target(county):
    p = vp.plan(county, target=0.6, by="population")
    assert p.by == "population"
    assert p.population_coverage >= 0.6
    check_plan(p, county)


def test_count_objective_minimises_centres(county, sample_plan):
    p = vp.plan(county, objective="count")
    assert p.objective_kind == "count"
    assert p.objective == p.n_centres
    assert p.n_centres <= sample_plan.n_centres
    assert p.coverage >= 0.6
    check_plan(p, county)


def test_higher_target_never_beats_a_lower_targets_bound(county):
    # OPT(0.8) >= OPT(0.5) >= bound(0.5), and any plan for 0.8 costs at least OPT(0.8).
    low = vp.plan(county, target=0.5, objective="count")
    high = vp.plan(county, target=0.8, objective="count")
    assert high.coverage >= 0.8
    assert high.objective >= low.bound - 1e-9


def test_across_towns(county):
    p = vp.plan(county, within_town=False)
    assert not p.within_town
    check_plan(p, county)


def test_planar_county():
    # A 6 x 5 grid, 900 m apart, two towns: each centre covers itself and up to four neighbours.
    xs, ys = np.meshgrid(np.arange(6) * 900.0 + 500_000.0, np.arange(5) * 900.0 + 4_000_000.0)
    n = xs.size
    c = vp.County.from_arrays(
        [f"v{i}" for i in range(n)],
        xs.ravel(),
        ys.ravel(),
        np.full(n, 1000.0),
        town=["A" if x < 502_500 else "B" for x in xs.ravel()],
        crs="planar",
    )
    p = vp.plan(c, radius=1000, target=0.9)
    assert p.coverage >= 0.9
    assert p.centres.columns[4:6].tolist() == ["x", "y"]
    check_plan(p, c)


# ---------------------------------------------------------------------------------------------
# Files, pickling, determinism


def test_save_load_round_trip(sample_plan, tmp_path):
    path = tmp_path / "plan.json"
    sample_plan.save(path)
    back = vp.Plan.load(path)
    assert back == sample_plan
    assert back.to_json() == sample_plan.to_json()
    assert back.county == sample_plan.county
    pd.testing.assert_frame_equal(back.communities, sample_plan.communities)
    assert back.seconds == 0.0  # wall-clock time is not saved
    assert vp.Plan.load(str(path)) == sample_plan
    assert vp.Plan.from_json(path.read_text()) == sample_plan


def test_geojson(sample_plan, county, tmp_path):
    doc = json.loads(sample_plan.to_geojson())
    assert doc["type"] == "FeatureCollection"
    feats = doc["features"]
    assert len(feats) == county.n_villages + sample_plan.n_centres
    assert all(f["type"] == "Feature" and f["geometry"]["type"] == "Point" for f in feats)
    villages = [f for f in feats if f["properties"]["kind"] == "village"]
    centres = [f for f in feats if f["properties"]["kind"] == "centre"]
    assert len(villages) == 300 and len(centres) == sample_plan.n_centres
    v = county.villages
    assert [f["properties"]["id"] for f in villages] == v["id"].tolist()
    np.testing.assert_allclose([f["geometry"]["coordinates"] for f in villages], v[["lon", "lat"]].to_numpy())
    assert sum(f["properties"]["covered"] for f in villages) == sample_plan.n_covered
    assert {f["properties"]["id"] for f in centres} == set(sample_plan.centres["site"])
    assert doc["villageplan"]["coverage"] == pytest.approx(sample_plan.coverage)
    assert doc["villageplan"]["radius_m"] == 2000
    path = tmp_path / "plan.geojson"
    assert sample_plan.to_geojson(path) is None
    assert json.loads(path.read_text()) == doc


def test_geojson_to_unwritable_place(sample_plan, tmp_path):
    with pytest.raises(FileNotFoundError):
        sample_plan.to_geojson(tmp_path / "no" / "such" / "dir" / "plan.geojson")


def test_pickle_round_trip(sample_plan):
    back = pickle.loads(pickle.dumps(sample_plan))
    assert isinstance(back, vp.Plan)
    assert back == sample_plan
    assert back.to_json() == sample_plan.to_json()
    core = pickle.loads(pickle.dumps(sample_plan._core, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(core, _core.Plan) and core == sample_plan._core


def test_determinism(county, sample_plan):
    again = vp.plan(county, radius=2000, target=0.6)
    assert again.to_json() == sample_plan.to_json()
    assert vp.plan(vp.sample_county(), seed=0).to_json() == sample_plan.to_json()


def test_plans_in_threads_agree(county, sample_plan):
    results: list[str] = []

    def work():
        results.append(vp.plan(county).to_json())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [sample_plan.to_json()] * 4


# ---------------------------------------------------------------------------------------------
# The Python surface: DataFrames, repr, HTML


def test_dataframe_columns_and_dtypes(sample_plan):
    p = sample_plan
    assert p.centres.columns.tolist() == ["community", "site", "village", "town", "lon", "lat", "status",
                                          "floor_area", "cost"]  # fmt: skip
    assert p.communities.columns.tolist() == ["community", "centre", "centre_village", "town", "n_villages",
                                              "population", "households", "status", "cost", "max_distance_m",
                                              "villages"]  # fmt: skip
    a = p.assignments
    assert a.columns.tolist() == ["village", "name", "town", "community", "centre", "distance_m", "covered"]
    assert str(a["community"].dtype) == "Int64"
    assert a["covered"].dtype == bool
    assert a["distance_m"].dtype == np.float64
    assert p.town_summary.columns.tolist() == ["town", "villages", "covered", "coverage", "population",
                                               "covered_population", "population_coverage", "centres"]  # fmt: skip
    assert p.communities["n_villages"].dtype == np.int64


def test_dataframes_are_fresh_copies(sample_plan):
    comm = sample_plan.communities
    comm.loc[0, "population"] = -1.0
    assert sample_plan.communities.loc[0, "population"] > 0


def test_plan_properties(sample_plan, county):
    p = sample_plan
    assert p.county == county
    assert p.county is p.county  # made once
    assert p.n_centres > 0 and p.iterations > 0 and p.seconds >= 0.0
    assert p.seed == 0
    assert isinstance(p.status, str) and isinstance(p.gap, float)


def test_plan_repr_and_html(sample_plan):
    r = repr(sample_plan)
    assert r.startswith("Plan(county='Sample County (seed 2008)', centres=")
    assert f"coverage={100 * sample_plan.coverage:.1f}% of villages" in r
    html = sample_plan._repr_html_()
    assert "<table" in html and "coverage per town" in html
    assert f"{100 * sample_plan.coverage:.1f}% of villages" in html
    assert "Chengguan Subdistrict" in html


def test_plan_cannot_be_built_directly():
    with pytest.raises(TypeError, match=r"vp\.plan"):
        vp.Plan("plan.json")  # type: ignore[arg-type]


def test_geodataframe_round_trip(county, sample_plan):
    import geopandas as gpd  # installed by the test environment (extra [geo]); never skipped

    v = county.villages
    gdf = gpd.GeoDataFrame(
        v.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(v["lon"], v["lat"]), crs="EPSG:4326"
    )
    before = gdf.copy()
    again = vp.County.from_geodataframe(gdf, name="name", households="households")
    assert gdf.equals(before)
    pd.testing.assert_frame_equal(again.villages, v)
    with pytest.raises(vp.InvalidInputError, match="no CRS"):
        vp.County.from_geodataframe(
            gpd.GeoDataFrame(v.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(v["lon"], v["lat"]))
        )
    out = sample_plan.to_geodataframe()
    assert len(out) == 300 and out.crs.to_epsg() == 4326
    assert out["covered"].sum() == sample_plan.n_covered


# ---------------------------------------------------------------------------------------------
# Properties on random planar counties


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=40),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    radius=st.floats(min_value=200.0, max_value=5000.0),
    target=st.floats(min_value=0.05, max_value=1.0),
)
def test_random_counties(n, seed, radius, target):
    rng = np.random.default_rng(seed)
    xs = rng.uniform(0, 20_000, n) + 400_000
    ys = rng.uniform(0, 20_000, n) + 3_000_000
    pop = rng.integers(0, 3000, n).astype(float)
    towns = [f"T{t}" for t in rng.integers(0, 3, n)]
    c = vp.County.from_arrays([f"v{i}" for i in range(n)], xs, ys, pop, town=towns, crs="planar")
    # Every village is an allowed site, so every target is feasible.
    p = vp.plan(c, radius=radius, target=target)
    assert p.coverage >= target - 1e-12
    check_plan(p, c)


def test_pickled_plan_keeps_its_schedule(county):

    p = vp.plan(county, budget=vp.Budget.yearly(5e6))
    q = pickle.loads(pickle.dumps(p))
    assert q == p and q.schedule is not None
    pd.testing.assert_frame_equal(q.schedule.years, p.schedule.years)
    assert pickle.loads(pickle.dumps(vp.plan(county))).schedule is None
