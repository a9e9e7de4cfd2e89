"""vp.max_coverage, vp.p_median and vp.p_center on a County, checked independently.

Objectives are recomputed with a haversine written out here (R = 6371008.8 m) and compared with
exhaustive search on tiny random counties.
"""

from __future__ import annotations

import itertools
import math
import pickle

import numpy as np
import pandas as pd
import pytest

import villageplan as vp

R = 6371008.8


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


def tiny_df(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    status = rng.choice(["none", "none", "none", "none", "none", "none", "existing", "no_space"], size=n)
    return pd.DataFrame(
        {
            "id": [f"v{i}" for i in range(n)],
            "lon": 119.0 + 0.05 * rng.random(n),
            "lat": 36.0 + 0.04 * rng.random(n),
            "population": rng.integers(100, 1000, size=n).astype(float),
            "town": ["A" if i % 2 == 0 else "B" for i in range(n)],
            "status": status,
            "cost": rng.integers(10, 100, size=n).astype(float),
        }
    )


def county_of(df: pd.DataFrame) -> vp.County:
    return vp.County.from_dataframe(df, status="status", cost="cost")


def dist_matrix(df: pd.DataFrame) -> np.ndarray:
    n = len(df)
    d = np.empty((n, n))
    for i, j in itertools.product(range(n), range(n)):
        d[i, j] = haversine(df.lon[i], df.lat[i], df.lon[j], df.lat[j])
    return d


def nearest(df: pd.DataFrame, d: np.ndarray, open_: list[int], within_town: bool) -> np.ndarray:
    out = np.full(len(df), math.inf)
    for i in range(len(df)):
        for s in open_:
            if not within_town or df.town[i] == df.town[s]:
                out[i] = min(out[i], d[i, s])
    return out


def open_indices(plan: vp.Plan, df: pd.DataFrame) -> list[int]:
    ids = list(df.id)
    return sorted(ids.index(s) for s in plan.centres["site"])


def subsets(df: pd.DataFrame):
    fixed = [i for i in range(len(df)) if df.status[i] == "existing"]
    cand = [i for i in range(len(df)) if df.status[i] == "none"]
    for k in range(len(cand) + 1):
        for extra in itertools.combinations(cand, k):
            yield fixed + list(extra), list(extra)


def check_common(plan: vp.Plan, df: pd.DataFrame, within_town: bool) -> None:
    open_ = open_indices(plan, df)
    for i in range(len(df)):
        if df.status[i] == "existing":
            assert i in open_
        if df.status[i] == "no_space":
            assert i not in open_
    a = plan.assignments
    if within_town:
        merged = a[a["community"] >= 0].merge(plan.centres[["site", "town"]], left_on="centre", right_on="site")
        assert (merged["town_x"] == merged["town_y"]).all()
    assert plan.coverage == pytest.approx(a["covered"].mean())
    assert vp.Plan.from_json(plan.to_json()) == plan
    assert pickle.loads(pickle.dumps(plan)) == plan


@pytest.mark.parametrize("seed", range(8))
def test_max_coverage_matches_exhaustive_search(seed):
    n = 6 + seed % 5
    df = tiny_df(seed, n)
    county = county_of(df)
    by = "villages" if seed % 2 == 0 else "population"
    within_town = seed % 3 != 0
    radius = 1500.0 + 200.0 * (seed % 4)
    d = dist_matrix(df)
    w = np.ones(n) if by == "villages" else df.population.to_numpy()
    n_fixed = int((df.status == "existing").sum())

    def covered(open_: list[int]) -> float:
        return float(w[nearest(df, d, open_, within_town) <= radius].sum())

    p = n_fixed + 2
    plan = vp.max_coverage(county, radius=radius, p=p, by=by, within_town=within_town)
    check_common(plan, df, within_town)
    assert (plan.goal, plan.p, plan.budget) == ("max_coverage", p, None)
    assert plan.n_centres <= p
    assert plan.objective == pytest.approx(covered(open_indices(plan, df)))
    assert plan.bound >= plan.objective - 1e-9
    best = max(covered(o) for o, _ in subsets(df) if len(o) <= p)
    assert plan.objective == pytest.approx(best)

    budget = 80.0 + 10.0 * (seed % 5)
    plan = vp.max_coverage(county, radius=radius, budget=budget, by=by, within_town=within_town)
    check_common(plan, df, within_town)
    assert (plan.goal, plan.p, plan.budget) == ("max_coverage", None, budget)
    assert plan.cost <= budget + 1e-9
    assert plan.objective == pytest.approx(covered(open_indices(plan, df)))
    best = max(covered(o) for o, extra in subsets(df) if df.cost[extra].sum() <= budget)
    assert plan.objective == pytest.approx(best)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("kind", ["p_median", "p_center"])
def test_matrix_objectives_match_exhaustive_search(seed, kind):
    n = 6 + seed % 5
    df = tiny_df(100 + seed, n)
    if (df.status == "no_space").any():
        df.loc[df.status == "no_space", "status"] = "none"  # keep every town servable
    df.loc[0, "status"] = "no_space"
    county = county_of(df)
    by = "villages" if seed % 2 == 0 else "population"
    within_town = seed % 3 != 0
    d = dist_matrix(df)
    w = np.ones(n) if by == "villages" else df.population.to_numpy()
    fixed_towns = set(df.town[df.status == "existing"])
    n_fixed = int((df.status == "existing").sum())
    p = n_fixed + (len({"A", "B"} - fixed_towns) if within_town else 1) + seed % 2
    p = max(p, 1)

    def value(open_: list[int]) -> float:
        near = nearest(df, d, open_, within_town)
        return float(near.max()) if kind == "p_center" else float((near * w).sum())

    fn = vp.p_center if kind == "p_center" else vp.p_median
    before = df.copy()
    plan = fn(county, p, radius=1500, by=by, within_town=within_town)
    pd.testing.assert_frame_equal(df, before)
    check_common(plan, df, within_town)
    assert (plan.goal, plan.p) == (kind, p)
    assert plan.n_centres == p
    assert (plan.assignments["community"] >= 0).all()  # everyone is served
    a = plan.assignments
    assert (a["covered"] == (a["distance_m"] <= 1500)).all()
    assert plan.objective == pytest.approx(value(open_indices(plan, df)), rel=1e-9)
    assert plan.bound <= plan.objective * (1 + 1e-9)
    best = min(value(o) for o, _ in subsets(df) if len(o) == p)
    assert plan.objective == pytest.approx(best, rel=1e-9)


def test_sample_county(county):
    df = county.villages
    sites = county.sites
    p = 60
    m = vp.p_median(county, p)
    assert m.n_centres == p and m.goal == "p_median"
    a = m.assignments.merge(df[["id", "lon", "lat"]], left_on="village", right_on="id")
    a = a.merge(sites[["id", "lon", "lat"]], left_on="centre", right_on="id", suffixes=("", "_c"))
    recomputed = [haversine(r.lon, r.lat, r.lon_c, r.lat_c) for r in a.itertuples()]
    assert np.allclose(recomputed, a["distance_m"], atol=1e-6)
    assert m.objective == pytest.approx(sum(recomputed), rel=1e-9)
    assert m.coverage == pytest.approx((a["distance_m"] <= 2000).mean())

    c = vp.p_center(county, p)
    assert c.objective == pytest.approx(c.assignments["distance_m"].max(), rel=1e-12)
    assert c.objective <= m.assignments["distance_m"].max() + 1e-6

    target = vp.plan(county, radius=2000, target=0.6)
    q = vp.max_coverage(county, radius=2000, p=target.n_centres)
    assert q.coverage >= target.coverage - 1e-12
    b = vp.max_coverage(county, radius=2000, budget=target.cost)
    assert b.cost <= target.cost + 1e-6
    assert b.coverage >= target.coverage - 1e-12
    assert target.goal == "target" and target.p is None and target.budget is None
    assert '"goal"' not in target.to_json()


def test_errors_name_the_field(county):
    def field(call) -> str:
        with pytest.raises(vp.InvalidInputError) as e:
            call()
        return e.value.field

    assert field(lambda: vp.max_coverage(county)) == "p"
    assert field(lambda: vp.max_coverage(county, p=5, budget=1.0)) == "budget"
    assert field(lambda: vp.max_coverage(county, budget=-1.0)) == "budget"
    assert field(lambda: vp.max_coverage(county, p=-1)) == "p"
    assert field(lambda: vp.p_median(county, 0)) == "p"
    assert field(lambda: vp.p_median(county, 3)) == "p"  # fewer than one per town
    assert field(lambda: vp.p_center(county, 60, radius=-1)) == "radius"
    assert field(lambda: vp.p_center(county, 60, by="people!")) == "by"
    assert field(lambda: vp.p_median(county, 60, fixed=["nope"])) == "fixed"
    assert field(lambda: vp.max_coverage(county, p=60, forbidden=["nope"])) == "forbidden"
    assert field(lambda: vp.p_median(county, 60, time_limit=-1)) == "time_limit"
    with pytest.raises(TypeError):
        vp.p_median(county, 60, fixed="V0001")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        vp.p_center(pd.DataFrame(), 3)  # type: ignore[arg-type]


def test_budget_needs_costs(villages_df):
    county = vp.County.from_dataframe(villages_df)
    with pytest.raises(vp.InvalidInputError) as e:
        vp.max_coverage(county, budget=10.0)
    assert e.value.field == "budget"
    assert vp.max_coverage(county, p=2).n_centres <= 2


def test_signatures_and_docs():
    import inspect

    for name in ("max_coverage", "p_median", "p_center"):
        core = inspect.signature(getattr(vp._core, name))
        wrapper = inspect.signature(getattr(vp, name))
        # The wrapper adds `exact` (routes to the HiGHS check instead of the engine).
        assert list(core.parameters) == [k for k in wrapper.parameters if k != "exact"], name
        for k, p in core.parameters.items():
            assert p.default == wrapper.parameters[k].default, (name, k)
        doc = getattr(vp, name).__doc__
        for fragment in ("Parameters", "Returns", "Raises", "Examples", "metres"):
            assert fragment in doc, (name, fragment)
        assert name in vp.__all__


def test_html_summary_names_the_goal(county):
    html = vp.p_median(county, 60)._repr_html_()
    assert "p_median, p = 60" in html and "lower bound" in html
    html = vp.max_coverage(county, budget=1_000_000)._repr_html_()
    assert "budget 1,000,000 yuan" in html and "upper bound" in html
    assert "goal='p_center', p=60" in repr(vp.p_center(county, 60))
